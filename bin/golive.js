#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm run build` (run by `npm start` and `npm run golive`) produces it.
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv.slice(2));
