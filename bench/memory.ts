// Memory and restart catch-up, three figures:
// 1. the resident set of the Golive process that ran 200 `/golive start`s (each posting its whole thread) and one
//    tick in each, once everything has rendered and it has idled IDLE_MS (its reading 1 s after the last render is
//    printed too);
// 2. that database, grown to 5,000 active go-lives, each ticked once and its thread up to date (written straight
//    into the file by bench/support/seed-go-lives.ts, not through Slack), opened by a fresh process (as after a
//    restart or a deploy, the usual idle state) started as `npm start` starts it (dist/src/main.js with the start
//    script's node flags): how long from spawn until its catch-up of the 5,000 threads is done, how many Slack
//    calls it makes (nothing is stale: auth.test only), then its RSS once it has idled IDLE_MS;
// 3. the same after STALE go-lives were ticked with no process running (as when a crash cut their renders off):
//    only their messages may cost calls (the root and the ticked section of each).
// Golive runs in child processes of its own (with --expose-gc) so that neither this bench, the fake Slack nor the
// other benches count in its RSS; the fake Slack and the client stay here. The children run compiled JS with plain
// node, as `npm start` does: under tsx the loader thread and transpiled sources alone add tens of MB.
import { execFile, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFakeSlack } from '../test/support/fake-slack.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { postCommand } from '../test/support/slack-request.js';
import { baseUrl, CHANNEL, DEPLOYER, SECRET, click, findMenuOption, fmt, isMain, startBenchGolive } from './ack.js';
import { openSqliteStore } from '../db/sqlite-store.js';
import { systemClock } from '../src/clock.js';
import { flattenItems } from '../src/domain/checklist.js';
import { ROOT } from '../src/services/ports.js';
import { defaultTemplate } from '../src/templates/default.js';
import { seedGoLives } from './support/seed-go-lives.js';
import type { BenchApp, ThreadRef } from './ack.js';

const GO_LIVES = 200;
/** Active go-lives in the database the fresh process starts on (the scale figure of docs/ARCHITECTURE.md). */
const RESTART_GO_LIVES = 5_000;
/** Catch-up target after a restart when nothing is stale: this long at most, and auth.test as the only call. */
const CATCH_UP_TARGET_S = 10;
/** Go-lives ticked while no process ran, for the third figure. */
const STALE = 10;
/** `/golive start`s in flight at once. */
const CONCURRENCY = 8;
const LIMIT_MS = 180_000;
const TARGET_MB = 150;
/**
 * How long a process idles before its idle figure: V8's memory reducer shrinks the young generation and gives
 * back free pages only once the process has been quiet ~8 s after its last full GC, as a real idle bot is.
 */
const IDLE_MS = 10_000;

interface Snapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Largest heapTotal seen by a 100 ms sampler since the process started. */
  peakHeapTotal: number;
  external: number;
  arrayBuffers: number;
  maxRss: number;
  /** Linux: the resident set split into anonymous memory (heap, malloc) and file-backed pages (node's code). */
  rssAnon?: number;
  rssFile?: number;
}

type ToChild = { kind: 'measure'; idleMs: number } | { kind: 'keep'; file: string } | { kind: 'stop' };
type FromChild =
  | { kind: 'ready'; port: number; baseline: Snapshot }
  | { kind: 'measured'; snapshot: Snapshot; active: number; threads: ThreadRef[]; errors: string[]; gc: boolean }
  | { kind: 'kept' };

const MB = 1024 * 1024;

const here = fileURLToPath(import.meta.url);
const root = join(here, '..', '..');
/** Under node_modules so that package.json, migrations/ and templates/ are found above it and it is git-ignored. */
const BUILD_DIR = join(root, 'node_modules', '.cache', 'golive-bench-memory');

