// One Slack budget for the workspace: 20 go-lives with 20 people each, all 400 ticking at once through the real
// receiver, against a fake Slack that enforces chat.update's Tier 3 as Slack does (a sustained rate with a short
// burst; beyond it 429 + Retry-After). Run twice on fresh apps: with the shared budget (the default), and without
// one (each render calls Slack when its window ends, as the renderer did before: 429s pause it and it retries).
// Figures: chat.update calls, 429s, the time until each person's message shows their tick, and 0 lost.
// Tier 3 is ~50/min; the fake and the budget both run 10× faster (500/min) so that a run takes seconds, not
// minutes: every time below is ×10 in a real workspace, the counts are the same.
import { flattenItems } from '../src/domain/checklist.js';
import type { GoLive } from '../src/domain/go-live.js';
import {
  CHANNEL,
  click,
  findMenuOption,
  fmt,
  isMain,
  percentile,
  startBenchApp,
  startGoLive,
  UNTHROTTLED,
  withLimit,
} from './ack.js';
import type { BenchApp, Click } from './ack.js';

const GO_LIVES = 20;
const PEOPLE = 20;
const SCALE = 10;
const TIER = { perMinute: 50 * SCALE, burst: 10 };
/** No run may take longer than this, whatever the app does. */
const RUN_LIMIT_MS = 180_000;

interface RunFigures {
  label: string;
  clicks: number;
  updates: number;
  rateLimited: number;
  /** ms from a click being sent to the first chat.update that shows it, per click (Infinity: never shown). */
  shown: number[];
  allShownSeconds: number;
  lostInDb: number;
  lostInMessages: number;
}

/** True when a chat.update's blocks show `itemId` done by `user`. */
function shows(blocks: unknown, itemId: string, user: string): boolean {
  if (!Array.isArray(blocks)) return false;
  return (blocks as { block_id?: string; text?: { text?: string } }[]).some(
    (b) => b.block_id === `item:${itemId}` && (b.text?.text ?? '').includes(`_done_ by <@${user}>`),
  );
}

async function run(label: string, shared: boolean): Promise<RunFigures> {
  // Without the budget: a bucket far beyond what Slack allows, so every render goes when its window ends.
  const app: BenchApp = await startBenchApp({ slackBudget: shared ? TIER : UNTHROTTLED });
  try {
    const goLives: GoLive[] = [];
    for (let i = 0; i < GO_LIVES; i += 1) goLives.push(await startGoLive(app, `budget-${i + 1}`));
    await app.idle();
    // Each person ticks one item; a go-live's 20 items are spread over its sections (every 7th of 144).
    const clicks: (Click & { sentAt: number })[] = [];
    for (const goLive of goLives) {
      const items = flattenItems(goLive.template).map((f) => f.item.id);
      for (let p = 0; p < PEOPLE; p += 1) {
        const itemId = items[(p * Math.floor(items.length / PEOPLE)) % items.length] as string;
        const found = findMenuOption(app.fake, goLive, itemId, 'done');
        if (!found) throw new Error(`item ${itemId} has no Done option`);
        clicks.push({
          goLive,
          itemId,
          action: 'done',
          user: `U0P${String(p).padStart(2, '0')}`,
          messageTs: found.message.ts,
          blockId: found.blockId,
          sentAt: 0,
        });
      }
    }
    app.fake.enforceTier('chat.update', TIER);
    const callsBefore = app.fake.calls.length;
    const started = Date.now();
    const answers = await withLimit(
      Promise.all(
        clicks.map((c) => {
          c.sentAt = Date.now();
          return click(app, c).then((res) => res.status);
        }),
      ),
      'the clicks',
      RUN_LIMIT_MS,
    );
    if (answers.some((s) => s !== 200))
      throw new Error(`budget bench: answers ${JSON.stringify(answers.filter((s) => s !== 200))}`);
    await withLimit(app.idle(), 'rendering the clicks', RUN_LIMIT_MS);
    const updates = app.fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
    const shown = clicks.map((c) => {
      // People and items repeat across go-lives: only an update of the message the person clicked in counts.
      const first = updates.find(
        (u) => u.status === 200 && u.args.ts === c.messageTs && shows(u.args.blocks, c.itemId, c.user),
      );
      return first ? first.at - c.sentAt : Infinity;
    });
    let lostInDb = 0;
    let lostInMessages = 0;
    for (const c of clicks) {
      const view = await app.store.getChecklist(c.goLive.id);
      const record = view?.items.get(c.itemId);
      if (record?.state !== 'done' || record.by !== c.user) lostInDb += 1;
      const onScreen = app.fake
        .messages(CHANNEL)
        .some((m) => m.thread_ts === c.goLive.rootTs && shows(m.blocks, c.itemId, c.user));
      if (!onScreen) lostInMessages += 1;
    }
    if (app.errors.length > 0)
      throw new Error(`budget bench (${label}): errors logged: ${app.errors.slice(0, 3).join(' | ')}`);
    return {
      label,
      clicks: clicks.length,
      updates: updates.length,
      rateLimited: updates.filter((u) => u.status === 429).length,
      shown,
      allShownSeconds: (Math.max(...updates.map((u) => u.at), started) - started) / 1000,
      lostInDb,
      lostInMessages,
    };
  } finally {
    await app.stop();
  }
}

function report(f: RunFigures): void {
  const sorted = [...f.shown].sort((a, b) => a - b);
  const s = (ms: number) => (Number.isFinite(ms) ? `${fmt(ms / 1000, 1)} s` : 'never');
  console.log(
    `${f.label}: ${f.clicks} ticks → ${f.updates} chat.update calls, ${f.rateLimited} answered 429; ` +
      `each person's message shows their tick after p50 ${s(percentile(sorted, 50))}, p90 ${s(percentile(sorted, 90))}, max ${s(sorted.at(-1) ?? Infinity)}; ` +
      `all shown ${fmt(f.allShownSeconds, 1)} s after the clicks; lost ${f.lostInDb} in the database, ${f.lostInMessages} on screen (target 0)`,
  );
}

export default async function budgetBench(): Promise<void> {
  console.log(
    `${GO_LIVES} go-lives × ${PEOPLE} people ticking at once; the fake Slack enforces chat.update at ${TIER.perMinute}/min with a burst of ${TIER.burst} ` +
      `(Tier 3 × ${SCALE}: times ×${SCALE} in a real workspace)`,
  );
  const shared = await run('shared budget', true);
  report(shared);
  const unshared = await run('no shared budget (each render when its window ends)', false);
  report(unshared);
  const lost = [shared, unshared].some((f) => f.lostInDb + f.lostInMessages > 0);
  if (lost) throw new Error('budget bench: ticks were lost (see above)');
}

if (isMain(import.meta.url)) {
  await budgetBench();
}
