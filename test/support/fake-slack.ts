// A fake Slack Web API on loopback: keeps messages, threads, views, ephemerals, users and groups, records every
// call, refuses any blocks payload that breaks a Block Kit limit, and answers with errors or 429 on demand. It can
// also play an outage (HTTP 500, reset connections or no answer, for N calls or until told) and enforce a rate tier.
// The app under test talks to it through SLACK_API_URL exactly as it would talk to slack.com.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessage, validateView } from '../../src/slack/blocks/limits.js';
import type { LimitProblem } from '../../src/slack/blocks/limits.js';
import { FakeSocketMode } from './fake-socket-mode.js';

export type SlackArgs = Record<string, unknown>;

export interface FakeCall {
  method: string;
  args: SlackArgs;
  /** Date.now() when the call arrived. */
  at: number;
  /** The bearer token (or `token` field) the call carried, if any. */
  token?: string;
  /** HTTP status and Slack `error` of the answer (`undefined` error = ok). */
  status: number;
  error?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  /** How many chat.update calls changed it. */
  edited: number;
  deleted: boolean;
}

export interface FakeView {
  id: string;
  /** The current view as last opened/updated. */
  view: SlackArgs;
  via: 'views.open' | 'views.push';
  trigger_id?: string;
  external_id?: string;
  hash: string;
  updates: number;
}

export interface FakeEphemeral {
  via: 'chat.postEphemeral' | 'response_url';
  channel?: string;
  user?: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  /** response_url posts only. */
  responseUrlId?: string;
  response_type?: string;
  replace_original?: boolean;
  delete_original?: boolean;
  at: number;
}

/** A file of Slack's external upload: announced, its bytes received, then shared by completeUploadExternal. */
export interface FakeFile {
  id: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** What was POSTed to the upload URL (absent until then). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  shared?: { channel: string; thread_ts?: string; title?: string; initial_comment?: string };
}

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface InvalidPayload {
  method: string;
  problems: LimitProblem[];
  args: SlackArgs;
}

export interface StartFakeSlackOptions {
  /** Users known to users.info; any other `U…`/`W…` id is made up on the fly unless `strictUsers`. */
  users?: FakeUser[];
  strictUsers?: boolean;
  /** usergroup id (`S…`) → member user ids. */
  usergroups?: Record<string, string[]>;
  teamId?: string;
  botUserId?: string;
  /** Send `hello` as soon as a Socket Mode client connects (default true). */
  socketHello?: boolean;
}

export interface ResponseUrlOptions {
  /** The message the interaction came from: replace_original / delete_original act on it. */
  channel?: string;
  ts?: string;
  /** How many posts it accepts (Slack: 5). */
  uses?: number;
}

interface ResponseUrlState {
  id: string;
  channel?: string;
  ts?: string;
  usesLeft: number;
}

interface Injection {
  kind: 'error' | 'ratelimit';
  error: string;
  retryAfter: number;
  times: number;
}

/** How calls fail during an outage: HTTP 500, the connection reset, or no answer at all (the caller's timeout ends it). */
export type OutageAnswer = 'http-500' | 'reset' | 'hang';

export interface OutageOptions {
  answer?: OutageAnswer;
  /** The outage ends by itself after this many calls; without it, when the test calls `end()`. */
  calls?: number;
}

export interface Outage {
  /** Slack answers again. */
  end(): void;
  /** Calls refused so far. */
  readonly refused: number;
}

interface OutageState {
  method: string;
  answer: OutageAnswer;
  callsLeft: number;
  refused: number;
  ended: boolean;
}

/** A rate tier as Slack applies it per method and workspace: a sustained rate with a short burst allowed. */
export interface TierLimit {
  perMinute: number;
  burst: number;
}

interface TierState extends TierLimit {
  tokens: number;
  at: number;
}

type Answer = { status: number; body: SlackArgs; headers?: Record<string, string> };
type Handler = (args: SlackArgs, token: string | undefined) => Answer;

const ok = (body: SlackArgs = {}): Answer => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string, extra: SlackArgs = {}): Answer => ({ status: 200, body: { ok: false, error, ...extra } });