/** Compiles this bench and what it imports (the app, db/, the fake) to JS, without type-checking; the child entry, or why not. */
function compile(): Promise<{ ok: true; entry: string } | { ok: false; reason: string }> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const entry = join(BUILD_DIR, relative(root, here).replace(/\.ts$/, '.js'));
  // The options of tsconfig.json that change emitted code; tsconfig.build.json builds src and db only.
  // src/main.ts too: the fresh process runs the real composition root, as `npm start` does.
  const args = [
    tsc,
    here,
    join(root, 'src', 'main.ts'),
    '--outDir',
    BUILD_DIR,
    '--rootDir',
    root,
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
  ];
  args.push(
    '--target',
    'es2022',
    '--esModuleInterop',
    '--resolveJsonModule',
    '--skipLibCheck',
    '--types',
    'node',
    '--noCheck',
  );
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: 180_000 }, (error, stdout) => {
      if (existsSync(entry)) resolve({ ok: true, entry });
      else resolve({ ok: false, reason: error ? `${error.message} ${stdout.slice(0, 300)}` : 'no output' });
    });
  });
}

async function settle(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await new Promise((r) => setTimeout(r, 400));
  }
  return gc !== undefined;
}

let peakHeapTotal = 0;

/** RssAnon/RssFile of /proc/self/status in bytes, where there is one. */
function rssParts(): Pick<Snapshot, 'rssAnon' | 'rssFile'> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return {};
  }
}

function snapshot(): Snapshot {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    peakHeapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
    ...rssParts(),
  };
}

/**
 * Preloaded (`--import`) into the fresh process, which is dist/src/main.js as `npm start` runs it: answers
 * `measure` with the same snapshot as the first child. Plain JS with node built-ins only, so it adds next to nothing.
 */
const PROBE = `import { readFileSync } from 'node:fs';
let peakHeapTotal = 0;
setInterval(() => { peakHeapTotal = Math.max(peakHeapTotal, process.memoryUsage().heapTotal); }, 100).unref();
function kb(status, name) {
  const found = new RegExp('^' + name + ':\\\\s+(\\\\d+) kB', 'm').exec(status);
  return found ? Number(found[1]) * 1024 : undefined;
}
function snapshot() {
  const m = process.memoryUsage();
  let status = '';
  try { status = readFileSync('/proc/self/status', 'utf8'); } catch {}
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, peakHeapTotal, external: m.external, arrayBuffers: m.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024, rssAnon: kb(status, 'RssAnon'), rssFile: kb(status, 'RssFile') };
}
process.on('message', async (message) => {
  if (message?.kind !== 'measure') return;
  for (let i = 0; i < 3; i += 1) { globalThis.gc?.(); await new Promise((r) => setTimeout(r, 400)); }
  process.send?.({ kind: 'measured', snapshot: snapshot(), gc: globalThis.gc !== undefined });
});
process.channel?.unref();
`;

// ---- the child: Golive alone -------------------------------------------------------------------------------

async function child(apiUrl: string): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  // Where a peak RSS comes from: the V8 heap growing under load, or memory outside it.
  setInterval(() => {
    peakHeapTotal = Math.max(peakHeapTotal, process.memoryUsage().heapTotal);
  }, 100).unref();
  const golive = await startBenchGolive(apiUrl);
  await settle();
  send({ kind: 'ready', port: golive.port, baseline: snapshot() });
  process.on('message', (message: ToChild) => {
    void (async () => {
      if (message.kind === 'measure') {
        await golive.idle();
        await new Promise((r) => setTimeout(r, message.idleMs));
        const gc = await settle();
        const active = await golive.store.listActive();
        const threads = active.map((g) => ({ id: g.id, ...(g.rootTs !== undefined ? { rootTs: g.rootTs } : {}) }));
        send({ kind: 'measured', snapshot: snapshot(), active: active.length, threads, errors: golive.errors, gc });
      } else if (message.kind === 'keep') {
        // An online backup: the fresh process gets this database as it stands, while this one still runs.
        await golive.store.backup(message.file);
        send({ kind: 'kept' });
      } else {
        await golive.stop();
        process.disconnect();
      }
    })();
  });
}

// ---- the parent: fake Slack and the people ----------------------------------------------------------------

function nextMessage(proc: ChildProcess, kind: FromChild['kind']): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`memory bench: no '${kind}' from the Golive process within ${LIMIT_MS / 1000} s`)),
      LIMIT_MS,
    );
    const onMessage = (message: FromChild) => {
      if (message.kind !== kind) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve(message);
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`memory bench: the Golive process exited (${code}) before '${kind}'`));
    });
  });
}

