// Socket Mode: Golive connects to a local WebSocket server playing Slack (URL from apps.connections.open on the
// fake), acks each envelope by its envelope_id, does the work through the Web API, and still serves /health/*.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGolive } from '../../src/main.js';
import type { RunningGolive } from '../../src/main.js';
import { createMetrics } from '../../src/metrics.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { capturedLogger, tempDir, testConfig } from './helpers.js';

let slack: FakeSlack;
let golive: RunningGolive;
let temp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  temp = tempDir();
  slack = await startFakeSlack();
  const config = testConfig({
    apiUrl: slack.apiUrl,
    port: 0,
    databaseFile: join(temp.dir, 'golive.db'),
    appToken: 'xapp-1-A0GOLIVE-test',
  });
  const started = await startGolive(config, { logger: capturedLogger().logger, metrics: createMetrics() });
  if (!started.ok) throw new Error(started.reason);
  golive = started.golive;
  await slack.socketMode.waitForConnection();
});

afterEach(async () => {
  await golive.stop();
  await slack.close();
  temp.remove();
});

describe('Socket Mode', () => {
  it('connects with the app-level token, not the bot token', () => {
    expect(slack.socketMode.tokens).toEqual(['xapp-1-A0GOLIVE-test']);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
    expect(slack.socketMode.connections).toBe(1);
  });

  it('acks a /golive start envelope and posts the go-live thread through the Web API', async () => {
    const ack = await slack.socketMode.slashCommand({
      text: 'start checkout-api production https://checkout.example.com',
      channel_id: 'C0DEPLOYS',
      user_id: 'U0DEPLOYER',
      response_url: slack.responseUrl(),
    });
    expect(ack.envelope_id).toMatch(/^env-/);
    expect(slack.socketMode.acks.map((a) => a.envelope_id)).toEqual([ack.envelope_id]);

    const root = await slack.waitFor(
      (s) => s.messages('C0DEPLOYS').find((m) => m.thread_ts === undefined && m.text?.includes('checkout-api')),
      10_000,
      'the root message',
    );
    await slack.waitFor((s) => s.thread('C0DEPLOYS', root.ts).length > 0, 10_000, 'section messages in the thread');
    expect(slack.invalidPayloads).toEqual([]);
  });

  it('answers /golive help privately', async () => {
    await slack.socketMode.slashCommand({ text: 'help', response_url: slack.responseUrl() });
    const answered = await slack.waitFor(
      (s) =>
        s.ephemerals.find((e) => (e.text ?? '').length > 0) ??
        s.socketMode.acks.find((a) => typeof a.payload?.text === 'string'),
      10_000,
      'a private help answer',
    );
    expect(JSON.stringify(answered)).toMatch(/\/golive start/);
    expect(slack.messages()).toEqual([]);
  });

  it('serves /health/* on PORT in Socket Mode too', async () => {
    const ping = await fetch(`http://127.0.0.1:${golive.port}/health/ping`);
    expect(await ping.text()).toBe('pong');
    const ready = await fetch(`http://127.0.0.1:${golive.port}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
