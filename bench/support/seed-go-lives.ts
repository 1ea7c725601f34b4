// Fills a Golive database with active go-lives whose threads are up to date, as if each had been started from
// Slack and rendered: the go-live rows (default template, roles), its root ts and one message record per
// rendered message with the version and content hash the renderer would have stored. A restart on this
// database has nothing stale to re-render: what it costs is the catch-up's own reading and rendering.
import { openSqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../../src/clock.js';
import { ROOT } from '../../src/services/ports.js';
import { renderRoot } from '../../src/slack/blocks/root.js';
import { renderSection } from '../../src/slack/blocks/section.js';
import { messageHash } from '../../src/slack/renderer.js';
import { defaultTemplate } from '../../src/templates/default.js';

export interface SeedOptions {
  file: string;
  count: number;
  channelId: string;
  startedBy: string;
  /** Service names are `${prefix}-0001`…, so they do not collide with go-lives already in the file. */
  prefix: string;
}

export async function seedGoLives(options: SeedOptions): Promise<number> {
  const store = openSqliteStore({ file: options.file, clock: systemClock });
  const template = defaultTemplate();
  let seeded = 0;
  try {
    for (let i = 1; i <= options.count; i += 1) {
      const service = `${options.prefix}-${String(i).padStart(4, '0')}`;
      const started = await store.startGoLive({
        service,
        environment: 'production',
        url: `https://${service}.example.com`,
        channelId: options.channelId,
        startedBy: options.startedBy,
        roles: { approver: ['<@U0APPROVER>'], primary: ['<@U0ONCALL>'] },
        template,
      });
      if (!started.ok) throw new Error(`seeding ${service}: ${started.reason}`);
      const rootTs = `1700000000.${String(i * 100).padStart(6, '0')}`;
      await store.setRootTs(started.goLive.id, rootTs);
      const view = await store.getChecklist(started.goLive.id);
      if (!view) throw new Error(`seeding ${service}: no checklist`);
      const { version } = view.goLive;
      await store.saveMessage({ goLiveId: view.goLive.id, key: ROOT, ts: rootTs, renderedVersion: version, renderedHash: messageHash(renderRoot(view)) });
      let part = 0;
      for (const section of view.goLive.template.sections) {
        for (const { key, ...message } of renderSection(view, section.id)) {
          part += 1;
          const ts = `1700000000.${String(i * 100 + part).padStart(6, '0')}`;
          await store.saveMessage({ goLiveId: view.goLive.id, key, ts, renderedVersion: version, renderedHash: messageHash(message) });
        }
      }
      seeded += 1;
    }
  } finally {
    await store.close();
  }
  return seeded;
}