async function startAll(fake: FakeSlack, port: number, deadline: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < GO_LIVES && Date.now() < deadline) {
      const i = (next += 1);
      const res = await postCommand(baseUrl(port), SECRET, {
        text: `start mem-${String(i).padStart(3, '0')} production https://mem-${i}.example.com`,
        user_id: DEPLOYER,
        channel_id: CHANNEL,
        response_url: fake.responseUrl(),
      });
      if (res.status !== 200) throw new Error(`/golive start answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  // Each start posts its root and 11 section messages; wait (bounded) until all of them are there.
  const want = GO_LIVES * 12;
  for (;;) {
    const posted = fake.calls.reduce(
      (n, c) => n + (c.method === 'chat.postMessage' && c.error === undefined ? 1 : 0),
      0,
    );
    if (posted >= want) return;
    if (Date.now() > deadline) throw new Error(`memory bench: only ${posted}/${want} thread messages posted in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The node flags of package.json's start script (`node <flags> dist/src/main.js`): both children run with them. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/).filter(Boolean);
  const at = words.indexOf('node');
  return at < 0 ? [] : words.slice(at + 1).filter((w) => w.startsWith('-'));
}

function childArgs(): string[] {
  // BENCH_CHILD_ARGS (e.g. `--trace-gc`) looks inside the Golive process when a figure needs explaining.
  return ['--expose-gc', ...startFlags(), ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? [])];
}

function exitOf(proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
}

async function ended(proc: ChildProcess, exited: Promise<void>, stop: () => void): Promise<void> {
  stop();
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

function details(s: Snapshot): string {
  const parts =
    s.rssAnon !== undefined && s.rssFile !== undefined
      ? ` (anonymous ${fmt(s.rssAnon / MB)}, file-backed ${fmt(s.rssFile / MB)})`
      : '';
  return (
    `RSS ${fmt(s.rss / MB)} MB${parts}; heap used ${fmt(s.heapUsed / MB)} of ${fmt(s.heapTotal / MB)} MB, ` +
    `external ${fmt(s.external / MB)} MB (array buffers ${fmt(s.arrayBuffers / MB)}); peak RSS ${fmt(s.maxRss / MB)} MB, peak heap ${fmt(s.peakHeapTotal / MB)} MB`
  );
}

function verdict(rss: number, active: number, want = GO_LIVES): string {
  return `(target ≤ ${TARGET_MB} MB) ${rss / MB <= TARGET_MB && active >= want ? 'ok' : 'OVER TARGET'}`;
}

interface FreshFigure {
  /** Undefined when not asked for (`idle: false`). */
  snapshot?: Snapshot;
  gc: boolean;
  caughtUp: { goLives: number; failed: number; posts: number; updates: number; unchanged: number; skipped: number };
  catchUpSeconds: number;
  /** Every Slack call from spawn until the catch-up was done, by method. */
  slackCalls: Map<string, number>;
  errors: string[];
}

function total(calls: Map<string, number>): number {
  return [...calls.values()].reduce((a, b) => a + b, 0);
}

function listed(calls: Map<string, number>): string {
  return [...calls].map(([method, n]) => `${n} ${method}`).join(', ') || 'none';
}

/**
 * A new Golive process on `file`, started as `npm start` starts it (compiled main.js, the start script's node
 * flags, configuration from the environment): its catch-up, then (`idle`) its memory once it has idled IDLE_MS.
 */
async function freshProcess(
  fake: FakeSlack,
  mainJs: string,
  file: string,
  probeFile: string,
  idle: boolean,
): Promise<FreshFigure> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(SLACK_|GOLIVE_|CHECK_|DATABASE_URL$|PORT$|LOG_LEVEL$)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    DATABASE_URL: file,
    LOG_LEVEL: 'info',
  });
  const callsBefore = fake.calls.length;
  const started = performance.now();
  const proc = fork(mainJs, [], {
    execArgv: [...childArgs(), '--import', pathToFileURL(probeFile).href],
    env,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = exitOf(proc);
  const errors: string[] = [];
  try {
    const caughtUp = await new Promise<FreshFigure['caughtUp']>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`memory bench: the fresh process did not catch up within ${LIMIT_MS / 1000} s`)),
        LIMIT_MS,
      );
      void exited.then(() =>
        reject(new Error(`memory bench: the fresh process exited (${proc.exitCode}) before its catch-up ended`)),
      );
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        let entry: { level?: number; msg?: string } & Partial<FreshFigure['caughtUp']>;
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          errors.push(line);
          return;
        }
        if ((entry.level ?? 0) >= 50) errors.push(entry.msg ?? line);
        if (entry.msg === 'catching up the threads failed')
          reject(new Error('memory bench: the fresh process could not catch up its threads'));
        if (entry.msg === 'threads caught up') {
          clearTimeout(timer);
          const { goLives = 0, failed = 0, posts = 0, updates = 0, unchanged = 0, skipped = 0 } = entry;
          resolve({ goLives, failed, posts, updates, unchanged, skipped });
        }
      });
    });
    const catchUpSeconds = (performance.now() - started) / 1000;
    const slackCalls = new Map<string, number>();
    for (const call of fake.calls.slice(callsBefore))
      slackCalls.set(call.method, (slackCalls.get(call.method) ?? 0) + 1);
    if (!idle) return { gc: false, caughtUp, catchUpSeconds, slackCalls, errors };
    await new Promise((r) => setTimeout(r, IDLE_MS));
    proc.send({ kind: 'measure', idleMs: 0 } satisfies ToChild);
    const measured = (await nextMessage(proc, 'measured')) as unknown as { snapshot: Snapshot; gc: boolean };
    return { snapshot: measured.snapshot, gc: measured.gc, caughtUp, catchUpSeconds, slackCalls, errors };
  } finally {
    await ended(proc, exited, () => proc.kill('SIGTERM'));
  }
}

