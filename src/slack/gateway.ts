// The Slack Web API as Golive uses it: every call answers a value, never throws, so that callers decide what a
// person sees. Rate limits come back as values too (the client rejects them instead of retrying on its own).
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { metrics as processMetrics } from '../metrics.js';
import type { GoliveMetrics } from '../metrics.js';
import type { Block, ModalView, SlackMessage } from './blocks/common.js';
import { slackFetch } from './slack-fetch.js';

export type SlackFailure =
  /** HTTP 429: try again after `retryAfterMs`. */
  | { ok: false; kind: 'rate-limited'; error: 'ratelimited'; retryAfterMs: number }
  /** Slack answered `ok: false` with this error (`message_not_found`, `channel_not_found`, …). */
  | { ok: false; kind: 'platform'; error: string }
  /** No answer: network, timeout, HTTP 5xx. Worth a later retry. */
  | { ok: false; kind: 'transport'; error: string };

export type SlackResult<T> = { ok: true; value: T } | SlackFailure;

/**
 * The options every WebClient of Golive is built with: Golive handles 429 itself and never waits minutes, and calls
 * go over undici's request() (src/slack/slack-fetch.ts says why).
 */
export function webClientOptions(apiUrl: string): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    fetch: slackFetch,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

/** Turns whatever the WebClient threw into a SlackFailure. */
export function classifySlackError(error: unknown): SlackFailure {
  const e = error as {
    code?: unknown;
    retryAfter?: unknown;
    data?: { error?: unknown };
    statusCode?: unknown;
    message?: unknown;
  };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) ? e.retryAfter : 1;
    return { ok: false, kind: 'rate-limited', error: 'ratelimited', retryAfterMs: Math.max(0, seconds) * 1000 };
  }
  if (e?.code === webApi.ErrorCode.PlatformError) {
    return { ok: false, kind: 'platform', error: typeof e.data?.error === 'string' ? e.data.error : 'unknown_error' };
  }
  if (e?.code === webApi.ErrorCode.HTTPError) {
    return { ok: false, kind: 'transport', error: `http_${String(e.statusCode)}` };
  }
  if (e?.code === webApi.ErrorCode.RequestError) return { ok: false, kind: 'transport', error: 'request_error' };
  return { ok: false, kind: 'transport', error: e instanceof Error ? e.name : 'unknown_error' };
}

export interface PostMessageInput extends SlackMessage {
  channel: string;
  threadTs?: string;
}

export interface UpdateInput extends SlackMessage {
  channel: string;
  ts: string;
}

export interface EphemeralInput {
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  threadTs?: string;
}

export interface UploadFile {
  filename: string;
  title: string;
  content: string;
}

