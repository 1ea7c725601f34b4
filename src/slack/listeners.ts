// Golive's listeners, given to Bolt as one middleware that routes each request by its kind and id (action_id,
// view callback_id, command, event type). Bolt runs the matching chain of every registered listener for every
// request: with one Bolt listener per button and form (22), each click paid for 22 chains before its ack (~80 KB
// of garbage, twice Bolt's own cost per request), and with one per kind (4) still ~7 KB and three chains more than
// Bolt's own ack-only app; the garbage collector's pauses are what the slowest acks wait on.
import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
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
  private readonly events = new Map<string, Listener<SlackEventMiddlewareArgs>>();

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
    // The event type decides the payload's shape, as the action_id does a click's (`E`).
    add(this.events, 'event', name, listener as unknown as Listener<SlackEventMiddlewareArgs>);
  }

  /**
   * Registers one Bolt middleware that hands each request to its listener. A click or form Golive does not know is
   * acknowledged and logged; so is any other interactive request (a shortcut, a menu's options), which no listener
   * of Golive's asks for.
   */
  attach(app: App, logger: Logger): void {
    app.use(async (args) => this.route(args, logger));
  }

  private async route(args: AnyMiddlewareArgs & AllMiddlewareArgs, logger: Logger): Promise<void> {
    if ('action' in args && args.body.type === 'block_actions') {
      const clicked = args as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
      const listener = this.actions.get(clicked.action.action_id);
      if (listener) return listener(clicked);
      await clicked.ack();
      logger.warn({ actionId: clicked.action.action_id }, 'a click on an element Golive does not know: nothing done');
      return;
    }
    if ('view' in args && args.body.type === 'view_submission') {
      const listener = this.views.get(args.view.callback_id);
      if (listener) return listener(args);
      await args.ack();
      logger.warn({ callbackId: args.view.callback_id }, 'a form Golive does not know was submitted: nothing done');
      return;
    }
    if ('command' in args) {
      const listener = this.commands.get(args.command.command);
      if (listener) return listener(args);
      await args.ack();
      logger.warn({ command: args.command.command }, 'a command Golive does not know: nothing done');
      return;
    }
    if ('event' in args) {
      // Events are acknowledged by Bolt as they arrive.
      const listener = this.events.get(args.event.type);
      if (listener) return listener(args);
      return;
    }
    if ('ack' in args) await args.ack();
    logger.warn({ type: args.body.type }, 'a request Golive does not handle: acknowledged, nothing done');
  }
}

function add<L>(map: Map<string, L>, kind: string, id: string, listener: L): void {
  if (map.has(id)) throw new ListenerError(kind, id);
  map.set(id, listener);
}
