// A burst of 144 ticks by 20 people (every item of the default template, each clicked through its overflow
// menu as Slack sends it) with the production render window: how many chat.update calls, on how many messages,
// over how many seconds, and proof that nothing was lost (database and the messages people finally read).
import { flattenItems } from '../src/domain/checklist.js';
import type { GoLive } from '../src/domain/go-live.js';
import { RENDER_WINDOW_MS } from '../src/main.js';
import { STATE_ICON } from '../src/slack/blocks/common.js';
import { CHANNEL, click, findMenuOption, fmt, isMain, startBenchApp, startGoLive, withLimit } from './ack.js';
import type { BenchApp, Click } from './ack.js';

const PEOPLE = 20;
/** The spread burst: the 144 ticks evenly over this long, in a shuffled order. */
const SPREAD_MS = 2000;
/** No scenario may take longer than this, whatever the app does. */
const SETTLE_LIMIT_MS = 60_000;

/** A small deterministic PRNG (mulberry32), so that every run clicks in the same shuffled order. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: T[], seed: number): T[] {
  const next = random(seed);
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}

const person = (i: number) => `U0PERSON${String((i % PEOPLE) + 1).padStart(2, '0')}`;

interface BurstFigures {
  ticks: number;
  burstSeconds: number;
  settleSeconds: number;
  updates: number;
  touched: number;
  maxPerMessage: number;
  lostInDb: string[];
  lostInMessages: string[];
  rootShowsAll: boolean;
}

/** Every item ticked done by one of 20 people, spread over `spreadMs` (0: all at once). */
async function burst(app: BenchApp, goLive: GoLive, spreadMs: number, seed: number): Promise<BurstFigures> {
  const items = shuffle(
    flattenItems(goLive.template).map((f) => f.item.id),
    seed,
  );
  const owner = new Map(items.map((id, i) => [id, person(i)]));
  // The menus people click, read from the messages as posted before the burst.
  const clicks: Click[] = items.map((itemId) => {
    const found = findMenuOption(app.fake, goLive, itemId, 'done');
    if (!found) throw new Error(`item ${itemId} has no Done option in the thread`);
    return {
      goLive,
      itemId,
      action: 'done',
      user: owner.get(itemId) as string,
      messageTs: found.message.ts,
      blockId: found.blockId,
    };
  });
  const callsBefore = app.fake.calls.length;
  const started = performance.now();
  const acks = clicks.map(
    (c, i) =>
      new Promise<number>((resolve, reject) => {
        const at = spreadMs === 0 ? 0 : (i * spreadMs) / (clicks.length - 1);
        setTimeout(() => {
          click(app, c).then((res) => resolve(res.status), reject);
        }, at);
      }),
  );
  const statuses = await withLimit(Promise.all(acks), 'the burst', SETTLE_LIMIT_MS);
  const burstSeconds = (performance.now() - started) / 1000;
  if (statuses.some((s) => s !== 200))
    throw new Error(`burst: answers ${JSON.stringify(statuses.filter((s) => s !== 200))}`);
  await withLimit(app.idle(), 'rendering after the burst', SETTLE_LIMIT_MS);
  const settleSeconds = (performance.now() - started) / 1000 - burstSeconds;

  const threadTs = new Set(
    app.fake
      .messages(CHANNEL)
      .filter((m) => m.ts === goLive.rootTs || m.thread_ts === goLive.rootTs)
      .map((m) => m.ts),
  );
  const updates = app.fake.calls
    .slice(callsBefore)
    .filter((c) => c.method === 'chat.update' && c.error === undefined && threadTs.has(String(c.args.ts)));
  const perMessage = new Map<string, number>();
  for (const u of updates) perMessage.set(String(u.args.ts), (perMessage.get(String(u.args.ts)) ?? 0) + 1);

  // Lost in the database: not done, or done in someone else's name.
  const view = await app.store.getChecklist(goLive.id);
  const lostInDb = items.filter((id) => {
    const record = view?.items.get(id);
    return record?.state !== 'done' || record.by !== owner.get(id);
  });
  // Lost in what people read: the item's block in the thread must show it done, by the person who ticked it.
  const blocks = new Map<string, string>();
  for (const message of app.fake.messages(CHANNEL)) {
    if (message.thread_ts !== goLive.rootTs || message.ts === goLive.rootTs) continue;
    for (const block of (message.blocks ?? []) as { block_id?: string; text?: { text?: string } }[]) {
      if (block.block_id?.startsWith('item:')) blocks.set(block.block_id.slice('item:'.length), block.text?.text ?? '');
    }
  }
  const lostInMessages = items.filter((id) => {
    const text = blocks.get(id) ?? '';
    return !text.includes(STATE_ICON.done) || !text.includes(`_done_ by <@${owner.get(id) ?? '?'}>`);
  });
  const root = app.fake.message(CHANNEL, goLive.rootTs ?? '');
  const total = items.length;
  const rootShowsAll = JSON.stringify([root?.text, root?.blocks]).includes(`${total}/${total}`);
  return {
    ticks: clicks.length,
    burstSeconds,
    settleSeconds,
    updates: updates.length,
    touched: perMessage.size,
    maxPerMessage: Math.max(0, ...perMessage.values()),
    lostInDb,
    lostInMessages,
    rootShowsAll,
  };
}

