// Shared set-up for the platform tests: a config pointing at a fake Slack, a temp SQLite file, a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';
import { startGolive } from '../../src/main.js';
import type { GoliveDeps, RunningGolive } from '../../src/main.js';
import { createMetrics } from '../../src/metrics.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';

export const SIGNING_SECRET = 'platform-test-signing-secret';

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'golive-platform-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(overrides: {
  apiUrl: string;
  port: number;
  databaseFile: string;
  appToken?: string;
  templatesDir?: string;
}): Config {
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

/** Golive started in this process (HTTP mode, port 0) against a fresh fake Slack and a temp database file. */
export async function startTestGolive(
  deps: GoliveDeps = {},
): Promise<{ golive: RunningGolive; slack: FakeSlack; base: string; stop: () => Promise<void> }> {
  const temp = tempDir();
  const slack = await startFakeSlack();
  const started = await startGolive(
    testConfig({ apiUrl: slack.apiUrl, port: 0, databaseFile: join(temp.dir, 'golive.db') }),
    {
      logger: capturedLogger().logger,
      metrics: createMetrics(),
      ...deps,
    },
  );
  if (!started.ok) throw new Error(started.reason);
  const { golive } = started;
  return {
    golive,
    slack,
    base: `http://127.0.0.1:${golive.port}`,
    stop: async () => {
      await golive.stop();
      await slack.close();
      temp.remove();
    },
  };
}
