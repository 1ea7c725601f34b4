// The WebClient transport (src/slack/slack-fetch.ts) against real HTTP servers on port 0: what Slack receives, and
// that every answer (ok, refusal, 429, 5xx, redirect, no answer) reaches the gateway as the same SlackResult the
// global fetch gives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackGateway, webClientOptions } from '../../src/slack/gateway.js';
import { slackFetch } from '../../src/slack/slack-fetch.js';
import { startHttpServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A Slack Web API stand-in answering every call with `answer`, keeping what it received. */
async function slackAnswering(
  answer: (res: ServerResponse, received: Received) => void,
): Promise<{ apiUrl: string; received: Received[] }> {
  const received: Received[] = [];
  const server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const one = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(one);
      answer(res, one);
    });
  });
  servers.push(server);
  return { apiUrl: new URL('/api/', server.url).href, received };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function gateway(apiUrl: string, fetch?: webApi.FetchFunction, timeout?: number): SlackGateway {
  const options = { ...webClientOptions(apiUrl), ...(fetch ? { fetch } : {}), ...(timeout ? { timeout } : {}) };
  return new SlackGateway(new webApi.WebClient('xoxb-test-token', options), createLogger({ level: 'silent' }));
}

const UPDATE = {
  channel: 'C0DEPLOYS',
  ts: '1700000000.000100',
  text: 'Security 3/10',
  blocks: [
    { type: 'section' as const, text: { type: 'mrkdwn' as const, text: '✅ TLS 1.2+ only — done by <@U0ALICE>' } },
  ],
};

describe('slackFetch under the WebClient', () => {
  it('is what every WebClient of Golive uses', () => {
    expect(webClientOptions('http://127.0.0.1:1/api/').fetch).toBe(slackFetch);
  });

  it('sends the call as Slack reads it: bearer token, form body, blocks as JSON text', async () => {
    const slack = await slackAnswering((res) => json(res, 200, { ok: true, ts: UPDATE.ts }));
    const result = await gateway(slack.apiUrl, slackFetch).update(UPDATE);
    expect(result).toEqual({ ok: true, value: undefined });
    const [call] = slack.received;
    expect(call?.path).toBe('/api/chat.update');
    expect(call?.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call?.body);
    expect(form.get('channel')).toBe('C0DEPLOYS');
    expect(form.get('ts')).toBe(UPDATE.ts);
    expect(JSON.parse(form.get('blocks') ?? 'null')).toEqual(UPDATE.blocks);
  });

  it('answers a posted message with its ts', async () => {
    const slack = await slackAnswering((res) => json(res, 200, { ok: true, ts: '1700000000.000200' }));
    const posted = await gateway(slack.apiUrl, slackFetch).postMessage({
      channel: 'C0DEPLOYS',
      text: 'hello',
      blocks: [],
    });
    expect(posted).toEqual({ ok: true, value: { ts: '1700000000.000200' } });
  });

  const answers: [string, (res: ServerResponse) => void][] = [
    ['a refusal', (res) => json(res, 200, { ok: false, error: 'message_not_found' })],
    ['a 429 with Retry-After', (res) => json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' })],
    ['a 503', (res) => res.writeHead(503).end('down for maintenance')],
    ['a redirect', (res) => res.writeHead(302, { location: '/elsewhere' }).end()],
    ['an answer that is not JSON', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>')],
    ['a dropped connection', (res) => res.socket?.destroy()],
  ];

  it.each(answers)('turns %s into the same SlackResult as the global fetch', async (_name, answer) => {
    const slack = await slackAnswering(answer);
    const viaFetch = await gateway(slack.apiUrl, globalThis.fetch).update(UPDATE);
    const viaUndici = await gateway(slack.apiUrl, slackFetch).update(UPDATE);
    expect(viaUndici).toEqual(viaFetch);
    expect(viaUndici.ok).toBe(false);
    // A redirect is not followed: Slack's API never redirects, and a token must not go elsewhere.
    expect(slack.received.map((r) => r.path)).toEqual(['/api/chat.update', '/api/chat.update']);
  });

  it('reads the exact outcome of each failure', async () => {
    const outcomes = [];
    for (const [, answer] of answers) {
      const slack = await slackAnswering(answer);
      outcomes.push(await gateway(slack.apiUrl, slackFetch).update(UPDATE));
    }
    expect(outcomes).toEqual([
      { ok: false, kind: 'platform', error: 'message_not_found' },
      { ok: false, kind: 'rate-limited', error: 'ratelimited', retryAfterMs: 7000 },
      { ok: false, kind: 'transport', error: 'http_503' },
      { ok: false, kind: 'transport', error: 'request_error' },
      { ok: false, kind: 'platform', error: '<html>' },
      { ok: false, kind: 'transport', error: 'request_error' },
    ]);
  });

  it('gives up on a Slack that never answers after the client timeout', async () => {
    const slack = await slackAnswering(() => {
      // Never answers; the server's close at the end of the test ends the socket.
    });
    const result = await gateway(slack.apiUrl, slackFetch, 200).update(UPDATE);
    expect(result).toEqual({ ok: false, kind: 'transport', error: 'request_error' });
  });

  it('answers request_error when nothing listens', async () => {
    const slack = await slackAnswering(() => undefined);
    const closed = servers.pop();
    await closed?.close();
    expect(await gateway(slack.apiUrl, slackFetch).update(UPDATE)).toEqual({
      ok: false,
      kind: 'transport',
      error: 'request_error',
    });
  });

  it('leaves a multipart body to the global fetch, which builds its boundary', async () => {
    const slack = await slackAnswering((res) => json(res, 200, { ok: true }));
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'hello.txt');
    const response = await slackFetch(`${slack.apiUrl}files.upload`, { method: 'POST', body: form });
    expect(await response.json()).toEqual({ ok: true });
    expect(slack.received[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(slack.received[0]?.body).toContain('hello');
  });
});
