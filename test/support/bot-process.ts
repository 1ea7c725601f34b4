// Golive as a real process (src/main.ts, as `npm start` runs it): its JSON log lines as they come, its exit,
// the port it says it listens on, and signals as systemd or Docker send them.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { packageRoot } from '../../src/paths.js';
import { ACTION, encodeItemAction } from '../../src/slack/ids.js';
import type { FakeMessage } from './fake-slack.js';
import { blockActionsPayload } from './block-actions.js';
import { postInteraction } from './slack-request.js';
import type { SlackResponse } from './slack-request.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

export interface BotStart {
  apiUrl: string;
  databaseFile: string;
  signingSecret: string;
  /** Extra or overriding environment (PORT, LOG_LEVEL…). */
  env?: Record<string, string>;
}

/** Polls until `probe` returns a value; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class BotProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  /** The exit code, or the signal that ended it, once its stdout and stderr are read to the end. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  private buffered = '';

  constructor(readonly child: Child) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      const parts = this.buffered.split('\n');
      this.buffered = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('{')) this.lines.push(JSON.parse(line) as LogLine);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // 'close', not 'exit': 'exit' can come before the last stdout chunks are read, and a test reading the final
    // log lines (the shutdown order) would then see them missing.
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));
  }

  static start(options: BotStart): BotProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SLACK_BOT_TOKEN: 'xoxb-bot-process',
        SLACK_SIGNING_SECRET: options.signingSecret,
        SLACK_API_URL: options.apiUrl,
        PORT: '0',
        DATABASE_URL: `file:${options.databaseFile}`,
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BotProcess(child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * The first log line with this message, once the process has written it. The deadline only guards against a
   * hang: a child's start (node, migrations, Bolt) took over 15 s on the shared 2-core machine at load 27.
   */
  waitLog(msg: string, timeoutMs = 45_000): Promise<LogLine> {
    return waitFor(
      () => {
        const line = this.lines.find((l) => l.msg === msg);
        if (line === undefined && !this.running)
          throw new Error(`the bot exited before logging '${msg}': ${this.stderr}`);
        return line;
      },
      `the bot to log '${msg}'`,
      timeoutMs,
    );
  }

  async port(): Promise<number> {
    const line = await this.waitLog('Slack app started');
    return Number(line.port);
  }

  async baseUrl(): Promise<string> {
    return `http://127.0.0.1:${String(await this.port())}`;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}

/** `done` chosen in an item's menu on a thread message, signed and shaped as Slack delivers it. */
export function tickItem(
  baseUrl: string,
  secret: string,
  goLiveId: string,
  message: Pick<FakeMessage, 'channel' | 'ts' | 'thread_ts'>,
  itemId: string,
  user: string,
): Promise<SlackResponse> {
  return postInteraction(
    baseUrl,
    secret,
    blockActionsPayload({
      user,
      channel: message.channel,
      message,
      action: {
        type: 'overflow',
        action_id: ACTION.itemMenu,
        block_id: `item-${itemId}`,
        selected_option: {
          text: { type: 'plain_text', text: 'done' },
          value: encodeItemAction({ action: 'done', goLiveId, itemId }),
        },
      },
    }),
  );
}
