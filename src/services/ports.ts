// The ports the services take as parameters: what they need of the outside world, in their own words. The Slack
// side implements them (src/slack/renderer.ts); tests may pass their own. Services never import src/slack.

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
