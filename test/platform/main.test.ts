// Starting and stopping Golive as an operator does: bad configuration and bad templates stop the start with a
// readable message and exit code 1 (no stack trace); SIGTERM stops the app, then the database, and exits 0.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGolive } from '../../src/main.js';
import { openSqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { packageRoot } from '../../src/paths.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { immutableUnsupported, setImmutable } from '../support/immutable.js';
import { SIGNING_SECRET, capturedLogger, tempDir, testConfig } from './helpers.js';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs src/main.ts as `npm start` would run the build, with exactly the given environment. */
function runMain(
  env: Record<string, string>,
  whenUp?: (child: ReturnType<typeof spawn>, stdout: () => string) => void,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      whenUp?.(child, () => stdout);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const noStack = (text: string): void => {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toMatch(/Error:/);
};

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => temp.remove());

describe('start-up refusals', () => {
  it('exits 1 naming the missing variable, one line each, no stack trace', async () => {
    const exit = await runMain({ SLACK_SIGNING_SECRET: 'some-secret' });
    expect(exit.code).toBe(1);
    expect(exit.stderr.trimEnd().split('\n')).toEqual([
      'golive: cannot start: SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
    ]);
    noStack(exit.stderr);
  });

  it('exits 1 on a malformed value without echoing a secret', async () => {
    const exit = await runMain({
      SLACK_BOT_TOKEN: 'xoxp-user-token-do-not-print',
      SLACK_SIGNING_SECRET: 's',
      PORT: 'eighty',
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('golive: cannot start: SLACK_BOT_TOKEN does not start with xoxb-');
    expect(exit.stderr).toContain('golive: cannot start: PORT is not a port number (got "eighty")');
    expect(exit.stderr).not.toContain('do-not-print');
    noStack(exit.stderr);
  });

  it('exits 1 on a bad template file, with its file, path and reason', async () => {
    const templates = join(temp.dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'broken.yaml'), 'id: broken\nname: Broken\nversion: 1\nsections: nope\n');
    const exit = await runMain({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATABASE_URL: join(temp.dir, 'golive.db'),
      GOLIVE_TEMPLATES_DIR: templates,
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('golive: cannot start: a checklist template is invalid');
    expect(exit.stderr).toContain(`${join(templates, 'broken.yaml')}: sections`);
    noStack(exit.stderr);
  });

  const noImmutable = immutableUnsupported();
  it.skipIf(noImmutable !== undefined)(
    `exits 1 on a read-only database, one line naming DATABASE_URL and the fix${noImmutable ? ` (skipped: ${noImmutable})` : ''}`,
    async () => {
      const file = join(temp.dir, 'golive.db');
      // A database Golive made (migrated), then made immutable: it opens, and refuses every write.
      await openSqliteStore({ file, clock: systemClock }).close();
      setImmutable([file, `${file}-wal`, `${file}-shm`], true);
      try {
        const exit = await runMain({
          SLACK_BOT_TOKEN: 'xoxb-test',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: 'http://127.0.0.1:9/api/',
          DATABASE_URL: file,
          PORT: '0',
        });
        expect(exit.code).toBe(1);
        expect(exit.stderr.trimEnd().split('\n')).toEqual([
          `golive: cannot start: DATABASE_URL ${JSON.stringify(file)} is read-only: make the file, its directory and any -wal/-shm files beside it writable by the user running Golive, or set DATABASE_URL to a writable path`,
        ]);
        noStack(exit.stderr);
      } finally {
        setImmutable([file, `${file}-wal`, `${file}-shm`], false);
      }
    },
  );

  it('startGolive answers a bad template as a value, before touching the database', async () => {
    const templates = join(temp.dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'broken.yaml'), 'id: [\n');
    const result = await startGolive(
      testConfig({
        apiUrl: 'http://127.0.0.1:9/api/',
        port: 0,
        databaseFile: join(temp.dir, 'golive.db'),
        templatesDir: templates,
      }),
      { logger: capturedLogger().logger },
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('broken.yaml');
  });
});

describe('start failures an operator can fix', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  const start = (overrides: { apiUrl?: string; port?: number; appToken?: string } = {}) =>
    startGolive(
      testConfig({
        apiUrl: overrides.apiUrl ?? slack.apiUrl,
        port: overrides.port ?? 0,
        databaseFile: join(temp.dir, 'golive.db'),
        ...(overrides.appToken ? { appToken: overrides.appToken } : {}),
      }),
      { logger: capturedLogger().logger },
    );

  it('a bot token Slack refuses names SLACK_BOT_TOKEN', async () => {
    slack.failNext('auth.test', 'invalid_auth');
    const result = await start();
    expect(result).toEqual({
      ok: false,
      reason:
        'golive: cannot start: Slack refused the token (invalid_auth): check SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-…); reinstall the app if it was revoked',
    });
  });

  it('an app-level token Slack refuses names SLACK_APP_TOKEN too', async () => {
    slack.failNext('apps.connections.open', 'invalid_auth');
    const result = await start({ appToken: 'xapp-revoked' });
    expect(!result.ok && result.reason).toMatch(
      /Slack refused the token \(invalid_auth\): check SLACK_BOT_TOKEN .* and SLACK_APP_TOKEN/,
    );
  });

  it('an unreachable Web API names SLACK_API_URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await start({ apiUrl: `http://127.0.0.1:${port}/api/` });
    expect(!result.ok && result.reason).toMatch(
      new RegExp(
        `^golive: cannot start: cannot reach the Slack Web API at http://127.0.0.1:${port}/api/ .*: check SLACK_API_URL`,
      ),
    );
  });

  it('a port already taken names PORT, and the database is left closed', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await start({ port });
      expect(result).toEqual({
        ok: false,
        reason: `golive: cannot start: PORT ${port} is already in use: stop the other process or choose another PORT`,
      });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    const again = await start();
    expect(again.ok).toBe(true);
    if (again.ok) await again.golive.stop();
  });
});

describe('a running process', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves /health/ping, then stops on %s: app first, then the database, exit 0',
    async (signal) => {
      const databaseFile = join(temp.dir, 'golive.db');
      let pinged: Promise<string> | undefined;
      const exit = await runMain(
        {
          SLACK_BOT_TOKEN: 'xoxb-test',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          PORT: '0',
          DATABASE_URL: `file:${databaseFile}`,
          LOG_LEVEL: 'info',
        },
        (child, stdout) => {
          const started = /"port":(\d+)[^\n]*"msg":"golive started"/.exec(stdout());
          if (pinged || !started) return;
          pinged = fetch(`http://127.0.0.1:${started[1]}/health/ping`)
            .then((r) => r.text())
            .finally(() => child.kill(signal));
        },
      );
      expect(await pinged).toBe('pong');
      expect(exit.code).toBe(0);
      const lines = exit.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string });
      const messages = lines.map((l) => l.msg);
      expect(messages.indexOf('stopping')).toBeGreaterThan(messages.indexOf('golive started'));
      expect(messages.indexOf('Slack app stopped')).toBeGreaterThan(messages.indexOf('stopping'));
      expect(messages.indexOf('golive stopped')).toBeGreaterThan(messages.indexOf('Slack app stopped'));
      expect(messages).toContain('stopped');
      expect(exit.stdout).not.toContain('xoxb-test');
      // The database was closed cleanly and is usable again.
      const store = openSqliteStore({ file: databaseFile, clock: systemClock });
      expect(await store.isWritable()).toBe(true);
      await store.close();
    },
  );
});

describe('Socket Mode with PORT taken', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('exits 1 naming PORT, no stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const exit = await runMain({
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-1-test',
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        DATABASE_URL: join(temp.dir, 'golive.db'),
      });
      expect(exit.code).toBe(1);
      expect(exit.stderr.trimEnd()).toBe(
        `golive: cannot start: PORT ${port} is already in use: stop the other process or choose another PORT`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