export class SlackGateway {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    /** Where chat.update outcomes are counted: the registry /health/metrics serves. */
    private readonly metrics: Pick<GoliveMetrics, 'chatUpdates'> = processMetrics,
  ) {}

  private async call<T>(method: string, run: () => Promise<T>): Promise<SlackResult<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const failure = classifySlackError(error);
      // 429s and calls nothing answered are retried (the renderer catches up after an outage); refusals are errors.
      const level = failure.kind === 'platform' ? 'error' : 'warn';
      this.logger[level](
        { method, slackError: failure.error, kind: failure.kind },
        `Slack ${method} failed: ${failure.error}`,
      );
      return failure;
    }
  }

  postMessage(input: PostMessageInput): Promise<SlackResult<{ ts: string }>> {
    return this.call('chat.postMessage', async () => {
      const answer = await this.client.chat.postMessage({
        channel: input.channel,
        text: input.text,
        blocks: input.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      });
      if (typeof answer.ts !== 'string') throw new Error('chat.postMessage answered without a ts');
      return { ts: answer.ts };
    });
  }

  async update(input: UpdateInput): Promise<SlackResult<void>> {
    const result = await this.call('chat.update', async () => {
      // The blocks go as the JSON text Slack reads from a form body: the same bytes on the wire, but WebClient would
      // otherwise copy every block for a debug line it never prints and serialize them twice (renders are hot).
      await this.client.apiCall('chat.update', {
        channel: input.channel,
        ts: input.ts,
        text: input.text,
        blocks: JSON.stringify(input.blocks),
      });
    });
    this.metrics.chatUpdates.inc({
      outcome: result.ok ? 'ok' : result.kind === 'rate-limited' ? 'ratelimited' : 'error',
    });
    return result;
  }

  postEphemeral(input: EphemeralInput): Promise<SlackResult<void>> {
    return this.call('chat.postEphemeral', async () => {
      await this.client.chat.postEphemeral({
        channel: input.channel,
        user: input.user,
        text: input.text,
        ...(input.blocks !== undefined ? { blocks: input.blocks } : {}),
        ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      });
    });
  }

  permalink(channel: string, ts: string): Promise<SlackResult<string>> {
    return this.call('chat.getPermalink', async () => {
      const answer = await this.client.chat.getPermalink({ channel, message_ts: ts });
      if (typeof answer.permalink !== 'string') throw new Error('chat.getPermalink answered without a permalink');
      return answer.permalink;
    });
  }

  openView(triggerId: string, view: ModalView): Promise<SlackResult<void>> {
    return this.call('views.open', async () => {
      await this.client.views.open({ trigger_id: triggerId, view });
    });
  }

  /** A person's name for records an auditor reads: the real name, else the display name, else the handle. */
  userName(userId: string): Promise<SlackResult<string>> {
    return this.call('users.info', async () => {
      const { user } = await this.client.users.info({ user: userId });
      const name = [user?.profile?.real_name, user?.real_name, user?.profile?.display_name, user?.name].find(
        (n) => typeof n === 'string' && n.trim() !== '',
      );
      return name?.trim() ?? userId;
    });
  }

  /**
   * Shares files in a thread with Slack's external upload: an upload URL per file, the bytes POSTed to it, then
   * one completeUploadExternal sharing them all. Until that last step nothing shows in the channel, so a refusal
   * (`not_in_channel`, `file_upload_failed`) leaves nothing half-posted.
   */
  async uploadFiles(input: {
    channel: string;
    threadTs?: string;
    comment: string;
    files: readonly UploadFile[];
  }): Promise<SlackResult<void>> {
    const uploaded: { id: string; title: string }[] = [];
    for (const file of input.files) {
      const bytes = Buffer.from(file.content, 'utf8');
      const target = await this.call('files.getUploadURLExternal', async () => {
        const answer = await this.client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length });
        if (typeof answer.upload_url !== 'string' || typeof answer.file_id !== 'string')
          throw new Error('no upload_url in the answer');
        return { url: answer.upload_url, id: answer.file_id };
      });
      if (!target.ok) return target;
      const sent = await this.call('files.upload_url', async () => {
        const response = await fetch(target.value.url, {
          method: 'POST',
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (!response.ok)
          throw Object.assign(new Error(`upload answered ${response.status}`), {
            code: webApi.ErrorCode.HTTPError,
            statusCode: response.status,
          });
      });
      if (!sent.ok) return sent;
      uploaded.push({ id: target.value.id, title: file.title });
    }
    return this.call('files.completeUploadExternal', async () => {
      const [first, ...rest] = uploaded;
      if (!first) throw new Error('nothing to upload');
      await this.client.files.completeUploadExternal({
        files: [first, ...rest],
        channel_id: input.channel,
        initial_comment: input.comment,
        ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      });
    });
  }

  /** Shows a person their App Home tab. */
  publishHome(userId: string, view: { type: 'home'; blocks: Block[] }): Promise<SlackResult<void>> {
    return this.call('views.publish', async () => {
      await this.client.views.publish({ user_id: userId, view });
    });
  }

  /** Members of a user group (`S…`), to tell whether someone belongs to a role given as a group. */
  groupMembers(groupId: string): Promise<SlackResult<string[]>> {
    return this.call('usergroups.users.list', async () => {
      const answer = await this.client.usergroups.users.list({ usergroup: groupId });
      return answer.users ?? [];
    });
  }
}
