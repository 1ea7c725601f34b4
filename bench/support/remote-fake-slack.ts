// The fake Slack in a child process of its own, for the ack bench. In production Slack is another machine: the
// work of answering Golive's calls (parsing 20-40 KB form bodies, checking blocks, keeping every call, message and
// response URL) must not run on Golive's event loop nor grow its heap, while the bare and Bolt baselines, which
// call no Slack, never pay it. Run in-process, the fake's heap (100+ MB by the end of the bench) made Golive's
// major GCs pause 15-55 ms, and those pauses were the ack bench's slowest acks.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from '../../test/support/fake-slack.js';
import type { FakeMessage, ResponseUrlOptions } from '../../test/support/fake-slack.js';

const CHILD_FLAG = '--remote-fake-slack';

type Request =
  | { id: number; op: 'messages'; channel: string }
  | { id: number; op: 'responseUrls'; options: ResponseUrlOptions[] }
  | { id: number; op: 'ephemerals' };

/** A request before it gets its id (distributes over the union). */
type Unsent<R> = R extends unknown ? Omit<R, 'id'> : never;

type Reply = { id: number; value: unknown } | { ready: true; apiUrl: string; teamId: string };

/** What the bench's helpers need of a fake Slack (test/support/fake-slack.ts has all of it, in-process). */
export interface BenchSlack {
  readonly apiUrl: string;
  readonly teamId: string;
  responseUrl(options?: ResponseUrlOptions): string;
  messages(channel?: string): FakeMessage[];
}

/**
 * The child's fake, seen from the bench. What the helpers read synchronously comes from what was fetched last:
 * `fetchMessages` before reading messages, `reserveResponseUrls` before building that many click payloads.
 */
export class RemoteFakeSlack implements BenchSlack {
  private next = 0;
  private readonly waiting = new Map<number, (value: unknown) => void>();
  private snapshot: FakeMessage[] = [];
  private readonly urls: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
    readonly teamId: string,
  ) {
    child.on('message', (reply: Reply) => {
      if (!('id' in reply)) return;
      this.waiting.get(reply.id)?.(reply.value);
      this.waiting.delete(reply.id);
    });
  }

  static start(): Promise<RemoteFakeSlack> {
    // Inherits this process's node flags, so a TypeScript bench (tsx) starts a TypeScript child.
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the fake Slack process exited (${code}) before it listened`)));
      child.once('message', (reply: Reply) => {
        if ('ready' in reply) resolve(new RemoteFakeSlack(child, reply.apiUrl, reply.teamId));
      });
    });
  }

  private ask<T>(request: Unsent<Request>): Promise<T> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (value: unknown) => void);
      this.child.send({ ...request, id });
    });
  }

  async fetchMessages(channel: string): Promise<void> {
    this.snapshot = await this.ask<FakeMessage[]>({ op: 'messages', channel });
  }

  messages(channel?: string): FakeMessage[] {
    return this.snapshot.filter((m) => channel === undefined || m.channel === channel);
  }

  async reserveResponseUrls(options: ResponseUrlOptions[]): Promise<void> {
    this.urls.push(...(await this.ask<string[]>({ op: 'responseUrls', options })));
  }

  responseUrl(): string {
    const url = this.urls.shift();
    if (url === undefined) throw new Error('no response URL reserved: call reserveResponseUrls first');
    return url;
  }

  /** Private replies Golive posted (to response URLs or chat.postEphemeral). */
  ephemeralCount(): Promise<number> {
    return this.ask<number>({ op: 'ephemerals' });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

async function child(): Promise<void> {
  const fake = await startFakeSlack();
  const send = (reply: Reply) => process.send?.(reply);
  process.on('message', (request: Request) => {
    if (request.op === 'messages') send({ id: request.id, value: fake.messages(request.channel) });
    if (request.op === 'responseUrls') send({ id: request.id, value: request.options.map((o) => fake.responseUrl(o)) });
    if (request.op === 'ephemerals') send({ id: request.id, value: fake.ephemerals.length });
  });
  process.once('SIGTERM', () => {
    void fake.close().then(() => process.exit(0));
  });
  send({ ready: true, apiUrl: fake.apiUrl, teamId: fake.teamId });
}

if (process.argv.includes(CHILD_FLAG)) await child();
