// A second Golive process for the store tests: opens the same file, waits for "go", ticks its items, exits.
import { openSqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';

const [file, goLiveId, prefix, countText] = process.argv.slice(2);
if (!file || !goLiveId || !prefix || !countText) throw new Error('usage: tick-process <file> <go-live id> <prefix> <count>');
const store = openSqliteStore({ file, clock: systemClock });

process.on('message', (message) => {
  if (message !== 'go') return;
  void (async () => {
    let changed = 0;
    for (let i = 0; i < Number(countText); i += 1) {
      const result = await store.changeItem({ goLiveId, itemId: `${prefix}-${i}`, state: 'done', actor: `U${prefix}` });
      if (result.ok && result.changed) changed += 1;
    }
    await store.close();
    process.send?.({ changed }, () => process.disconnect());
  })();
});
process.send?.('ready');
