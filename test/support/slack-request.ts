// Requests to the app exactly as Slack sends them: signed (`v0=` HMAC-SHA256 of `v0:{ts}:{raw body}`),
// commands form-encoded, interactions as `payload=<url-encoded JSON>`, events as JSON.
import { createHmac } from 'node:crypto';

export interface SlackRequestOptions {
  /** Sign with a wrong secret, as a forger would. */
  forgeSignature?: boolean;
  /** Use a timestamp older than Slack's 5-minute window. */
  staleTimestamp?: boolean;
  /** Exact Unix timestamp (seconds) to sign with. */
  timestamp?: number;
  /** Adds `X-Slack-Retry-Num` (and `X-Slack-Retry-Reason`), as Slack does when it re-delivers. */
  retryNum?: number;
  retryReason?: string;
}

export interface SlackResponse {
  status: number;
  /** Raw response text (Bolt answers an ack with an empty body or JSON). */
  body: string;
  headers: Headers;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
}

export interface SlackSignatureHeaders {
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

/** The two headers Slack adds to every request. `timestamp` is Unix seconds (default: now). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const ts = String(timestamp);
  const signature = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': `v0=${signature}` };
}

export interface CommandFields {
  token?: string;
  team_id?: string;
  team_domain?: string;
  channel_id?: string;
  channel_name?: string;
  user_id?: string;
  user_name?: string;
  command?: string;
  text?: string;
  /** Pass `fake.responseUrl()` so that `respond()` reaches the fake Slack. */
  response_url?: string;
  /** Unique per call by default (a trigger_id works once). */
  trigger_id?: string;
  api_app_id?: string;
}

let triggerCounter = 0;

/** A fresh trigger_id, as Slack puts in every command and interaction. */
export function newTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}.${triggerCounter}.trigger`;
}

/** `http://host:port` → `http://host:port/slack/events`; a URL that already has a path is used as it is. */
export function eventsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/slack/events';
  return url.toString();
}

/** POSTs a raw body signed as Slack signs it. */
export async function postSigned(
  baseUrl: string,
  secret: string,
  body: string,
  contentType: string,
  options: SlackRequestOptions = {},
): Promise<SlackResponse> {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = options.timestamp ?? (options.staleTimestamp ? now - 6 * 60 : now);
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(options.forgeSignature ? `${secret}-forged` : secret, body, timestamp),
  };
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = options.retryReason ?? 'http_timeout';
  }
  const res = await fetch(eventsUrl(baseUrl), { method: 'POST', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, headers: res.headers, ...(json !== undefined ? { json } : {}) };
}

/** `/golive <text>` as Slack delivers it (application/x-www-form-urlencoded). */
export function postCommand(
  baseUrl: string,
  secret: string,
  fields: CommandFields,
  options: SlackRequestOptions = {},
): Promise<SlackResponse> {
  const form = new URLSearchParams({
    token: fields.token ?? 'deprecated-verification-token',
    team_id: fields.team_id ?? 'T0GOLIVE',
    team_domain: fields.team_domain ?? 'golive-test',
    channel_id: fields.channel_id ?? 'C0DEPLOYS',
    channel_name: fields.channel_name ?? 'deploys',
    user_id: fields.user_id ?? 'U0DEPLOYER',
    user_name: fields.user_name ?? 'deployer',
    command: fields.command ?? '/golive',
    text: fields.text ?? '',
    api_app_id: fields.api_app_id ?? 'A0GOLIVE',
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? 'http://127.0.0.1:9/no-response-url',
    trigger_id: fields.trigger_id ?? newTriggerId(),
  });
  return postSigned(baseUrl, secret, form.toString(), 'application/x-www-form-urlencoded', options);
}

/** A block_actions / view_submission / shortcut payload as Slack delivers it: `payload=<url-encoded JSON>`. */
export function postInteraction(
  baseUrl: string,
  secret: string,
  payload: unknown,
  options: SlackRequestOptions = {},
): Promise<SlackResponse> {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return postSigned(baseUrl, secret, body, 'application/x-www-form-urlencoded', options);
}

/** An Events API delivery (JSON body). */
export function postEvent(
  baseUrl: string,
  secret: string,
  body: unknown,
  options: SlackRequestOptions = {},
): Promise<SlackResponse> {
  return postSigned(baseUrl, secret, JSON.stringify(body), 'application/json', options);
}
