// The record of a go-live and the audit chain check, against docs/ARCHITECTURE.md's targets:
// 1. the record of a 144-item go-live with 1,000 audit events written by the store: read + Markdown + JSON
//    (≤ 200 ms), beside reading the same data alone;
// 2. `golive verify` over a go-live of 100,000 audit events, run in-process as the CLI runs it (≤ 1 s), beside
//    reading the 100,000 events alone and hashing them alone; wall and CPU time, since on a shared machine the
//    wall time also counts the other processes' turns.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../db/sqlite-store.js';
import { main } from '../src/cli.js';
import { systemClock } from '../src/clock.js';
import type { Clock } from '../src/clock.js';
import { flattenItems } from '../src/domain/checklist.js';
import { auditHash, storedJson } from '../src/record/audit-chain.js';
import type { ItemState } from '../src/domain/go-live.js';
import { recordJson, recordMarkdown } from '../src/record/markdown.js';
import { loadRecordInput, recordOf } from '../src/services/record-service.js';
import { defaultTemplate } from '../src/templates/default.js';
import { fmt, isMain } from './ack.js';

const RECORD_EVENTS = 1_000;
const VERIFY_EVENTS = 100_000;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Timing {
  first: number;
  median: number;
  /** Median CPU time of this process (user + system), ms. */
  cpu: number;
}

async function timed(work: () => unknown, runs = RUNS): Promise<Timing> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
    const { user, system } = process.cpuUsage(cpuBefore);
    cpu.push((user + system) / 1000);
  }
  return { first: times[0]!, median: median(times), cpu: median(cpu) };
}

const wallAndCpu = (t: Timing) => `${fmt(t.median)} ms (CPU ${fmt(t.cpu)} ms)`;

async function recordBench(dir: string): Promise<void> {
  let now = Date.UTC(2026, 11, 1, 13, 0);
  const clock: Clock = { now: () => (now += 1000) };
  const store = openSqliteStore({ file: join(dir, 'record.db'), clock });
  const started = await store.startGoLive({
    service: 'checkout-api',
    environment: 'production',
    url: 'https://checkout.example.com',
    channelId: 'C0BENCH',
    startedBy: 'U0DEPLOYER',
    roles: { approver: ['<@U0APPROVER>'], primary: ['<@U0ONCALL>'] },
    template: defaultTemplate(),
  });
  if (!started.ok) throw new Error('bench go-live did not start');
  const { id } = started.goLive;
  const items = flattenItems(started.goLive.template).map((f) => f.item.id);
  const states: ItemState[] = ['done', 'na', 'blocked', 'open'];
  let events = 1;
  for (let i = 0; events < RECORD_EVENTS; i++) {
    const state = states[Math.floor(i / items.length) % states.length]!;
    const result = await store.changeItem({
      goLiveId: id,
      itemId: items[i % items.length]!,
      state,
      actor: `U0PERSON${i % 20}`,
      ...(state === 'na' || state === 'blocked' ? { reason: `reason ${i}` } : {}),
    });
    if (result.ok && result.changed) events++;
  }
  const names = async () => (person: string) => `Person ${person}`;
  const read = await timed(() => loadRecordInput(store, id, systemClock));
  const whole = await timed(async () => {
    const record = await recordOf(store, id, systemClock, names);
    if (!record) throw new Error('no record');
    return recordMarkdown(record).length + recordJson(record).length;
  });
  const record = (await recordOf(store, id, systemClock, names))!;
  console.log(
    `record of ${items.length} items, ${record.audit.count} audit events: read + Markdown + JSON ${fmt(whole.median)} ms median ` +
      `(first ${fmt(whole.first)} ms; target ≤ 200 ms) vs reading alone ${fmt(read.median)} ms; ` +
      `${Math.round(recordMarkdown(record).length / 1024)} KB Markdown, ${Math.round(recordJson(record).length / 1024)} KB JSON`,
  );
  await store.close();
}

async function verifyBench(dir: string): Promise<void> {
  const file = join(dir, 'verify.db');
  let now = Date.UTC(2026, 11, 1, 13, 0);
  const store = openSqliteStore({ file, clock: { now: () => (now += 1000) } });
  const started = await store.startGoLive({
    service: 'payments',
    environment: 'production',
    channelId: 'C0BENCH',
    startedBy: 'U0DEPLOYER',
    roles: {},
    template: defaultTemplate(),
  });
  if (!started.ok) throw new Error('bench go-live did not start');
  const [first] = await store.auditChain(started.goLive.id);
  await store.close();

  // 100,000 item events as the store writes them (same content shape, same hash function), in one transaction.
  const db = new Database(file);
  const insert = db.prepare(
    'INSERT INTO audit_events (go_live_id, at, actor, action, subject, before, after, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const items = flattenItems(started.goLive.template).map((f) => f.item.id);
  db.transaction(() => {
    let prevHash = first!.hash;
    for (let i = 1; i < VERIFY_EVENTS; i++) {
      const at = now + i * 1000;
      const after = { itemId: items[i % items.length]!, state: i % 2 ? 'done' : 'open', by: `U0PERSON${i % 20}`, at };
      const row = {
        goLiveId: started.goLive.id,
        at,
        actor: after.by,
        action: 'item',
        subject: after.itemId,
        before: null,
        after: storedJson(after),
      };
      const hash = auditHash(row, prevHash);
      insert.run(row.goLiveId, at, row.actor, 'item', row.subject, null, row.after, hash, prevHash);
      prevHash = hash;
    }
  })();
  db.close();

  const io = {
    stdout: () => undefined,
    stderr: (text: string) => console.log(text),
    env: { DATABASE_URL: file },
    isTTY: false,
  };
  const load = loadavg()[0]!;
  const verify = await timed(async () => {
    if ((await main(['verify', 'payments'], io)) !== 0) throw new Error('the bench chain did not verify');
  }, 7);
  const reader = openSqliteStore({ file, clock: systemClock, readonly: true });
  const read = await timed(() => {
    let count = 0;
    for (const _ of reader.auditChainRows(started.goLive.id)) count++;
    return count;
  }, 7);
  const rows = await reader.auditChain(started.goLive.id);
  const hashing = await timed(() => rows.every((row) => row.hash === auditHash(row, row.prevHash)), 7);
  await reader.close();
  console.log(
    `golive verify of ${VERIFY_EVENTS.toLocaleString('en')} events: ${wallAndCpu(verify)} median of 7 (first ${fmt(verify.first)} ms; ` +
      `target ≤ 1000 ms), load ${load.toFixed(1)}; of which reading the events ${wallAndCpu(read)}, ` +
      `hashing them ${wallAndCpu(hashing)}`,
  );
}

export default async function recordBenchmarks(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'golive-bench-record-'));
  try {
    await recordBench(dir);
    await verifyBench(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await recordBenchmarks();