/** The seeded threads' messages, in the fake Slack as if they had been posted there: a repair updates them. */
async function postedBefore(fake: FakeSlack, file: string, ids: readonly string[]): Promise<void> {
  const store = openSqliteStore({ file, clock: systemClock });
  try {
    const seeded = new Set(ids);
    const records = (await store.listActiveMessages()).filter((r) => seeded.has(r.goLiveId) && r.ts !== undefined);
    const roots = new Map(records.filter((r) => r.key === ROOT).map((r) => [r.goLiveId, r.ts]));
    for (const r of records) {
      const root = roots.get(r.goLiveId);
      fake.addMessage({
        channel: CHANNEL,
        ts: r.ts ?? '',
        ...(r.key !== ROOT && root !== undefined ? { thread_ts: root } : {}),
      });
    }
  } finally {
    await store.close();
  }
}

/** One tick in each of these go-lives through the store, with no renderer running: their threads fall behind. */
async function tickWithoutRendering(file: string, ids: readonly string[]): Promise<void> {
  const store = openSqliteStore({ file, clock: systemClock });
  try {
    // The seeded go-lives run the default template; its last item is not the one the seed ticked.
    const last = flattenItems(defaultTemplate()).at(-1)?.item.id ?? '';
    for (const id of ids) {
      const ticked = await store.changeItem({ goLiveId: id, itemId: last, state: 'done', actor: 'U0TEAM02' });
      if (!ticked.ok || !ticked.changed) throw new Error(`memory bench: the tick of ${id} did not change it`);
    }
  } finally {
    await store.close();
  }
}