/** Fields that @slack/web-api JSON-encodes inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'response_metadata', 'files']);

function parseBody(raw: string, contentType: string | undefined): SlackArgs {
  if (raw.length === 0) return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as SlackArgs) : {};
  }
  const args: SlackArgs = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // Not JSON: keep the string, the validator will say what is wrong with it.
      }
    }
    args[key] = value;
  }
  return args;
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1';
const blocksOf = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

export class FakeSlack {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** What SLACK_API_URL should be: ends with `/api/`. */
  readonly apiUrl: string;
  readonly calls: FakeCall[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly invalidPayloads: InvalidPayload[] = [];
  readonly socketMode: FakeSocketMode;
  readonly teamId: string;
  readonly botUserId: string;

  private readonly allMessages: FakeMessage[] = [];
  private readonly allViews = new Map<string, FakeView>();
  private readonly allFiles = new Map<string, FakeFile>();
  /** App Home views published by views.publish, by user id (the latest one). */
  readonly homes = new Map<string, SlackArgs>();
  private readonly users = new Map<string, FakeUser>();
  private readonly usergroups = new Map<string, string[]>();
  private readonly responseUrls = new Map<string, ResponseUrlState>();
  private readonly usedTriggers = new Set<string>();
  private readonly injections = new Map<string, Injection[]>();
  private readonly outages: OutageState[] = [];
  private readonly tiers = new Map<string, TierState>();
  private readonly handlers: Record<string, Handler>;
  private readonly strictUsers: boolean;
  private lastTs = 0;
  private counter = 0;

  constructor(
    private readonly server: Server,
    options: StartFakeSlackOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.teamId = options.teamId ?? 'T0GOLIVE';
    this.botUserId = options.botUserId ?? 'U0GOLIVEBOT';
    this.strictUsers = options.strictUsers ?? false;
    for (const u of options.users ?? []) this.users.set(u.id, u);
    for (const [id, members] of Object.entries(options.usergroups ?? {})) this.usergroups.set(id, [...members]);
    this.socketMode = new FakeSocketMode(server, `ws://127.0.0.1:${port}/link/`, {
      hello: options.socketHello ?? true,
    });
    this.handlers = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.delete': (a) => this.chatDelete(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.getPermalink': (a) => this.getPermalink(a),
      'views.open': (a) => this.openView(a, 'views.open'),
      'views.push': (a) => this.openView(a, 'views.push'),
      'views.update': (a) => this.updateView(a),
      'users.info': (a) => this.usersInfo(a),
      'files.getUploadURLExternal': (a) => this.getUploadUrl(a),
      'files.completeUploadExternal': (a) => this.completeUpload(a),
      'views.publish': (a) => this.publishView(a),
      'conversations.info': (a) => this.conversationsInfo(a),
      'usergroups.users.list': (a) => this.usergroupUsers(a),
      'apps.connections.open': (_a, token) => this.connectionsOpen(token),
    };
  }

  // ---- what tests read -------------------------------------------------------------------------------

  /** Messages as they stand now (deleted ones left out), in posting order; optionally of one channel. */
  messages(channel?: string): FakeMessage[] {
    return this.allMessages.filter((m) => !m.deleted && (channel === undefined || m.channel === channel));
  }

  /** One message by channel and ts (deleted ones included, with `deleted: true`). */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.allMessages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Replies in a thread, oldest first (the parent not included). */
  thread(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** Views opened or pushed so far, in their current state. */
  views(): FakeView[] {
    return [...this.allViews.values()];
  }

  /** Files shared by files.completeUploadExternal, in the order they were shared. */
  sharedFiles(): (FakeFile & { content: string })[] {
    return [...this.allFiles.values()]
      .filter((f) => f.shared && f.bytes)
      .map((f) => ({ ...f, content: f.bytes!.toString('utf8') }));
  }

  /** Every file announced, shared or not. */
  files(): FakeFile[] {
    return [...this.allFiles.values()];
  }

  /** Calls of one method (or all). */
  callsOf(method?: string): FakeCall[] {
    return method === undefined ? [...this.calls] : this.calls.filter((c) => c.method === method);
  }

  // ---- what tests arrange ----------------------------------------------------------------------------

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times = 1): void {
    this.inject(method, { kind: 'error', error, retryAfter: 0, times });
  }

  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, retryAfterSeconds: number, times = 1): void {
    this.inject(method, { kind: 'ratelimit', error: 'ratelimited', retryAfter: retryAfterSeconds, times });
  }

  /**
   * Slack is down for `method` (`*`: every method): calls answer HTTP 500, have their connection reset or get no
   * answer, for `calls` calls or until `end()`. Refused calls are recorded with status 500 or 0 and error
   * `http_500`, `reset` or `hang`.
   */
  outage(method: string, options: OutageOptions = {}): Outage {
    const state: OutageState = {
      method,
      answer: options.answer ?? 'http-500',
      callsLeft: options.calls ?? Infinity,
      refused: 0,
      ended: false,
    };
    this.outages.push(state);
    return {
      end: () => {
        state.ended = true;
      },
      get refused() {
        return state.refused;
      },
    };
  }

  /** `method` is limited as Slack limits a tier: beyond the burst, more than `perMinute` answers 429 + Retry-After. */
  enforceTier(method: string, limit: TierLimit): void {
    this.tiers.set(method, { ...limit, tokens: limit.burst, at: Date.now() });
  }

  /** A message posted before this fake started (the threads of a database filled without Slack): chat.update finds it. */
  addMessage(message: Pick<FakeMessage, 'channel' | 'ts' | 'thread_ts'>): void {
    this.allMessages.push({ ...message, edited: 0, deleted: false });
  }

  /** Someone deleted a message by hand: chat.update on it now answers message_not_found. */
  deleteMessage(channel: string, ts: string): void {
    const m = this.message(channel, ts);
    if (!m) throw new Error(`fake slack: no message ${channel}/${ts}`);
    m.deleted = true;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  setUsergroup(id: string, members: string[]): void {
    this.usergroups.set(id, [...members]);
  }

  /** A response_url as Slack puts in a command or interaction payload, served by this fake. */
  responseUrl(options: ResponseUrlOptions = {}): string {
    const id = `R${++this.counter}`;
    this.responseUrls.set(id, { id, channel: options.channel, ts: options.ts, usesLeft: options.uses ?? 5 });
    return `${this.baseUrl}/response/${id}`;
  }

  /**
   * Polls until `predicate(this)` returns something truthy and resolves with it; rejects after timeoutMs.
   * For tests that wait on asynchronous renders: wait for the condition, never sleep.
   */
  async waitFor<T>(
    predicate: (slack: FakeSlack) => T | undefined | null | false,
    timeoutMs = 5000,
    what = 'condition',
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate(this);
      if (value) return value;
      if (Date.now() > deadline) {
        const recent = this.calls.slice(-10).map((c) => `${c.method}${c.error ? `(${c.error})` : ''}`);
        throw new Error(
          `fake slack: timed out after ${timeoutMs} ms waiting for ${what}; last calls: ${recent.join(', ') || 'none'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    await this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/upload/')) return this.receiveUpload(url.pathname.slice('/upload/'.length), req, res);
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    let args: SlackArgs;
    try {
      args = parseBody(raw, req.headers['content-type']);
    } catch {
      return send(res, { status: 200, body: { ok: false, error: 'invalid_json' } });
    }
    if (url.pathname.startsWith('/response/')) {
      return send(res, this.respond(url.pathname.slice('/response/'.length), args));
    }
    if (!url.pathname.startsWith('/api/')) return send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    const method = url.pathname.slice('/api/'.length);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : str(args.token);
    const { token: _omit, ...cleanArgs } = args;
    const down = this.takeOutage(method);
    if (down) {
      const http500 = down.answer === 'http-500';
      this.calls.push({
        method,
        args: cleanArgs,
        at: Date.now(),
        ...(token !== undefined ? { token } : {}),
        status: http500 ? 500 : 0,
        error: http500 ? 'http_500' : down.answer,
      });
      if (down.answer === 'reset') req.socket.destroy();
      else if (http500) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      // 'hang': never answered; the caller's own timeout, or its death, ends the request.
      return;
    }
    const answer = this.tierAnswer(method) ?? this.dispatch(method, cleanArgs, token);
    this.calls.push({
      method,
      args: cleanArgs,
      at: Date.now(),
      ...(token !== undefined ? { token } : {}),
      status: answer.status,
      ...(answer.body.ok === true ? {} : { error: String(answer.body.error) }),
    });
    send(res, answer);
  }

  private dispatch(method: string, args: SlackArgs, token: string | undefined): Answer {
    const injected = this.takeInjection(method);
    if (injected?.kind === 'ratelimit') {
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'Retry-After': String(injected.retryAfter) },
      };
    }
    if (injected) return fail(injected.error);
    const handler = this.handlers[method];
    if (!handler) return fail('unknown_method');
    if (token === undefined) return fail('not_authed');
    const wantApp = method === 'apps.connections.open';
    if (wantApp ? !token.startsWith('xapp-') : !token.startsWith('xoxb-'))
      return fail(wantApp ? 'not_allowed_token_type' : 'invalid_auth');
    return handler(args, token);
  }

  private takeOutage(method: string): OutageState | undefined {
    const state = this.outages.find((o) => !o.ended && o.callsLeft > 0 && (o.method === '*' || o.method === method));
    if (!state) return undefined;
    state.callsLeft -= 1;
    state.refused += 1;
    return state;
  }

  /** A 429 when the method's tier has no call left; takes one otherwise. */
  private tierAnswer(method: string): Answer | undefined {
    const tier = this.tiers.get(method);
    if (!tier) return undefined;
    const now = Date.now();
    const perMs = tier.perMinute / 60_000;
    tier.tokens = Math.min(tier.burst, tier.tokens + (now - tier.at) * perMs);
    tier.at = now;
    if (tier.tokens >= 1) {
      tier.tokens -= 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - tier.tokens) / perMs / 1000));
    return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(retryAfter) } };
  }

  private inject(method: string, injection: Injection): void {
    const list = this.injections.get(method) ?? [];
    list.push(injection);
    this.injections.set(method, list);
  }

  private takeInjection(method: string): Injection | undefined {
    const head = this.injections.get(method)?.[0];
    if (!head) return undefined;
    head.times -= 1;
    if (head.times <= 0) this.injections.get(method)?.shift();
    return head;
  }

  // Slack ts values are unique per channel and increase; one global sequence is enough here.
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** `invalid_blocks` answer when the payload breaks a limit, recording what was wrong. */
  private checkMessage(method: string, args: SlackArgs): Answer | undefined {
    if (args.blocks === undefined) {
      return str(args.text) === undefined && args.attachments === undefined ? fail('no_text') : undefined;
    }
    const problems = validateMessage({ text: args.text, blocks: args.blocks });
    if (problems.length === 0) return undefined;
    this.invalidPayloads.push({ method, problems, args });
    return fail('invalid_blocks', { errors: problems.map((p) => `${p.path}: ${p.message}`) });
  }

  private checkView(method: string, args: SlackArgs): Answer | undefined {
    const problems = validateView(args.view);
    if (problems.length === 0) return undefined;
    this.invalidPayloads.push({ method, problems, args });
    return fail('invalid_blocks', { errors: problems.map((p) => `${p.path}: ${p.message}`) });
  }

  // ---- methods ---------------------------------------------------------------------------------------

  private authTest(): Answer {
    return ok({
      url: 'https://golive-test.slack.com/',
      team: 'Golive Test',
      user: 'golive',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: 'B0GOLIVE',
      is_enterprise_install: false,
    });
  }

  private postMessage(args: SlackArgs): Answer {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const bad = this.checkMessage('chat.postMessage', args);
    if (bad) return bad;
    const threadTs = str(args.thread_ts);
    if (threadTs !== undefined) {
      // A deleted parent keeps its thread while replies remain ("This message was deleted."), as in Slack.
      const parent = this.message(channel, threadTs);
      const hasReplies = this.thread(channel, threadTs).length > 0;
      if (!parent || (parent.deleted && !hasReplies)) return fail('thread_not_found');
    }
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(blocksOf(args.blocks) ? { blocks: blocksOf(args.blocks) } : {}),
      edited: 0,
      deleted: false,
    };
    this.allMessages.push(message);
    return ok({ channel, ts: message.ts, message: this.wire(message) });
  }

  private update(args: SlackArgs): Answer {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel || !ts) return fail('message_not_found');
    const message = this.message(channel, ts);
    if (!message || message.deleted) return fail('message_not_found');
    const bad = this.checkMessage('chat.update', args);
    if (bad) return bad;
    if (typeof args.text === 'string') message.text = args.text;
    if (args.blocks !== undefined) message.blocks = blocksOf(args.blocks) ?? [];
    message.edited += 1;
    return ok({ channel, ts, text: message.text ?? '', message: this.wire(message) });
  }

  private chatDelete(args: SlackArgs): Answer {
    const channel = str(args.channel);
    const ts = str(args.ts);
    const message = channel && ts ? this.message(channel, ts) : undefined;
    if (!message || message.deleted) return fail('message_not_found');
    message.deleted = true;
    return ok({ channel, ts });
  }

  private postEphemeral(args: SlackArgs): Answer {
    const channel = str(args.channel);
    const user = str(args.user);
    if (!channel) return fail('channel_not_found');
    if (!user) return fail('user_not_found');
    const bad = this.checkMessage('chat.postEphemeral', args);
    if (bad) return bad;
    const threadTs = str(args.thread_ts);
    this.ephemerals.push({
      via: 'chat.postEphemeral',
      channel,
      user,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(blocksOf(args.blocks) ? { blocks: blocksOf(args.blocks) } : {}),
      at: Date.now(),
    });
    return ok({ message_ts: this.nextTs() });
  }

  private getPermalink(args: SlackArgs): Answer {
    const channel = str(args.channel);
    const ts = str(args.message_ts);
    const message = channel && ts ? this.message(channel, ts) : undefined;
    if (!channel || !ts || !message || message.deleted) return fail('message_not_found');
    const base = `https://golive-test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
    const permalink =
      message.thread_ts && message.thread_ts !== ts ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base;
    return ok({ channel, permalink });
  }

  private openView(args: SlackArgs, via: 'views.open' | 'views.push'): Answer {
    const trigger = str(args.trigger_id);
    if (!trigger) return fail('invalid_arguments');
    // A trigger_id works once (docs/ARCHITECTURE.md: it lives 3 s and works once).
    if (this.usedTriggers.has(trigger)) return fail('expired_trigger_id');
    if (typeof args.view !== 'object' || args.view === null) return fail('invalid_arguments');
    const bad = this.checkView(via, args);
    if (bad) return bad;
    this.usedTriggers.add(trigger);
    const view = args.view as SlackArgs;
    const id = `V${String(++this.counter).padStart(8, '0')}`;
    const externalId = str(view.external_id);
    const record: FakeView = {
      id,
      view,
      via,
      trigger_id: trigger,
      ...(externalId !== undefined ? { external_id: externalId } : {}),
      hash: `h${this.counter}`,
      updates: 0,
    };
    this.allViews.set(id, record);
    return ok({ view: this.wireView(record) });
  }

  private updateView(args: SlackArgs): Answer {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    const record = viewId ? this.allViews.get(viewId) : this.views().find((v) => v.external_id === externalId);
    if (!record) return fail('not_found');
    if (typeof args.view !== 'object' || args.view === null) return fail('invalid_arguments');
    const hash = str(args.hash);
    if (hash !== undefined && hash !== record.hash) return fail('hash_conflict');
    const bad = this.checkView('views.update', args);
    if (bad) return bad;
    record.view = args.view as SlackArgs;
    record.updates += 1;
    record.hash = `h${++this.counter}`;
    return ok({ view: this.wireView(record) });
  }

  private usersInfo(args: SlackArgs): Answer {
    const id = str(args.user);
    if (!id) return fail('user_not_found');
    let user = this.users.get(id);
    if (!user && !this.strictUsers && /^[UW][A-Z0-9]+$/.test(id)) {
      user = { id, name: id.toLowerCase(), real_name: `User ${id}`, tz: 'UTC' };
      this.users.set(id, user);
    }
    if (!user) return fail('user_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: this.teamId,
        name: user.name,
        real_name: user.real_name ?? user.name,
        deleted: user.deleted ?? false,
        is_bot: user.is_bot ?? false,
        tz: user.tz ?? 'UTC',
        profile: { real_name: user.real_name ?? user.name, display_name: user.name },
      },
    });
  }

  private conversationsInfo(args: SlackArgs): Answer {
    const id = str(args.channel);
    if (!id || !/^[CGD][A-Z0-9]+$/.test(id)) return fail('channel_not_found');
    return ok({
      channel: {
        id,
        name: id.toLowerCase(),
        is_channel: id.startsWith('C'),
        is_private: id.startsWith('G'),
        is_im: id.startsWith('D'),
        is_member: true,
      },
    });
  }

  private usergroupUsers(args: SlackArgs): Answer {
    const id = str(args.usergroup);
    const members = id ? this.usergroups.get(id) : undefined;
    if (!members) return fail('no_such_subteam');
    return ok({ users: [...members] });
  }

  private connectionsOpen(token: string | undefined): Answer {
    return ok({ url: this.socketMode.connectionUrl(token ?? '') });
  }

  private respond(id: string, args: SlackArgs): Answer {
    const state = this.responseUrls.get(id);
    if (!state) return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (state.usesLeft <= 0) return { status: 404, body: { ok: false, error: 'used_url' } };
    state.usesLeft -= 1;
    if (!bool(args.delete_original)) {
      const bad = this.checkMessage('response_url', args);
      if (bad) return { ...bad, status: 400 };
    }
    const entry: FakeEphemeral = {
      via: 'response_url',
      responseUrlId: id,
      ...(state.channel !== undefined ? { channel: state.channel } : {}),
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(blocksOf(args.blocks) ? { blocks: blocksOf(args.blocks) } : {}),
      ...(str(args.response_type) !== undefined ? { response_type: str(args.response_type) } : {}),
      replace_original: bool(args.replace_original),
      delete_original: bool(args.delete_original),
      at: Date.now(),
    };
    // replace/delete act on the message the interaction came from, when the test said which one that is.
    const original = state.channel && state.ts ? this.message(state.channel, state.ts) : undefined;
    if (original && entry.delete_original) original.deleted = true;
    else if (original && entry.replace_original) {
      if (entry.text !== undefined) original.text = entry.text;
      if (entry.blocks !== undefined) original.blocks = entry.blocks;
      original.edited += 1;
    }
    this.ephemerals.push(entry);
    return ok();
  }

  private wire(m: FakeMessage): SlackArgs {
    return {
      type: 'message',
      user: this.botUserId,
      bot_id: 'B0GOLIVE',
      ts: m.ts,
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      text: m.text ?? '',
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    };
  }

  // ---- files: Slack's external upload, step by step ------------------------------------------------------

  private getUploadUrl(args: SlackArgs): Answer {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = `F${String(++this.counter).padStart(8, '0')}`;
    this.allFiles.set(id, { id, filename, length });
    return ok({ upload_url: `${this.baseUrl}/upload/${id}`, file_id: id });
  }

  /** The upload URL: the bytes in a POST body, exactly as many as announced. */
  private async receiveUpload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.allFiles.get(id);
    const bytes = await readBytes(req);
    const answer = (status: number, text: string) =>
      void res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    if (req.method !== 'POST' || !file || file.bytes || file.shared) return answer(404, 'not found');
    if (bytes.length !== file.length) return answer(400, `expected ${file.length} bytes, got ${bytes.length}`);
    file.bytes = bytes;
    answer(200, `OK - ${bytes.length}`);
  }

  private completeUpload(args: SlackArgs): Answer {
    const list = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : undefined;
    if (!list || list.length === 0) return fail('invalid_arguments');
    const files = list.map((f) => this.allFiles.get(String(f.id)));
    if (files.some((f) => !f)) return fail('file_not_found');
    if (files.some((f) => !f!.bytes || f!.shared)) return fail('file_upload_failed');
    const channel = str(args.channel_id);
    const threadTs = str(args.thread_ts);
    if (threadTs !== undefined && (!channel || !this.message(channel, threadTs))) return fail('invalid_thread_ts');
    if (channel) {
      list.forEach((f, i) => {
        files[i]!.shared = {
          channel,
          ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
          ...(typeof f.title === 'string' ? { title: f.title } : {}),
          ...(typeof args.initial_comment === 'string' ? { initial_comment: args.initial_comment } : {}),
        };
      });
      // Slack shares the files as one message in the thread, with the comment as its text.
      this.allMessages.push({
        channel,
        ts: this.nextTs(),
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
        ...(typeof args.initial_comment === 'string' ? { text: args.initial_comment } : {}),
        edited: 0,
        deleted: false,
      });
    }
    return ok({ files: files.map((f) => ({ id: f!.id, title: f!.shared?.title ?? f!.filename })) });
  }

  // ---- App Home ----------------------------------------------------------------------------------------

  private publishView(args: SlackArgs): Answer {
    const user = str(args.user_id);
    const view = args.view as SlackArgs | undefined;
    if (!user || !view || view.type !== 'home') return fail('invalid_arguments');
    const bad = this.checkView('views.publish', args);
    if (bad) return bad;
    this.homes.set(user, view);
    return ok({ view: { ...view, id: `V${++this.counter}` } });
  }

  private wireView(v: FakeView): SlackArgs {
    return { ...v.view, id: v.id, team_id: this.teamId, hash: v.hash, app_id: 'A0GOLIVE', bot_id: 'B0GOLIVE' };
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

/** Starts the fake on 127.0.0.1, a free port. Close it in afterEach. */
export async function startFakeSlack(options: StartFakeSlackOptions = {}): Promise<FakeSlack> {
  const holder: { fake?: FakeSlack } = {};
  const server = createServer((req, res) => {
    const fake = holder.fake;
    if (!fake) {
      res.writeHead(503).end();
      return;
    }
    fake.handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  holder.fake = new FakeSlack(server, options);
  return holder.fake;
}
