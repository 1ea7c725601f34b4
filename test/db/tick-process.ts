// Another Golive process for the store tests, driven over IPC: it reports "ready", and on "go" ticks `count`
// items of the go-live on the same file, then reports how many changed. With count 0 it only opens the file
// on "go" (so that several processes migrate a fresh file at the same moment) and reports 0.
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';

const [file, goLiveId, prefix, countText] = process.argv.slice(2);
if (!file || !goLiveId || !prefix || !countText)
  throw new Error('usage: tick-process <file> <go-live id> <prefix> <count>');
const count = Number(countText);
const open = (): SqliteStore => openSqliteStore({ file, clock: systemClock });
const early = count > 0 ? open() : undefined;

process.on('message', (message) => {
  if (message !== 'go') return;
  void (async () => {
    const store = early ?? open();
    let changed = 0;
    for (let i = 0; i < count; i += 1) {
      const result = await store.changeItem({ goLiveId, itemId: `${prefix}-${i}`, state: 'done', actor: `U${prefix}` });
      if (result.ok && result.changed) changed += 1;
    }
    await store.close();
    process.send?.({ changed }, () => process.disconnect());
  })();
});
process.send?.('ready');
