// Socket Mode: the same app, its events over a WebSocket from the fake Slack, its own routes still on PORT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { composeGolive } from '../../src/main.js';
import type { ComposedGolive } from '../../src/main.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { CHANNEL, Harness, loadRegistry } from './harness.js';

let fake: FakeSlack | undefined;
let store: SqliteStore | undefined;
let slackApp: ComposedGolive | undefined;
let dir: string | undefined;

afterEach(async () => {
  await slackApp?.stop();
  await store?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fake = store = slackApp = dir = undefined;
});

it('runs a go-live over Socket Mode and serves its own routes on PORT', async () => {
  fake = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'golive-socket-'));
  store = openSqliteStore({ file: join(dir, 'golive.db'), clock: systemClock });
  slackApp = composeGolive({
    config: {
      slack: { botToken: 'xoxb-test-token', appToken: 'xapp-test-token', apiUrl: fake.apiUrl },
      port: 0,
      databaseFile: join(dir, 'golive.db'),
      tickMs: 1000,
      checks: { allowedHosts: [], allowPrivate: true, timeoutMs: 1000 },
      logLevel: 'error',
    },
    store,
    jobs: store.jobs,
    postLaunch: store.postLaunch,
    templates: loadRegistry(),
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    renderWindowMs: 50,
    customRoutes: [{ path: '/health/ping', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('pong') }],
  });
  await slackApp.start();
  const ping = await fetch(`http://127.0.0.1:${slackApp.port()}/health/ping`);
  expect(await ping.text()).toBe('pong');

  const socket = fake.socketMode;
  await socket.waitForConnection();
  expect(socket.tokens).toEqual(['xapp-test-token']);
  const ack = await socket.slashCommand({ text: 'start checkout-api production', response_url: fake.responseUrl() });
  expect(ack.envelope_id).toBeDefined();
  const s = store;
  const f = fake;
  const goLive = await Harness.until(async () => {
    const found = await s.findActive('checkout-api', 'production');
    return found?.rootTs && f.thread(CHANNEL, found.rootTs).length === 11 ? found : undefined;
  }, 'the thread over Socket Mode');
  expect(Harness.textOf(fake.message(CHANNEL, goLive.rootTs ?? ''))).toContain('0/144');
});
