// Slack down for 5 s with the production settings (1 s render window, the Tier 3 budget, backoff 1 s → 30 s):
// three ticks made during the outage, then how long after Slack answers again the thread shows all three, and
// how many chat.update calls it took, refused and answered. Once with HTTP 500s, once with reset connections.
import type { GoLive } from '../src/domain/go-live.js';
import { RENDER_WINDOW_MS } from '../src/main.js';
import type { OutageAnswer } from '../test/support/fake-slack.js';
import { click, findMenuOption, fmt, isMain, startBenchApp, startGoLive, withLimit } from './ack.js';
import type { BenchApp } from './ack.js';

const OUTAGE_MS = 5000;
/** When the three ticks are made, from the start of the outage. */
const TICKS_AT_MS = [500, 2000, 3500];
const LIMIT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function outage(answer: OutageAnswer): Promise<void> {
  const app: BenchApp = await startBenchApp({ renderWindowMs: RENDER_WINDOW_MS, slackBudget: {} });
  try {
    const goLive: GoLive = await startGoLive(app, `outage-${answer}`);
    await app.idle();
    const items = [0, 1, 2].map((s) => goLive.template.sections[s]?.groups[0]?.items[0]?.id ?? '');
    const users = ['U0DANA', 'U0SAM', 'U0LEE'];
    const callsBefore = app.fake.calls.length;
    const down = app.fake.outage('chat.update', { answer });
    const started = Date.now();
    for (const [i, at] of TICKS_AT_MS.entries()) {
      await sleep(at - (Date.now() - started));
      const found = findMenuOption(app.fake, goLive, items[i] as string, 'done');
      if (!found) throw new Error('no Done option');
      const res = await click(app, {
        goLive,
        itemId: items[i] as string,
        action: 'done',
        user: users[i] as string,
        messageTs: found.message.ts,
        blockId: found.blockId,
      });
      if (res.status !== 200) throw new Error(`tick answered ${res.status}`);
    }
    await sleep(OUTAGE_MS - (Date.now() - started));
    down.end();
    const recovered = Date.now();
    const shown = () =>
      items.every((item, i) =>
        app.fake
          .messages()
          .some(
            (m) =>
              m.thread_ts === goLive.rootTs &&
              JSON.stringify(m.blocks ?? []).includes(`_done_ by <@${users[i] ?? ''}>`) &&
              JSON.stringify(m.blocks).includes(`item:${item}`),
          ),
      ) && JSON.stringify(app.fake.message(goLive.channelId, goLive.rootTs ?? '')?.blocks ?? []).includes('3/144');
    await withLimit(
      (async () => {
        while (!shown()) await sleep(10);
      })(),
      'the thread catching up',
      LIMIT_MS,
    );
    const caughtUpMs = Date.now() - recovered;
    await app.idle();
    const updates = app.fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
    const refused = updates.filter((c) => c.status !== 200);
    const gaps = refused.slice(1).map((c, i) => fmt((c.at - (refused[i]?.at ?? c.at)) / 1000, 1));
    console.log(
      `outage (${answer}) of ${OUTAGE_MS / 1000} s, ticks at ${TICKS_AT_MS.map((t) => t / 1000).join(', ')} s: all three shown ${fmt(caughtUpMs / 1000, 2)} s after Slack answered again; ` +
        `chat.update calls: ${refused.length} refused during the outage (one at a time, ${gaps.join(' s, ')} s apart), ${updates.length - refused.length} answered after it ` +
        `(3 messages behind); private notices: ${app.fake.ephemerals.length}`,
    );
    if (app.errors.length > 0) throw new Error(`outage bench: errors logged: ${app.errors.slice(0, 3).join(' | ')}`);
  } finally {
    await app.stop();
  }
}

export default async function outageBench(): Promise<void> {
  await outage('http-500');
  await outage('reset');
}

if (isMain(import.meta.url)) {
  await outageBench();
}
