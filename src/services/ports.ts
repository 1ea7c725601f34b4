// The ports the services take as parameters: what they need of the outside world, in their own words. The Slack
// side implements them (src/slack/renderer.ts, src/slack/notifier.ts, src/slack/directory.ts); services never
// import src/slack. Time is the other port (src/clock.ts).
import type { CheckResult } from '../checks/types.js';
import type { Actor, GoLive } from '../domain/go-live.js';

/** `root`, or a section id: one message of a go-live's thread (a long section may span several). */
export type RenderTarget = string;
export const ROOT: RenderTarget = 'root';

export type RenderResult = { ok: true } | { ok: false; error: string };

/** A person whose change asked for a render and who is waiting to see it: where to tell them if it fails. */
export interface RenderWaiter {
  userId: string;
  channelId: string;
  threadTs?: string;
  /** The click's response_url: the way to reach them when the channel refuses a private message. */
  responseUrl?: string;
}

/** Shows a go-live's state in its messages, re-rendered from the store (never patched from a click). */
export interface Renderer {
  /** Re-render these messages soon (coalesced); `waiter` is told if the render fails for good. */
  refresh(goLiveId: string, targets: readonly RenderTarget[], waiter?: RenderWaiter): void;
  /** Re-render the root for state the store does not version (a check run starting or ending). */
  refreshRootState(goLiveId: string): void;
  /** Render one message now, in order with any pending render of it (the start posts the thread this way). */
  renderNow(goLiveId: string, target: RenderTarget): Promise<RenderResult>;
}

/** What Slack knows that services ask about. Answers undefined when Slack could not say (logged on its side). */
export interface Directory {
  /** The user ids in a user group (`S…`), to tell whether someone holds a role given as a group. */
  groupMembers(groupId: string): Promise<readonly string[] | undefined>;
  /** A link to a message (a go-live's thread), for answers that point at it. */
  permalink(channelId: string, ts: string): Promise<string | undefined>;
}

/** A finished check run, as the thread's summary shows it. */
export interface CheckRunSummary {
  results: readonly CheckResult[];
  sectionTitle?: string;
  by: Actor;
  finishedAt: number;
  durationMs: number;
}

/** Posts what happened in a go-live's thread (the words and blocks are the Slack side's). */
export interface Notifier {
  /** The summary of a check run; false when it could not be posted (logged). */
  checkSummary(goLive: GoLive, summary: CheckRunSummary): Promise<boolean>;
  /** A check run that could not finish because of an error on Golive's side. */
  checkRunFailed(goLive: GoLive): Promise<boolean>;
}
