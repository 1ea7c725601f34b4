// Gathers what the record of a go-live is made of from the store (checklist, audit trail, notes), so that the
// CLI and Slack build the same record with src/record/.
import type { Store } from '../../db/store.js';
import type { Clock } from '../clock.js';
import { buildRecord } from '../record/record.js';
import type { GoLiveRecord, RecordInput } from '../record/record.js';
import { idsToName } from '../record/people.js';
import type { NameOf } from '../record/people.js';

export async function loadRecordInput(store: Store, goLiveId: string, clock: Clock): Promise<RecordInput | undefined> {
  const view = await store.getChecklist(goLiveId);
  if (!view) return undefined;
  const [trail, notes] = await Promise.all([store.auditTrail(goLiveId), store.notesOf(goLiveId)]);
  return { goLive: view.goLive, items: view.items, trail, notes, generatedAt: clock.now() };
}

/** Looks up every person the record names (a Slack directory, a cache) before building it. */
export type NameResolver = (ids: readonly string[]) => Promise<NameOf>;

export async function recordOf(
  store: Store,
  goLiveId: string,
  clock: Clock,
  resolveNames: NameResolver,
): Promise<GoLiveRecord | undefined> {
  const input = await loadRecordInput(store, goLiveId, clock);
  if (!input) return undefined;
  const actors = [
    ...input.trail.map((e) => e.actor),
    ...input.notes.flatMap((n) => [n.by, ...(n.fields.deployedBy ? [n.fields.deployedBy] : [])]),
  ];
  const nameOf = await resolveNames(idsToName(actors, input.goLive.roles));
  return buildRecord(input, nameOf);
}