function report(label: string, f: BurstFigures): boolean {
  const literal = f.touched + f.burstSeconds;
  const perMessageBound = 1 + Math.ceil(f.burstSeconds);
  const lost = new Set([...f.lostInDb, ...f.lostInMessages]).size;
  const ok = f.updates <= literal && lost === 0 && f.rootShowsAll;
  console.log(
    `burst ${label}: ${f.ticks} ticks by ${PEOPLE} people in ${fmt(f.burstSeconds, 2)} s → ${f.updates} chat.update on ${f.touched} messages ` +
      `(target ≤ ${f.touched} + ${fmt(f.burstSeconds, 2)} = ${fmt(literal, 1)}) ${f.updates <= literal ? 'ok' : 'OVER TARGET'}; ` +
      `lost ${lost} (target 0)${lost === 0 && f.rootShowsAll ? ' ok' : ' LOST'}`,
  );
  console.log(
    `  per message: at most ${f.maxPerMessage} chat.update (one per ${RENDER_WINDOW_MS} ms window would be ≤ ${perMessageBound}); ` +
      `all rendered ${fmt(f.settleSeconds, 2)} s after the last ack; ` +
      `not done in the database: ${f.lostInDb.length}, not shown done in the thread: ${f.lostInMessages.length}, root shows ${f.ticks}/${f.ticks}: ${f.rootShowsAll ? 'yes' : 'NO'}`,
  );
  if (lost > 0)
    console.log(`  lost items: ${[...new Set([...f.lostInDb, ...f.lostInMessages])].slice(0, 10).join(', ')}`);
  return ok;
}

export default async function burstBench(): Promise<void> {
  // The production render window and Slack budget (Tier 3 defaults): what a team's burst really costs.
  const app = await startBenchApp({ renderWindowMs: RENDER_WINDOW_MS, slackBudget: {} });
  try {
    const spread = await startGoLive(app, 'burst-spread');
    const together = await startGoLive(app, 'burst-together');
    await app.idle();
    const a = await burst(app, spread, SPREAD_MS, 144);
    const b = await burst(app, together, 0, 20);
    report(`spread over ~${SPREAD_MS / 1000} s`, a);
    report('all at once', b);
    const problems = [
      ...app.errors.map((e) => `logged error: ${e}`),
      ...(app.fake.ephemerals.length > 0 ? [`${app.fake.ephemerals.length} private error replies`] : []),
      ...(app.fake.invalidPayloads.length > 0
        ? [`${app.fake.invalidPayloads.length} payloads broke a Block Kit limit`]
        : []),
    ];
    const stats = app.slackApp.services.renderer.stats;
    console.log(
      `  renderer: ${stats.updates} updates, ${stats.skipped} skipped, ${stats.rateLimited} rate-limited, ${stats.failures} failures; problems: ${problems.length === 0 ? 'none' : problems.slice(0, 5).join(' | ')}`,
    );
    const lost = [a, b].some((f) => f.lostInDb.length + f.lostInMessages.length > 0 || !f.rootShowsAll);
    if (lost || problems.length > 0) throw new Error('burst bench: ticks were lost or the app misbehaved (see above)');
  } finally {
    await app.stop();
  }
}

if (isMain(import.meta.url)) {
  await burstBench();
}
