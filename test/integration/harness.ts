// The real Golive Slack app on 127.0.0.1:0 with a real SQLite file in a temp dir, talking to the fake Slack,
// driven by signed requests exactly as Slack sends them. Tests read what users would see in the fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import type { ChecklistView, GoLive } from '../../src/domain/go-live.js';
import { createLogger } from '../../src/logger.js';
import { composeGolive } from '../../src/main.js';
import type { ComposedGolive, GoliveParts } from '../../src/main.js';
import { ACTION, VIEW, decodeItemAction, encodeItemAction } from '../../src/slack/ids.js';
import type { ItemAction } from '../../src/slack/ids.js';
import { REASON_FIELD } from '../../src/slack/blocks/modals.js';
import { loadTemplates } from '../../src/templates/loader.js';
import type { TemplateRegistry } from '../../src/templates/loader.js';
import { blockActionsPayload } from '../support/block-actions.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeMessage, FakeSlack, FakeView } from '../support/fake-slack.js';
import { newTriggerId, postCommand, postInteraction } from '../support/slack-request.js';
import type { SlackRequestOptions, SlackResponse } from '../support/slack-request.js';

export const SECRET = 'test-signing-secret';
export const CHANNEL = 'C0DEPLOYS';
export const DEPLOYER = 'U0DEPLOYER';

export interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  [key: string]: unknown;
}

export function loadRegistry(dir?: string): TemplateRegistry {
  const loaded = loadTemplates(dir === undefined ? {} : { dir });
  if (!loaded.ok) throw new Error(`templates: ${JSON.stringify(loaded.errors)}`);
  return loaded.registry;
}

export interface HarnessOptions {
  windowMs?: number;
  /** The Slack budget's rate and backoff (the app's defaults otherwise). */
  slackBudget?: GoliveParts['slackBudget'];
  /** Check settings over the defaults (private targets allowed, 1 s timeout, no host list). */
  checks?: Partial<Config['checks']>;
  /** Reuse a fake Slack and a database directory (restart tests). */
  fake?: FakeSlack;
  dir?: string;
  /** Extra checklist templates (GOLIVE_TEMPLATES_DIR). */
  templatesDir?: string;
}