export default async function memoryBench(): Promise<void> {
  const compiled = await compile();
  const mode = compiled.ok
    ? 'compiled JS on plain node, as npm start runs it'
    : `under tsx (compiling failed: ${compiled.reason})`;
  const fake = await startFakeSlack();
  const keepDir = mkdtempSync(join(tmpdir(), 'golive-bench-memory-'));
  const proc = fork(compiled.ok ? compiled.entry : here, ['--child', fake.apiUrl], {
    execArgv: [...(compiled.ok ? [] : process.execArgv.filter((a) => a !== '--expose-gc')), ...childArgs()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = exitOf(proc);
  try {
    const ready = (await nextMessage(proc, 'ready')) as Extract<FromChild, { kind: 'ready' }>;
    const deadline = Date.now() + LIMIT_MS;
    const started = performance.now();
    await startAll(fake, ready.port, deadline);
    const startSeconds = (performance.now() - started) / 1000;
    proc.send({ kind: 'measure', idleMs: 0 } satisfies ToChild);
    const first = (await nextMessage(proc, 'measured')) as Extract<FromChild, { kind: 'measured' }>;
    // One tick in each go-live, so that the renderer has handled every one of them before the idle figure.
    const app = { fake, port: ready.port } as Pick<BenchApp, 'fake' | 'port'> as BenchApp;
    for (let i = 0; i < first.threads.length; i += CONCURRENCY) {
      await Promise.all(
        first.threads.slice(i, i + CONCURRENCY).map(async (thread) => {
          const found = findMenuOption(fake, thread, 'secret-key', 'done');
          if (!found) throw new Error(`go-live ${thread.id} shows no Done option for secret-key`);
          const res = await click(app, {
            goLive: thread,
            itemId: 'secret-key',
            action: 'done',
            user: 'U0TEAM01',
            messageTs: found.message.ts,
            blockId: found.blockId,
          });
          if (res.status !== 200) throw new Error(`tick answered ${res.status}`);
        }),
      );
    }
    proc.send({ kind: 'measure', idleMs: 0 } satisfies ToChild);
    const settled = (await nextMessage(proc, 'measured')) as Extract<FromChild, { kind: 'measured' }>;
    proc.send({ kind: 'measure', idleMs: IDLE_MS } satisfies ToChild);
    const idle = (await nextMessage(proc, 'measured')) as Extract<FromChild, { kind: 'measured' }>;
    console.log(
      `memory idle with ${idle.active} active go-lives, the process that started them (idle ${IDLE_MS / 1000} s after the last render): ` +
        `RSS ${fmt(idle.snapshot.rss / MB)} MB ${verdict(idle.snapshot.rss, idle.active)}`,
    );
    console.log(
      `  ${details(idle.snapshot)}; before any go-live: RSS ${fmt(ready.baseline.rss / MB)} MB, heap ${fmt(ready.baseline.heapUsed / MB)} MB; ` +
        `after the starts, before the ticks: RSS ${fmt(first.snapshot.rss / MB)} MB`,
    );
    // The old reading of this figure, kept so that a change in what idling gives back shows.
    console.log(
      `  1 s after the last render, before idling: RSS ${fmt(settled.snapshot.rss / MB)} MB; heap used ${fmt(settled.snapshot.heapUsed / MB)} of ${fmt(settled.snapshot.heapTotal / MB)} MB`,
    );
    const updates = fake.calls.filter((c) => c.method === 'chat.update' && c.error === undefined).length;
    console.log(
      `  ${GO_LIVES} /golive start in ${fmt(startSeconds)} s (${CONCURRENCY} at a time), then ${first.threads.length} ticks → ${updates} chat.update; ` +
        `${idle.gc ? 'after gc()' : 'no --expose-gc: settled only'}; Golive ran ${mode}; app errors logged: ${idle.errors.length}`,
    );
    if (idle.active < GO_LIVES || idle.errors.length > 0 || fake.invalidPayloads.length > 0) {
      throw new Error(
        `memory bench: ${idle.active} active, errors: ${idle.errors.slice(0, 3).join(' | ')}, invalid payloads: ${fake.invalidPayloads.length}`,
      );
    }

    // The same database, a new process: what a restart or a deploy leaves running until the next click.
    const file = join(keepDir, 'golive.db');
    proc.send({ kind: 'keep', file } satisfies ToChild);
    await nextMessage(proc, 'kept');
    await ended(proc, exited, () => proc.send({ kind: 'stop' } satisfies ToChild));
    const seedStarted = performance.now();
    const seeded = await seedGoLives({
      file,
      count: RESTART_GO_LIVES - GO_LIVES,
      channelId: CHANNEL,
      startedBy: DEPLOYER,
      prefix: 'seeded',
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await postedBefore(fake, file, seeded);
    console.log(
      `  grown to ${GO_LIVES + seeded.length} active go-lives (each ticked once, threads up to date) in ${fmt(seedSeconds)} s, straight into the file`,
    );
    if (!compiled.ok) {
      console.log(
        'memory idle, fresh process on the same database: not measured (it runs compiled main.js, and compiling failed)',
      );
      return;
    }
    const probeFile = join(keepDir, 'probe.mjs');
    writeFileSync(probeFile, PROBE);
    const mainJs = join(BUILD_DIR, 'src', 'main.js');
    const fresh = await freshProcess(fake, mainJs, file, probeFile, true);
    const { caughtUp } = fresh;
    const calls = total(fresh.slackCalls);
    const catchUpOk = fresh.catchUpSeconds <= CATCH_UP_TARGET_S && calls === 1;
    console.log(
      `restart catch-up of ${caughtUp.goLives} active go-lives, nothing stale: ${fmt(fresh.catchUpSeconds)} s from spawn, ${calls} Slack call(s) (${listed(fresh.slackCalls)}) ` +
        `(target ≤ ${CATCH_UP_TARGET_S} s with 1 call) ${catchUpOk ? 'ok' : 'OVER TARGET'}`,
    );
    const rss = fresh.snapshot?.rss ?? NaN;
    console.log(
      `memory idle with ${caughtUp.goLives} active go-lives, a fresh process on the same database (after a restart; idle ${IDLE_MS / 1000} s after its catch-up): RSS ${fmt(rss / MB)} MB ${verdict(rss, caughtUp.goLives, RESTART_GO_LIVES)}`,
    );
    if (fresh.snapshot) console.log(`  ${details(fresh.snapshot)}`);
    console.log(
      `  started as npm start (node ${[...startFlags(), 'dist/src/main.js'].join(' ')}); catch-up: ${caughtUp.posts} posts, ${caughtUp.updates} updates, ` +
        `${caughtUp.unchanged} re-rendered unchanged, ${caughtUp.skipped} messages already current, ${caughtUp.failed} failed; ` +
        `${fresh.gc ? 'after gc()' : 'no --expose-gc: settled only'}; app errors logged: ${fresh.errors.length}`,
    );
    if (caughtUp.goLives < RESTART_GO_LIVES || caughtUp.failed > 0 || fresh.errors.length > 0) {
      throw new Error(
        `memory bench: the fresh process caught up ${caughtUp.goLives} go-lives (${caughtUp.failed} failed), errors: ${fresh.errors.slice(0, 3).join(' | ')}`,
      );
    }

    // Ticks that no process rendered, as when a crash cut their renders off: the next start repairs only those.
    await tickWithoutRendering(file, seeded.slice(0, STALE));
    const repaired = await freshProcess(fake, mainJs, file, probeFile, false);
    const repairs = repaired.slackCalls.get('chat.update') ?? 0;
    console.log(
      `restart catch-up of ${repaired.caughtUp.goLives} active go-lives, ${STALE} of them stale: ${fmt(repaired.catchUpSeconds)} s from spawn, ${total(repaired.slackCalls)} Slack calls ` +
        `(${listed(repaired.slackCalls)}): ${repaired.caughtUp.updates} updates for the ${STALE} roots and ${STALE} ticked sections, ` +
        `${repaired.caughtUp.unchanged} re-rendered unchanged, ${repaired.caughtUp.skipped} messages already current; ` +
        `past the budget's burst of 10 the updates go at Tier 3's 50 a minute (src/slack/update-budget.ts)`,
    );
    if (repairs !== 2 * STALE || repaired.caughtUp.failed > 0 || repaired.errors.length > 0) {
      throw new Error(
        `memory bench: the stale restart made ${repairs} chat.update (want ${2 * STALE}), ${repaired.caughtUp.failed} failed, errors: ${repaired.errors.slice(0, 3).join(' | ')}`,
      );
    }
  } finally {
    if (proc.connected) proc.send({ kind: 'stop' } satisfies ToChild);
    const timer = setTimeout(() => proc.kill(), 30_000);
    await exited;
    clearTimeout(timer);
    await fake.close();
    rmSync(BUILD_DIR, { recursive: true, force: true });
    rmSync(keepDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) await child(process.argv[at + 1] ?? '');
  else await memoryBench();
}
