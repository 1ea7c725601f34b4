// Memory, idle with 500 active go-lives: the resident set of a Golive process after 500 `/golive start`s (each
// posting its whole thread) and one tick in each, once everything has rendered and settled. Golive runs in a
// child process of its own (with --expose-gc) so that neither this bench, the fake Slack nor the other benches
// count in its RSS; the fake Slack and the client stay here. The child runs compiled JS with plain node, as
// `npm start` does: under tsx the loader thread and transpiled sources alone add tens of MB.
import { execFile, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from '../test/support/fake-slack.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { postCommand } from '../test/support/slack-request.js';
import { baseUrl, CHANNEL, DEPLOYER, SECRET, click, findMenuOption, fmt, isMain, startBenchGolive } from './ack.js';
import type { BenchApp, ThreadRef } from './ack.js';

const GO_LIVES = 500;
/** `/golive start`s in flight at once. */
const CONCURRENCY = 8;
const LIMIT_MS = 180_000;
const TARGET_MB = 150;

interface Snapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Largest heapTotal seen by a 100 ms sampler since the process started. */
  peakHeapTotal: number;
  external: number;
  maxRss: number;
}

type ToChild = { kind: 'measure' } | { kind: 'stop' };
type FromChild =
  | { kind: 'ready'; port: number; baseline: Snapshot }
  | { kind: 'measured'; snapshot: Snapshot; active: number; threads: ThreadRef[]; errors: string[]; gc: boolean };

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
  const args = [tsc, here, '--outDir', BUILD_DIR, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  args.push('--target', 'es2022', '--esModuleInterop', '--resolveJsonModule', '--skipLibCheck', '--types', 'node', '--noCheck');
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

function snapshot(): Snapshot {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, peakHeapTotal, external: m.external, maxRss: process.resourceUsage().maxRSS * 1024 };
}

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
        const gc = await settle();
        const active = await golive.store.listActive();
        const threads = active.map((g) => ({ id: g.id, ...(g.rootTs !== undefined ? { rootTs: g.rootTs } : {}) }));
        send({ kind: 'measured', snapshot: snapshot(), active: active.length, threads, errors: golive.errors, gc });
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
    const timer = setTimeout(() => reject(new Error(`memory bench: no '${kind}' from the Golive process within ${LIMIT_MS / 1000} s`)), LIMIT_MS);
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
    const posted = fake.calls.reduce((n, c) => n + (c.method === 'chat.postMessage' && c.error === undefined ? 1 : 0), 0);
    if (posted >= want) return;
    if (Date.now() > deadline) throw new Error(`memory bench: only ${posted}/${want} thread messages posted in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export default async function memoryBench(): Promise<void> {
  const compiled = await compile();
  const mode = compiled.ok ? 'compiled JS on plain node, as npm start runs it' : `under tsx (compiling failed: ${compiled.reason})`;
  const fake = await startFakeSlack();
  const proc = fork(compiled.ok ? compiled.entry : here, ['--child', fake.apiUrl], {
    // BENCH_CHILD_ARGS (e.g. `--trace-gc`) looks inside the Golive process when a figure needs explaining.
    execArgv: [
      ...(compiled.ok ? [] : process.execArgv.filter((a) => a !== '--expose-gc')),
      '--expose-gc',
      ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    const ready = (await nextMessage(proc, 'ready')) as Extract<FromChild, { kind: 'ready' }>;
    const deadline = Date.now() + LIMIT_MS;
    const started = performance.now();
    await startAll(fake, ready.port, deadline);
    const startSeconds = (performance.now() - started) / 1000;
    proc.send({ kind: 'measure' } satisfies ToChild);
    const first = (await nextMessage(proc, 'measured')) as Extract<FromChild, { kind: 'measured' }>;
    // One tick in each go-live, so that the renderer has handled every one of them before the idle figure.
    const app = { fake, port: ready.port } as Pick<BenchApp, 'fake' | 'port'> as BenchApp;
    for (let i = 0; i < first.threads.length; i += CONCURRENCY) {
      await Promise.all(
        first.threads.slice(i, i + CONCURRENCY).map(async (thread) => {
          const found = findMenuOption(fake, thread, 'secret-key', 'done');
          if (!found) throw new Error(`go-live ${thread.id} shows no Done option for secret-key`);
          const res = await click(app, { goLive: thread, itemId: 'secret-key', action: 'done', user: 'U0TEAM01', messageTs: found.message.ts, blockId: found.blockId });
          if (res.status !== 200) throw new Error(`tick answered ${res.status}`);
        }),
      );
    }
    proc.send({ kind: 'measure' } satisfies ToChild);
    const idle = (await nextMessage(proc, 'measured')) as Extract<FromChild, { kind: 'measured' }>;
    const rssMb = idle.snapshot.rss / MB;
    console.log(
      `memory idle with ${idle.active} active go-lives: RSS ${fmt(rssMb)} MB (target ≤ ${TARGET_MB} MB) ${rssMb <= TARGET_MB && idle.active >= GO_LIVES ? 'ok' : 'OVER TARGET'}`,
    );
    console.log(
      `  heap used ${fmt(idle.snapshot.heapUsed / MB)} of ${fmt(idle.snapshot.heapTotal / MB)} MB, external ${fmt(idle.snapshot.external / MB)} MB; ` +
        `peak RSS ${fmt(idle.snapshot.maxRss / MB)} MB, peak heap ${fmt(idle.snapshot.peakHeapTotal / MB)} MB; ` +
        `before any go-live: RSS ${fmt(ready.baseline.rss / MB)} MB, heap ${fmt(ready.baseline.heapUsed / MB)} MB; ` +
        `after the starts, before the ticks: RSS ${fmt(first.snapshot.rss / MB)} MB (peak so far ${fmt(first.snapshot.maxRss / MB)} MB, heap ${fmt(first.snapshot.peakHeapTotal / MB)} MB)`,
    );
    const updates = fake.calls.filter((c) => c.method === 'chat.update' && c.error === undefined).length;
    console.log(
      `  ${GO_LIVES} /golive start in ${fmt(startSeconds)} s (${CONCURRENCY} at a time), then ${first.threads.length} ticks → ${updates} chat.update; ` +
        `${idle.gc ? 'after gc()' : 'no --expose-gc: settled only'}; Golive ran ${mode}; app errors logged: ${idle.errors.length}`,
    );
    if (idle.active < GO_LIVES || idle.errors.length > 0 || fake.invalidPayloads.length > 0) {
      throw new Error(`memory bench: ${idle.active} active, errors: ${idle.errors.slice(0, 3).join(' | ')}, invalid payloads: ${fake.invalidPayloads.length}`);
    }
  } finally {
    if (proc.connected) proc.send({ kind: 'stop' } satisfies ToChild);
    const timer = setTimeout(() => proc.kill(), 30_000);
    await exited;
    clearTimeout(timer);
    await fake.close();
    rmSync(BUILD_DIR, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) await child(process.argv[at + 1] ?? '');
  else await memoryBench();
}
