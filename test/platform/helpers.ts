// Shared set-up for the platform tests: a config pointing at a fake Slack, a temp SQLite file, a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';

export const SIGNING_SECRET = 'platform-test-signing-secret';

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'golive-platform-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(overrides: { apiUrl: string; port: number; databaseFile: string; appToken?: string; templatesDir?: string }): Config {
  return {
    slack: {
      botToken: 'xoxb-platform-test',
      ...(overrides.appToken !== undefined ? { appToken: overrides.appToken } : { signingSecret: SIGNING_SECRET }),
      apiUrl: overrides.apiUrl,
    },
    port: overrides.port,
    databaseFile: overrides.databaseFile,
    ...(overrides.templatesDir !== undefined ? { templatesDir: overrides.templatesDir } : {}),
    tickMs: 1000,
    checks: { allowedHosts: [], allowPrivate: true, timeoutMs: 2000 },
    logLevel: 'debug',
  };
}

/** A logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: stream }), text: () => chunks.join('') };
}
