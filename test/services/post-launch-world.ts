// The post-launch window under test: a real SQLite file, the real scheduler on a settable clock, the real
// post-launch service and its Slack notifier talking to the fake Slack Web API, and a real HTTP site on loopback
// for the check-ins' health checks (its health paths can be made to fail and recover).
import type { IncomingMessage, ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { webApi } from '@slack/bolt';
import type { SqliteStore } from '../../db/sqlite-store.js';
import type { GoLive } from '../../src/domain/go-live.js';
import type { Template } from '../../src/domain/template.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { PostLaunchService } from '../../src/services/post-launch.js';
import { SlackGateway, webClientOptions } from '../../src/slack/gateway.js';
import { SlackPostLaunchNotifier } from '../../src/slack/post-launch-notifier.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeMessage, FakeSlack } from '../support/fake-slack.js';
import { startHttpServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';
import { runToEnd, SchedulerWorld, T0, TICK } from '../scheduler/support.js';

export const CHANNEL = 'C0DEPLOYS';
export const ROOT_TS = '1700000000.000100';
export const PRIMARY = 'U0PRIMARY';
export const SECONDARY = ['U0SECOND1', 'U0SECOND2'];
export const INFRA = 'U0INFRA';
export const DEPLOYER = 'U0DEPLOYER';
export const M = 60_000;
export const H = 60 * M;

export class PostLaunchWorld {
  healthy = true;
  readonly sched = new SchedulerWorld();
  store!: SqliteStore;
  fake!: FakeSlack;
  site!: TestServer;
  service!: PostLaunchService;
  scheduler!: Scheduler;
  /** Requests the site answered: proves the checks really ran against it. */
  siteHits = 0;

  static async start(): Promise<PostLaunchWorld> {
    const world = new PostLaunchWorld();
    world.fake = await startFakeSlack({ usergroups: { S0SECOND: SECONDARY } });
    world.site = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
      world.siteHits += 1;
      const ok = world.healthy || req.url === '/health/live';
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'down');
    });
    world.open();
    return world;
  }

  /** Opens the database (again, after a restart) and builds the service and a scheduler on it. */
  open(owner = 'process-1'): void {
    this.store = this.sched.open();
    const client = new webApi.WebClient('xoxb-test-token', webClientOptions(this.fake.apiUrl));
    const slack = new SlackGateway(client, this.sched.log.logger);
    this.service = new PostLaunchService({
      store: this.store,
      jobs: this.store.jobs,
      postLaunch: this.store.postLaunch,
      notifier: new SlackPostLaunchNotifier(slack, this.sched.log.logger),
      clock: this.sched.clock,
      logger: this.sched.log.logger,
      checks: { allowPrivate: true, allowedHosts: [], timeoutMs: 2000 },
    });
    this.scheduler = new Scheduler({
      jobs: this.store.jobs,
      clock: this.sched.clock,
      tickMs: TICK,
      owner,
      handlers: this.service.handlers(),
      onParked: (job, error) => this.service.reportParked(job, error),
      logger: this.sched.log.logger,
      metrics: this.sched.metrics,
    });
  }

  /** A process that stops: its scheduler gives its leases back, its database closes. */
  async restart(): Promise<void> {
    await this.scheduler.stop();
    await this.store.close();
    this.open('process-2');
  }

  /**
   * A go-live of the default template whose thread exists, made Live at T0 and its window started. Go live is
   * signoff's: here the status is set on the row directly, as its commit would.
   */
  async goLive(
    template: Template = defaultTemplate(),
    roles: Record<string, string[]> = this.roles(),
  ): Promise<GoLive> {
    const started = await this.store.startGoLive({
      service: 'checkout-api',
      environment: 'production',
      url: this.site.url.href,
      channelId: CHANNEL,
      startedBy: DEPLOYER,
      roles,
      template,
    });
    if (!started.ok) throw new Error('could not start the go-live');
    const root = await new webApi.WebClient('xoxb-test-token', webClientOptions(this.fake.apiUrl)).chat.postMessage({
      channel: CHANNEL,
      text: 'root',
    });
    await this.store.setRootTs(started.goLive.id, root.ts ?? '');
    const db = new Database(this.sched.file);
    db.prepare(`UPDATE go_lives SET status = 'live' WHERE id = ?`).run(started.goLive.id);
    db.close();
    await this.service.start(started.goLive.id, T0);
    const goLive = await this.store.getGoLive(started.goLive.id);
    if (!goLive) throw new Error('the go-live vanished');
    return goLive;
  }

  roles(): Record<string, string[]> {
    return {
      approver: ['<@U0APPROVER>'],
      primary: [`<@${PRIMARY}|pat>`],
      secondary: ['<!subteam^S0SECOND|@second>'],
      infra: [`<@${INFRA}>`],
    };
  }

  /** Ticks at each due time until the clock reaches `until` (or nothing is left). */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      const next = await this.store.jobs.nextDueAt();
      if (next === undefined || next > until) break;
      if (next > this.sched.clock.now()) this.sched.clock.set(next);
      await this.scheduler.tick();
    }
    if (this.sched.clock.now() < until) this.sched.clock.set(until);
  }

  runToEnd(): Promise<number> {
    return runToEnd(this.sched, [this.scheduler], this.store);
  }

  /** The go-live's thread, oldest first. */
  thread(goLive: GoLive): FakeMessage[] {
    return this.fake.thread(CHANNEL, goLive.rootTs ?? '');
  }

  /** Direct messages: chat.postMessage calls whose channel is a person. */
  directMessages(): { to: string; text: string }[] {
    return this.fake
      .callsOf('chat.postMessage')
      .filter((c) => typeof c.args.channel === 'string' && /^[UW]/.test(c.args.channel) && c.error === undefined)
      .map((c) => ({ to: String(c.args.channel), text: String(c.args.text ?? '') }));
  }

  checkIns(goLive: GoLive): FakeMessage[] {
    return this.thread(goLive).filter((m) => (m.text ?? '').startsWith('Check-in: '));
  }

  async close(): Promise<void> {
    await this.scheduler.stop().catch(() => undefined);
    await this.fake.close();
    await this.site.close();
    await this.sched.close();
  }
}

export function textOf(message: FakeMessage | undefined): string {
  if (!message) return '';
  return [message.text ?? '', JSON.stringify(message.blocks ?? [])].join('\n');
}

/** The id carried by a check-in's Acknowledge button. */
export function ackValue(message: FakeMessage): string {
  const match = /"action_id":"golive_acknowledge","value":"([^"]+)"/.exec(JSON.stringify(message.blocks ?? []));
  if (!match?.[1]) throw new Error('no Acknowledge button on the message');
  return match[1];
}
