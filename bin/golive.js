#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm run build` (run by `npm start` and `npm run golive`) produces it.
import process from 'node:process';
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv.slice(2));
