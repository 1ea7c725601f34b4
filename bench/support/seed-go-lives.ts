// Fills a Golive database with active go-lives whose threads are up to date, as if each had been started from
// Slack, ticked once and rendered, without Slack: the go-live rows and their audit events (start, thread) in one
// transaction, with the rows and hash chain the store writes; the tick through the store; then every thread's
// message records (ts, rendered version, content hash) in one more. A restart on this database has nothing
// stale: what it costs is the catch-up's own.
import Database from 'better-sqlite3';
import { newId } from '../../db/ids.js';
import { openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import type { MessageRecord } from '../../db/store.js';
import { systemClock } from '../../src/clock.js';
import { auditHash, storedJson } from '../../src/record/audit-chain.js';
import type { AuditRow } from '../../src/record/audit-chain.js';
import { flattenItems } from '../../src/domain/checklist.js';
import type { ChecklistView } from '../../src/domain/go-live.js';
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

const ROLES = { approver: ['<@U0APPROVER>'], primary: ['<@U0ONCALL>'] };

/** The go-lives' ids, in the order they were seeded. */
export async function seedGoLives(options: SeedOptions): Promise<string[]> {
  // Opened first: it creates or migrates the file, and the ticks and the views below go through it.
  const store = openSqliteStore({ file: options.file, clock: systemClock });
  try {
    const ids = insertGoLives(options);
    const flat = flattenItems(defaultTemplate());
    const records: MessageRecord[] = [];
    for (const [i, id] of ids.entries()) {
      const item = flat[(i * 7) % flat.length];
      if (!item) continue;
      const ticked = await store.changeItem({ goLiveId: id, itemId: item.item.id, state: 'done', actor: 'U0TEAM01' });
      if (!ticked.ok) throw new Error(`seeding: the tick of ${id} was refused (${ticked.reason})`);
      records.push(...(await renderedThread(store, id, i)));
    }
    writeMessages(options.file, records);
    return ids;
  } finally {
    await store.close();
  }
}

/** The go-live rows and their `start` and `thread` events, as the store's startGoLive and setRootTs write them. */
function insertGoLives(options: SeedOptions): string[] {
  const template = defaultTemplate();
  const db = new Database(options.file);
  try {
    db.pragma('busy_timeout = 5000');
    const goLive = db.prepare(
      `INSERT INTO go_lives (id, service, environment, url, http_url, channel_id, root_ts, started_by, started_at, status, roles, template, version, approval_round)
       VALUES (@id, @service, 'production', @url, NULL, @channelId, @rootTs, @startedBy, @at, 'preparing', @roles, @template, 1, 0)`,
    );
    const event = db.prepare(
      `INSERT INTO audit_events (go_live_id, at, actor, action, subject, before, after, hash, prev_hash)
       VALUES (@goLiveId, @at, @actor, @action, @subject, @before, @after, @hash, @prevHash)`,
    );
    const appendEvent = (row: AuditRow, prevHash: string | null): string => {
      const hash = auditHash(row, prevHash);
      event.run({ ...row, hash, prevHash });
      return hash;
    };
    const templateJson = JSON.stringify(template);
    const rolesJson = JSON.stringify(ROLES);
    const ids: string[] = [];
    db.transaction(() => {
      for (let i = 1; i <= options.count; i += 1) {
        const at = Date.now();
        const id = newId(at);
        const service = `${options.prefix}-${String(i).padStart(4, '0')}`;
        const url = `https://${service}.example.com`;
        const rootTs = threadTs(i, 0);
        goLive.run({
          id,
          service,
          url,
          channelId: options.channelId,
          rootTs,
          startedBy: options.startedBy,
          at,
          roles: rolesJson,
          template: templateJson,
        });
        const after = {
          service,
          environment: 'production',
          url,
          httpUrl: null,
          channelId: options.channelId,
          roles: ROLES,
          template: { id: template.id, version: template.version },
        };
        const started = appendEvent(
          {
            goLiveId: id,
            at,
            actor: options.startedBy,
            action: 'start',
            subject: `${service}/production`,
            before: null,
            after: storedJson(after),
          },
          null,
        );
        appendEvent(
          {
            goLiveId: id,
            at,
            actor: 'golive',
            action: 'thread',
            subject: 'root',
            before: storedJson({ rootTs: null }),
            after: storedJson({ rootTs }),
          },
          started,
        );
        ids.push(id);
      }
    })();
    return ids;
  } finally {
    db.close();
  }
}

/** Slack-like ts values, distinct per go-live (`index`) and message (`part`). */
function threadTs(index: number, part: number): string {
  return `1700000000.${String(index * 100 + part).padStart(6, '0')}`;
}

/**
 * What the thread's records are once the tick has shown: every message at the go-live's version with the hash of
 * what it shows (the renderer rendered the root and the ticked section; the store kept the other sections current).
 */
async function renderedThread(store: SqliteStore, id: string, index: number): Promise<MessageRecord[]> {
  const view: ChecklistView | undefined = await store.getChecklist(id);
  if (!view?.goLive.rootTs) throw new Error(`seeding: no checklist or thread for ${id}`);
  const { version, rootTs } = view.goLive;
  const records: MessageRecord[] = [
    { goLiveId: id, key: ROOT, ts: rootTs, renderedVersion: version, renderedHash: messageHash(renderRoot(view)) },
  ];
  let part = 0;
  for (const section of view.goLive.template.sections) {
    for (const { key, ...message } of renderSection(view, section.id)) {
      part += 1;
      records.push({
        goLiveId: id,
        key,
        ts: threadTs(index + 1, part),
        renderedVersion: version,
        renderedHash: messageHash(message),
      });
    }
  }
  return records;
}

/** Inserts these message records, in one transaction. */
function writeMessages(file: string, records: readonly MessageRecord[]): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      'INSERT INTO messages (go_live_id, key, ts, rendered_version, rendered_hash) VALUES (@goLiveId, @key, @ts, @renderedVersion, @renderedHash)',
    );
    db.transaction(() => {
      for (const r of records)
        insert.run({
          goLiveId: r.goLiveId,
          key: r.key,
          ts: r.ts ?? null,
          renderedVersion: r.renderedVersion,
          renderedHash: r.renderedHash ?? null,
        });
    })();
  } finally {
    db.close();
  }
}
