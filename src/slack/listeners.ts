// Golive's listeners, given to Bolt as one listener per kind of request that routes by id (action_id, view
// callback_id). Bolt runs the middleware chain of every registered listener for every request: with one Bolt
// listener per button and form (22), each click paid for 22 chains before its ack (~80 KB of garbage, twice
// Bolt's own cost per request), and the garbage collector's pauses were what the slowest acks waited on.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from '../logger.js';

/** A listener as Bolt calls it: the request's arguments and Bolt's own (client, context, logger, next). */
export type Listener<Args> = (args: Args & AllMiddlewareArgs) => Promise<void>;

type ActionListener = Listener<SlackActionMiddlewareArgs<BlockAction>>;
type ViewListener = Listener<SlackViewMiddlewareArgs>;

export class ListenerError extends Error {
  readonly code = 'LISTENER_DUPLICATE';

  constructor(kind: string, id: string) {
    super(`two ${kind} listeners for ${id}`);
    this.name = 'ListenerError';
  }
}

export class Listeners {
  private readonly actions = new Map<string, ActionListener>();
  private readonly views = new Map<string, ViewListener>();
  private readonly commands = new Map<string, Listener<SlackCommandMiddlewareArgs>>();
  private readonly events: ((app: App) => void)[] = [];

  /** A click (block_actions) on an element with this action_id; `A` is the payload that element sends. */
  action<A extends BlockAction>(actionId: string, listener: Listener<SlackActionMiddlewareArgs<A>>): void {
    // The action_id decides which element sent the click, so the payload is that element's (`A`).
    add(this.actions, 'action', actionId, listener as unknown as ActionListener);
  }

  /** A submitted form (view_submission) with this callback_id. */
  view(callbackId: string, listener: ViewListener): void {
    add(this.views, 'view', callbackId, listener);
  }

  command(name: string, listener: Listener<SlackCommandMiddlewareArgs>): void {
    add(this.commands, 'command', name, listener);
  }

  event<E extends string>(name: E, listener: Listener<SlackEventMiddlewareArgs<E>>): void {
    this.events.push((app) => app.event(name, listener));
  }

  /** Registers one Bolt listener per kind; a click or form Golive does not know is acknowledged and logged. */
  attach(app: App, logger: Logger): void {
    if (this.actions.size > 0) {
      app.action<BlockAction>({ type: 'block_actions' }, async (args) => {
        const listener = this.actions.get(args.action.action_id);
        if (listener) return listener(args);
        await args.ack();
        logger.warn({ actionId: args.action.action_id }, 'a click on an element Golive does not know: nothing done');
      });
    }
    if (this.views.size > 0) {
      app.view({ type: 'view_submission' }, async (args) => {
        const listener = this.views.get(args.view.callback_id);
        if (listener) return listener(args);
        await args.ack();
        logger.warn({ callbackId: args.view.callback_id }, 'a form Golive does not know was submitted: nothing done');
      });
    }
    for (const [name, listener] of this.commands) app.command(name, listener);
    for (const register of this.events) register(app);
  }
}

function add<L>(map: Map<string, L>, kind: string, id: string, listener: L): void {
  if (map.has(id)) throw new ListenerError(kind, id);
  map.set(id, listener);
}