export class Harness {
  readonly logs: LogLine[] = [];
  private constructor(
    readonly fake: FakeSlack,
    readonly dir: string,
    readonly store: SqliteStore,
    readonly slackApp: ComposedGolive,
    readonly baseUrl: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const fake = options.fake ?? (await startFakeSlack());
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'golive-it-'));
    const file = join(dir, 'golive.db');
    const store = openSqliteStore({ file, clock: systemClock });
    const logs: LogLine[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const config: Config = {
      slack: { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl },
      port: 0,
      databaseFile: file,
      tickMs: 1000,
      checks: { allowedHosts: [], allowPrivate: true, timeoutMs: 1000, ...options.checks },
      logLevel: 'info',
    };
    const slackApp = composeGolive({
      config,
      store,
      jobs: store.jobs,
      postLaunch: store.postLaunch,
      templates: loadRegistry(options.templatesDir),
      logger: createLogger({ level: 'info', destination }),
      clock: systemClock,
      renderWindowMs: options.windowMs ?? 50,
      ...(options.slackBudget !== undefined ? { slackBudget: options.slackBudget } : {}),
    });
    await slackApp.start();
    const harness = new Harness(fake, dir, store, slackApp, `http://127.0.0.1:${slackApp.port()}`);
    (harness as { logs: LogLine[] }).logs = logs;
    return harness;
  }

  /** Stops the app and closes the database; keeps the fake and the directory unless `all`. */
  async stop(all = true): Promise<void> {
    await this.slackApp.stop();
    await this.store.close();
    if (all) {
      await this.fake.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** `channelName` as Slack names the channel in the payload: `privategroup` for a private channel. */
  command(
    text: string,
    options: { user?: string; channel?: string; channelName?: string; request?: SlackRequestOptions } = {},
  ): Promise<SlackResponse> {
    return postCommand(
      this.baseUrl,
      SECRET,
      {
        text,
        user_id: options.user ?? DEPLOYER,
        channel_id: options.channel ?? CHANNEL,
        ...(options.channelName !== undefined ? { channel_name: options.channelName } : {}),
        response_url: this.fake.responseUrl(),
      },
      options.request,
    );
  }

  /** Private answers the person got (response_url or chat.postEphemeral). */
  privateTexts(user = DEPLOYER): string[] {
    return this.fake.ephemerals
      .filter((e) => e.via === 'response_url' || e.user === user)
      .map((e) => [e.text ?? '', ...(e.blocks ?? []).map((b) => JSON.stringify(b))].join('\n'));
  }

  async waitForPrivate(pattern: RegExp, user = DEPLOYER): Promise<string> {
    return this.fake.waitFor(
      () => this.privateTexts(user).find((t) => pattern.test(t)),
      5000,
      `a private answer matching ${pattern}`,
    );
  }

  async goLive(service = 'checkout-api', environment = 'production'): Promise<GoLive> {
    const goLive = await this.store.findActive(service, environment);
    if (!goLive) throw new Error(`no active go-live ${service} ${environment}`);
    return goLive;
  }

  async checklist(id: string): Promise<ChecklistView> {
    const view = await this.store.getChecklist(id);
    if (!view) throw new Error(`no go-live ${id}`);
    return view;
  }

  /**
   * Starts a go-live with the command (in CHANNEL, or `where` Slack says it was typed) and waits until its root and
   * every section message are posted.
   */
  async startGoLive(
    service = 'checkout-api',
    extra = 'production https://checkout.example.com',
    where: { channel?: string; channelName?: string } = {},
  ): Promise<GoLive> {
    const res = await this.command(`start ${service} ${extra}`, where);
    if (res.status !== 200) throw new Error(`start answered ${res.status}`);
    const environment = /^([a-z0-9-]+)(?:\s|$)/i.exec(extra)?.[1] ?? 'production';
    return this.waitThread(service, this.slackApp.services.templates.default.sections.length, environment);
  }

  /** Polls an async condition (database reads) until it gives a value; never a sleep for ordering. */
  static async until<T>(
    probe: () => Promise<T | undefined | null | false>,
    what: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the go-live has its root and `sections` thread messages, and the start has finished. */
  async waitThread(service: string, sections: number, environment = 'production'): Promise<GoLive> {
    const goLive = await Harness.until(async () => {
      const found = await this.store.findActive(service, environment);
      return found?.rootTs && this.fake.thread(found.channelId, found.rootTs).length >= sections ? found : undefined;
    }, `the thread of ${service} ${environment}`);
    await this.slackApp.services.work.idle();
    return goLive;
  }

  /** The message (root or thread) showing an item's menu, and that menu's option for `action`. */
  findItemOption(
    goLive: GoLive,
    itemId: string,
    action: ItemAction,
  ): { message: FakeMessage; blockId: string; option: { text: unknown; value: string } } {
    for (const message of this.fake.messages(CHANNEL)) {
      for (const block of (message.blocks ?? []) as {
        block_id?: string;
        accessory?: { action_id?: string; options?: { text: unknown; value: string }[] };
      }[]) {
        if (block.accessory?.action_id !== ACTION.itemMenu) continue;
        for (const option of block.accessory.options ?? []) {
          const decoded = decodeItemAction(option.value);
          if (decoded?.goLiveId === goLive.id && decoded.itemId === itemId && decoded.action === action) {
            return { message, blockId: block.block_id ?? '', option };
          }
        }
      }
    }
    throw new Error(`no ${action} option for item ${itemId} in the thread`);
  }

  /** Clicks a button of a message (as it stands in the fake) as Slack delivers it. */
  clickButtonOn(
    message: FakeMessage,
    actionId: string,
    value: string,
    user = DEPLOYER,
    request?: SlackRequestOptions,
  ): Promise<SlackResponse> {
    const payload = this.blockActionsPayload(
      user,
      message,
      { text: message.text ?? '', blocks: message.blocks ?? [] },
      buttonAction(message, actionId, value),
    );
    return postInteraction(this.baseUrl, SECRET, payload, request);
  }

  /** Submits a modal with these input values (`{ block_id: { action_id: { type, value } } }`), as Slack sends it. */
  submitView(
    view: FakeView,
    values: Record<
      string,
      Record<string, { type: string; value?: string; selected_date?: string; selected_user?: string }>
    >,
    user = DEPLOYER,
    request?: SlackRequestOptions,
  ): Promise<SlackResponse> {
    return postInteraction(
      this.baseUrl,
      SECRET,
      {
        type: 'view_submission',
        team: { id: this.fake.teamId, domain: 'golive-test' },
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.fake.teamId },
        api_app_id: 'A0GOLIVE',
        token: 'deprecated-verification-token',
        trigger_id: newTriggerId(),
        view: { ...view.view, id: view.id, team_id: this.fake.teamId, hash: view.hash, state: { values } },
        response_urls: [],
        is_enterprise_install: false,
      },
      request,
    );
  }

  /** A block_actions payload for a click on `message` (which shows `shown`), as Slack sends it. */
  private blockActionsPayload(
    user: string,
    message: Pick<FakeMessage, 'ts' | 'thread_ts'>,
    shown: { text: string; blocks: unknown[] },
    action: Record<string, unknown>,
    triggerId = newTriggerId(),
    channel = CHANNEL,
  ): unknown {
    return blockActionsPayload({
      user,
      channel,
      message,
      shown,
      action,
      triggerId,
      teamId: this.fake.teamId,
      responseUrl: this.fake.responseUrl({ channel, ts: message.ts }),
    });
  }

  /** A block_actions payload for choosing `action` in an item's menu, as Slack sends it. */
  clickPayload(goLive: GoLive, itemId: string, action: ItemAction, user: string, triggerId = newTriggerId()): unknown {
    let found: ReturnType<Harness['findItemOption']> | undefined;
    try {
      found = this.findItemOption(goLive, itemId, action);
    } catch {
      found = undefined;
    }
    // An option the menu does not offer right now (e.g. `done` on a done item) is still a click a stale
    // message could send; build it from the ids.
    const value = found?.option.value ?? encodeItemAction({ action, goLiveId: goLive.id, itemId });
    const message = found?.message ?? { ts: goLive.rootTs ?? '', thread_ts: goLive.rootTs };
    return this.blockActionsPayload(
      user,
      message,
      { text: '', blocks: [] },
      {
        type: 'overflow',
        action_id: ACTION.itemMenu,
        block_id: found?.blockId ?? 'item',
        selected_option: { text: { type: 'plain_text', text: action }, value },
      },
      triggerId,
    );
  }

  click(
    goLive: GoLive,
    itemId: string,
    action: ItemAction,
    user = DEPLOYER,
    request?: SlackRequestOptions,
  ): Promise<SlackResponse> {
    return postInteraction(this.baseUrl, SECRET, this.clickPayload(goLive, itemId, action, user), request);
  }

  /** Clicks the Run checks button of a section (or of the root message, without `sectionId`) as Slack delivers it. */
  clickRunChecks(
    goLive: GoLive,
    sectionId?: string,
    user = DEPLOYER,
    request?: SlackRequestOptions,
  ): Promise<SlackResponse> {
    return postInteraction(this.baseUrl, SECRET, this.runChecksPayload(goLive, sectionId, user), request);
  }

  /** The block_actions payload of a click on Run checks (the root's, or a section's), as Slack sends it. */
  runChecksPayload(goLive: GoLive, sectionId?: string, user = DEPLOYER): unknown {
    const value = sectionId === undefined ? goLive.id : `${goLive.id}|${sectionId}`;
    const candidates = [this.fake.message(CHANNEL, goLive.rootTs ?? ''), ...this.thread(goLive)].filter(
      (m): m is FakeMessage => m !== undefined,
    );
    const message = candidates.find((m) => JSON.stringify(m.blocks ?? []).includes(`"value":${JSON.stringify(value)}`));
    if (!message) throw new Error(`no Run checks button with value ${value}`);
    const block = (
      (message.blocks ?? []) as { type: string; block_id?: string; elements?: { action_id?: string }[] }[]
    ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === ACTION.runChecks));
    return this.blockActionsPayload(
      user,
      message,
      { text: message.text ?? '', blocks: message.blocks ?? [] },
      {
        type: 'button',
        action_id: ACTION.runChecks,
        block_id: block?.block_id ?? 'actions',
        text: { type: 'plain_text', text: 'Run checks' },
        value,
      },
    );
  }

  /**
   * Clicks the button `actionId` with `value` as Slack delivers it: on the message that shows it, in the channel
   * (or, with `dm`, in the clicker's direct messages from Golive).
   */
  async clickButton(
    actionId: string,
    value: string,
    user: string,
    options: { dm?: boolean; request?: SlackRequestOptions } = {},
  ): Promise<SlackResponse> {
    const shows = (m: FakeMessage) =>
      JSON.stringify(m.blocks ?? []).includes(`"action_id":${JSON.stringify(actionId)}`) &&
      JSON.stringify(m.blocks ?? []).includes(`"value":${JSON.stringify(value)}`);
    const channel = options.dm === true ? user : CHANNEL;
    // Buttons appear when a message is (re-)rendered: wait for the one to click, as a person would.
    const message = await this.fake.waitFor(
      () => [...this.fake.messages(channel)].reverse().find(shows),
      5000,
      `a ${actionId} button with value ${value} in ${channel}`,
    );
    const payload = this.blockActionsPayload(
      user,
      message,
      { text: message.text ?? '', blocks: message.blocks ?? [] },
      buttonAction(message, actionId, value),
      newTriggerId(),
      channel,
    );
    this.lastClick = payload;
    return postInteraction(this.baseUrl, SECRET, payload, options.request);
  }

  private lastClick: unknown;

  /** The person clicks the last button again on the message as it was (a stale one, say): a new delivery. */
  clickLastAgain(): Promise<SlackResponse> {
    const last = this.lastClick as { actions: Record<string, unknown>[] };
    const again = {
      ...last,
      trigger_id: newTriggerId(),
      actions: last.actions.map((a) => ({ ...a, action_ts: `${Date.now() / 1000 + 1}` })),
    };
    return postInteraction(this.baseUrl, SECRET, again);
  }

  /** Sends the last `clickButton` again, byte for byte, as Slack's retry of it (`X-Slack-Retry-Num`). */
  retryLastClick(retryNum = 1): Promise<SlackResponse> {
    return postInteraction(this.baseUrl, SECRET, this.lastClick, { retryNum, retryReason: 'http_timeout' });
  }

  /** Submits a modal with plain-text answers (block id = action id = field name), as Slack sends it. */
  submitForm(
    view: FakeView,
    fields: Record<string, string>,
    user = DEPLOYER,
    request?: SlackRequestOptions,
  ): Promise<SlackResponse> {
    const values = Object.fromEntries(
      Object.entries(fields).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]),
    );
    return this.submitView(view, values, user, request);
  }

  /** Clicks a button of the root message (Report, Add note, …) as `user`, as Slack sends it. */
  clickRoot(goLive: GoLive, actionId: string, user = DEPLOYER, triggerId = newTriggerId()): Promise<SlackResponse> {
    const message = this.fake.message(CHANNEL, goLive.rootTs ?? '');
    const block = (
      (message?.blocks ?? []) as {
        type: string;
        block_id?: string;
        elements?: { action_id?: string; value?: string; text?: unknown }[];
      }[]
    ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === actionId));
    const button = block?.elements?.find((e) => e.action_id === actionId);
    if (!message || !block || !button) throw new Error(`no root button ${actionId}`);
    const shown = { text: message.text ?? '', blocks: message.blocks ?? [] };
    const payload = this.blockActionsPayload(
      user,
      message,
      shown,
      { type: 'button', ...button, block_id: block.block_id ?? 'actions' },
      triggerId,
    );
    return postInteraction(this.baseUrl, SECRET, payload);
  }

  /** The go-live's thread: its section messages, and the check summaries posted under them. */
  thread(goLive: GoLive): FakeMessage[] {
    return this.fake.thread(goLive.channelId, goLive.rootTs ?? '');
  }

  /** Check summaries posted in the thread. */
  summaries(goLive: GoLive): FakeMessage[] {
    return this.thread(goLive).filter((m) => (m.text ?? '').startsWith('Checks for '));
  }

  /** Waits until the thread has `count` check summaries (a run against a silent target lasts its timeouts). */
  waitSummaries(goLive: GoLive, count = 1, timeoutMs = 15_000): Promise<FakeMessage[]> {
    return this.fake.waitFor(
      () => {
        const found = this.summaries(goLive);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} check summary message(s) in the thread`,
    );
  }

  /** The text of the block showing an item in its section message ('' when not shown). */
  itemText(goLive: GoLive, itemId: string): string {
    for (const message of this.thread(goLive)) {
      for (const block of (message.blocks ?? []) as { block_id?: string; text?: { text?: string } }[]) {
        if (block.block_id === `item:${itemId}`) return block.text?.text ?? '';
      }
    }
    return '';
  }

  /** Text of the go-live's root message. */
  rootText(goLive: GoLive): string {
    return Harness.textOf(this.fake.message(CHANNEL, goLive.rootTs ?? ''));
  }

  /** Submits the reason modal that was opened last for `itemId`. */
  submitReason(view: FakeView, reason: string, user = DEPLOYER, request?: SlackRequestOptions): Promise<SlackResponse> {
    return this.submitForm(view, { [REASON_FIELD]: reason }, user, request);
  }

  /** The reason modal opened for an item, once views.open has been called for it. */
  waitReasonView(goLive: GoLive, itemId: string, action: 'na' | 'blocked'): Promise<FakeView> {
    const metadata = encodeItemAction({ action, goLiveId: goLive.id, itemId });
    return this.fake.waitFor(
      (f) => f.views().find((v) => v.view.callback_id === VIEW.itemReason && v.view.private_metadata === metadata),
      5000,
      `the reason modal for ${itemId}`,
    );
  }

  /** Text of a message (its fallback and every block) for assertions about what people read. */
  static textOf(message: FakeMessage | undefined): string {
    if (!message) return '';
    return [message.text ?? '', JSON.stringify(message.blocks ?? [])].join('\n');
  }

  /** Errors logged with a stack, or anything at level ≥ error not expected by the test. */
  errors(): LogLine[] {
    return this.logs.filter((l) => l.level >= 50);
  }
}

/** The button action a click on `actionId` carries, as the message shows it (its block and label). */
function buttonAction(message: FakeMessage, actionId: string, value: string) {
  const block = (
    (message.blocks ?? []) as { type: string; block_id?: string; elements?: { action_id?: string; text?: unknown }[] }[]
  ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === actionId));
  const button = block?.elements?.find((e) => e.action_id === actionId);
  return {
    type: 'button',
    action_id: actionId,
    block_id: block?.block_id ?? 'actions',
    text: button?.text ?? { type: 'plain_text', text: actionId },
    value,
  };
}
