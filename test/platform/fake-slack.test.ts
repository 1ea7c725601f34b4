// The fake Slack must behave like Slack where our tests lean on it: the real @slack/web-api client talks to it.
import { WebClient, ErrorCode } from '@slack/web-api';
import type { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { verifySlackRequest } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { signSlackRequest } from '../support/slack-request.js';

let slack: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  slack = await startFakeSlack({ usergroups: { S0DBA: ['U0DANA', 'U0OMAR'] } });
  client = new WebClient('xoxb-test-token', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});

afterEach(async () => {
  await slack.close();
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

async function platformError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as WebAPIPlatformError).data?.error ?? (err as Error).message;
  }
  throw new Error('expected the call to fail');
}

describe('fake Slack Web API', () => {
  it('keeps a thread: root message, replies, edits and blocks sent form-encoded by the real client', async () => {
    const root = await client.chat.postMessage({
      channel: 'C0DEPLOYS',
      text: 'checkout-api go-live',
      blocks: [section('*checkout-api*')],
    });
    expect(root.ok).toBe(true);
    const reply = await client.chat.postMessage({
      channel: 'C0DEPLOYS',
      thread_ts: root.ts!,
      text: 'Security',
      blocks: [section('Security 0/12')],
    });
    await client.chat.update({
      channel: 'C0DEPLOYS',
      ts: reply.ts!,
      text: 'Security',
      blocks: [section('Security 1/12')],
    });

    expect(slack.apiUrl.endsWith('/api/')).toBe(true);
    const messages = slack.messages('C0DEPLOYS');
    expect(messages).toHaveLength(2);
    expect(slack.thread('C0DEPLOYS', root.ts!)).toMatchObject([
      { ts: reply.ts, thread_ts: root.ts, edited: 1, blocks: [section('Security 1/12')] },
    ]);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.update']);
    expect(slack.calls[0]?.args.blocks).toEqual([section('*checkout-api*')]);
    expect(slack.calls[0]?.token).toBe('xoxb-test-token');
  });

  it('answers message_not_found for a deleted or unknown message', async () => {
    const root = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'go-live' });
    slack.deleteMessage('C0DEPLOYS', root.ts!);
    expect(await platformError(client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await platformError(client.chat.update({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(slack.messages()).toHaveLength(0);
  });

  it('refuses blocks that break a Block Kit limit and records the problems', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`item ${i}`));
    expect(await platformError(client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'too long', blocks }))).toBe(
      'invalid_blocks',
    );
    expect(slack.invalidPayloads[0]?.problems.map((p) => p.rule)).toContain('too-many-blocks');
    expect(slack.messages()).toHaveLength(0);
  });

  it('fails and rate-limits on demand, with Retry-After on the 429', async () => {
    slack.failNext('chat.postMessage', 'channel_not_found');
    expect(await platformError(client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' }))).toBe('channel_not_found');

    slack.rateLimitNext('chat.update', 7, 2);
    const root = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' });
    for (let i = 0; i < 2; i++) {
      const err = await client.chat
        .update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'y' })
        .catch((e: unknown) => e as WebAPIRateLimitedError);
      expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    }
    await client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'y' });
    expect(slack.callsOf('chat.update').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(slack.message('C0DEPLOYS', root.ts!)?.text).toBe('y');
  });

  it('plays an outage: HTTP 500 or reset connections, for N calls or until told, then answers again', async () => {
    const root = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' });
    slack.outage('chat.update', { calls: 2 });
    for (let i = 0; i < 2; i++) {
      await expect(client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'y' })).rejects.toMatchObject({
        code: ErrorCode.HTTPError,
        statusCode: 500,
      });
    }
    await client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'y' });

    const outage = slack.outage('*', { answer: 'reset' });
    await expect(client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'z' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    await expect(client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'z' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(outage.refused).toBe(2);
    outage.end();
    await client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'z' });
    expect(slack.calls.slice(1).map((c) => [c.method, c.status, c.error])).toEqual([
      ['chat.update', 500, 'http_500'],
      ['chat.update', 500, 'http_500'],
      ['chat.update', 200, undefined],
      ['chat.postMessage', 0, 'reset'],
      ['chat.update', 0, 'reset'],
      ['chat.update', 200, undefined],
    ]);
    expect(slack.message('C0DEPLOYS', root.ts!)?.text).toBe('z');
  });

  it('enforces a rate tier: the burst passes, the next call gets 429 with the seconds until a call is allowed', async () => {
    const root = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' });
    slack.enforceTier('chat.update', { perMinute: 6, burst: 3 });
    for (let i = 0; i < 3; i++) await client.chat.update({ channel: 'C0DEPLOYS', ts: root.ts!, text: `y${i}` });
    const err = await client.chat
      .update({ channel: 'C0DEPLOYS', ts: root.ts!, text: 'over' })
      .catch((e: unknown) => e as WebAPIRateLimitedError);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError });
    // 6 a minute: one every 10 s.
    expect((err as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(9);
    expect((err as WebAPIRateLimitedError).retryAfter).toBeLessThanOrEqual(10);
    expect(slack.message('C0DEPLOYS', root.ts!)?.text).toBe('y2');
    await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'other methods are not limited' });
  });

  it('answers unknown_method and refuses calls without a bot token', async () => {
    expect(await platformError(client.apiCall('chat.frobnicate', {}))).toBe('unknown_method');
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(anonymous.auth.test())).toBe('not_authed');
  });

  it('opens a view once per trigger_id and updates it by id', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Start a go-live' },
      blocks: [section('Service')],
    };
    const opened = await client.views.open({ trigger_id: 'trig-1', view });
    expect(await platformError(client.views.open({ trigger_id: 'trig-1', view }))).toBe('expired_trigger_id');
    await client.views.update({ view_id: opened.view!.id!, view: { ...view, blocks: [section('Environment')] } });
    expect(slack.views()).toMatchObject([
      { id: opened.view!.id, updates: 1, view: { blocks: [section('Environment')] } },
    ]);
    const tooLong = { ...view, title: { type: 'plain_text' as const, text: 'A title longer than twenty-four' } };
    expect(await platformError(client.views.open({ trigger_id: 'trig-2', view: tooLong }))).toBe('invalid_blocks');
  });

  it('records ephemerals from chat.postEphemeral and response_url posts, and resolves people and groups', async () => {
    await client.chat.postEphemeral({ channel: 'C0DEPLOYS', user: 'U0DANA', text: 'Usage: /golive start <service>' });
    const url = slack.responseUrl();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'private answer', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(slack.ephemerals).toMatchObject([
      { via: 'chat.postEphemeral', channel: 'C0DEPLOYS', user: 'U0DANA', text: 'Usage: /golive start <service>' },
      { via: 'response_url', text: 'private answer', response_type: 'ephemeral' },
    ]);
    expect((await client.usergroups.users.list({ usergroup: 'S0DBA' })).users).toEqual(['U0DANA', 'U0OMAR']);
    expect((await client.users.info({ user: 'U0DANA' })).user?.id).toBe('U0DANA');
    const root = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' });
    expect((await client.chat.getPermalink({ channel: 'C0DEPLOYS', message_ts: root.ts! })).permalink).toContain(
      '/archives/C0DEPLOYS/p',
    );
  });

  it('waits for a condition and says what it waited for when it times out', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'later' }), 20);
    const message = await slack.waitFor((s) => s.messages().find((m) => m.text === 'later'));
    expect(message.channel).toBe('C0DEPLOYS');
    await expect(slack.waitFor(() => false, 50, 'a message that never comes')).rejects.toThrow(
      /a message that never comes/,
    );
  });

  it('hands out a Socket Mode URL, says hello and collects acks', async () => {
    const appClient = new WebClient('xapp-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const { url } = await appClient.apps.connections.open();
    const ws = new WebSocket(url!);
    const hello = await new Promise<{ type: string }>((resolve) =>
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as { type: string })),
    );
    expect(hello.type).toBe('hello');
    ws.on('message', (d) => {
      const envelope = JSON.parse(String(d)) as { envelope_id: string };
      ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'ok' } }));
    });
    const ack = await slack.socketMode.slashCommand({ text: 'help' });
    expect(ack.payload).toEqual({ text: 'ok' });
    ws.close();
  });
});

describe('signSlackRequest', () => {
  it('produces the headers Bolt verifies', async () => {
    const body = 'command=%2Fgolive&text=help';
    const headers = signSlackRequest('s3cret', body);
    const now = Math.floor(Date.now() / 1000);
    verifySlackRequest({
      signingSecret: 's3cret',
      body,
      headers: {
        'x-slack-signature': headers['X-Slack-Signature'],
        'x-slack-request-timestamp': Number(headers['X-Slack-Request-Timestamp']),
      },
    });
    expect(Number(headers['X-Slack-Request-Timestamp'])).toBeGreaterThanOrEqual(now - 1);
    expect(() =>
      verifySlackRequest({
        signingSecret: 'other',
        body,
        headers: {
          'x-slack-signature': headers['X-Slack-Signature'],
          'x-slack-request-timestamp': Number(headers['X-Slack-Request-Timestamp']),
        },
      }),
    ).toThrow();
  });
});
