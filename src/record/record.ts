// The record of a go-live as data: the checklist with who did what and when, notes, sign-offs, approvals, the
// post-launch timeline and the audit trail with its hash chain verdict. A pure function of what the store holds
// and a name lookup; src/record/markdown.ts writes it in the seed's layout, and JSON is this object itself.
import { rowOf, verifyChain } from './audit-chain.js';
import type { AuditEvent } from './audit-chain.js';
import { progress, sectionProgress } from '../domain/checklist.js';
import type { Progress } from '../domain/checklist.js';
import { STATUS_WORDS } from '../domain/go-live.js';
import type { GoLive, ItemRecord, ItemState } from '../domain/go-live.js';
import type { Note, NoteFields } from '../domain/note.js';
import type { TemplateItem } from '../domain/template.js';
import { markdownOf } from './format.js';
import { memberOf, person } from './people.js';
import type { NameOf, Person } from './people.js';

export const RECORD_FORMAT = 'golive-record/1';

export interface RecordInput {
  goLive: GoLive;
  items: ReadonlyMap<string, ItemRecord>;
  /** The go-live's audit events in append order. */
  trail: readonly AuditEvent[];
  notes: readonly Note[];
  generatedAt: number;
}

export interface RecordNote {
  by: Person;
  at: number;
  date?: string;
  environment?: string;
  deployedBy?: Person;
  text: string;
}

export interface RecordEvidence {
  kind: string;
  status: string;
  summary: string;
  takenAt: number;
}

export interface RecordItem {
  id: string;
  /** The template's text, in Markdown as the seed writes it. */
  text: string;
  required: boolean;
  state: ItemState;
  /** Who set the state and when; absent while the item was never touched. */
  by?: Person;
  at?: number;
  reason?: string;
  evidence?: RecordEvidence;
  notes: RecordNote[];
  items: RecordItem[];
}

/** One audit event worth telling, in words, with who and when. */
export interface RecordEntry {
  eventId: number;
  at: number;
  action: string;
  by: Person;
  /** What happened, in a short sentence without the name and time. */
  what: string;
}

export interface RecordSection {
  id: string;
  title: string;
  emoji?: string;
  owner?: { role: string; label: string };
  progress: Progress;
  groups: { title: string; items: RecordItem[] }[];
  signOffs: RecordEntry[];
}

export interface GoLiveRecord {
  format: typeof RECORD_FORMAT;
  generatedAt: number;
  goLive: Pick<GoLive, 'id' | 'service' | 'environment' | 'url' | 'httpUrl' | 'channelId' | 'status'> & {
    threadTs?: string;
    statusLabel: string;
    startedBy: Person;
    startedAt: number;
    /** When and why it ended (Completed, Rolled back, Aborted). */
    ended?: { at: number; by: Person; status: string; reason?: string };
    template: { id: string; name: string; version: number };
  };
  progress: Progress;
  roles: { role: string; label: string; people: Person[] }[];
  sections: RecordSection[];
  notes: RecordNote[];
  approvals: RecordEntry[];
  /** The seed's approval line: who approved (the standing approvals) and the date of the last of them. */
  approvalLine: { label: string; names: string[]; date?: string };
  /** From Go live on: check-ins, acknowledgements, escalations, failures and the end. */
  timeline: RecordEntry[];
  audit: {
    count: number;
    intact: boolean;
    /** Hash of the last event: the anchor to compare with `golive verify`. */
    head: string | null;
    problem?: string;
    events: (AuditEvent & { actorName: string })[];
  };
}

/** The status as the root message shows it (`Awaiting approval`). */
export function statusLabel(status: string): string {
  return (STATUS_WORDS as Readonly<Record<string, string>>)[status] ?? status;
}

/** Audit actions of the approval (sign-off) flow; section sign-offs are told under their section. */
const APPROVAL_ACTIONS = new Set(['request-approval', 'approve', 'reject', 'revoke', 'exception']);
const SECTION_SIGN_OFF = 'sign-off-section';
/** Actions that end a go-live. */
const END_ACTIONS = new Set(['abort', 'complete', 'roll-back']);
/** The event that starts the post-launch window. */
const GO_LIVE = 'go-live';
/** Events that are the checklist itself (told on their items), not the timeline. */
const ITEM_ACTIONS = new Set(['item', 'evidence', 'thread', 'note']);

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** What an audit event did, in words (who and when are told beside it). */
export function describeEvent(event: AuditEvent, nameOf: NameOf): string {
  const reason =
    text(field(event.after, 'reason')) ??
    text(field(event.after, 'justification')) ??
    text(field(event.after, 'comment'));
  const why = reason ? `: ${reason}` : '';
  switch (event.action) {
    case 'start':
      return `started ${event.subject}`;
    case 'abort':
      return `aborted${why}`;
    case 'request-approval':
      return 'requested approval';
    case 'approve':
      return field(event.after, 'exceptions') || field(event.after, 'justification')
        ? `approved with exceptions${why}`
        : 'approved';
    case 'reject':
      return `rejected${why}`;
    case 'revoke':
      return `approvals revoked${why}`;
    case SECTION_SIGN_OFF:
      return `signed off section ${event.subject}`;
    case GO_LIVE:
      return 'went live (T0)';
    case 'complete':
      return 'completed the post-launch window';
    case 'roll-back':
      return `rolled back${why}`;
    case 'roles':
      return 'changed the roles';
    case 'item': {
      const state = text(field(event.after, 'state')) ?? 'changed';
      return `set ${event.subject} to ${state === 'na' ? 'N/A' : state}${why}`;
    }
    default: {
      const by = text(field(event.after, 'by'));
      const named = by ? ` (${person(by, nameOf).name})` : '';
      return `${event.action.replace(/[-_]/g, ' ')} ${event.subject}${named}${why}`.trim();
    }
  }
}

function entry(event: AuditEvent, nameOf: NameOf): RecordEntry {
  return {
    eventId: event.id,
    at: event.at,
    action: event.action,
    by: person(event.actor, nameOf),
    what: describeEvent(event, nameOf),
  };
}

function noteOf(note: Note, nameOf: NameOf): RecordNote {
  const out: RecordNote = { by: person(note.by, nameOf), at: note.at, text: note.text };
  const fields: NoteFields = note.fields;
  if (fields.date) out.date = fields.date;
  if (fields.environment) out.environment = fields.environment;
  if (fields.deployedBy) out.deployedBy = person(fields.deployedBy, nameOf);
  return out;
}

/** The approvals standing at the end of the trail: approvals since the last request, revoke or reject. */
function standingApprovals(trail: readonly AuditEvent[]): AuditEvent[] {
  let standing: AuditEvent[] = [];
  for (const event of trail) {
    if (event.action === 'approve') standing.push(event);
    if (event.action === 'revoke' || event.action === 'reject' || event.action === 'request-approval') standing = [];
  }
  return standing;
}

export function buildRecord(input: RecordInput, nameOf: NameOf): GoLiveRecord {
  const { goLive, items, trail, notes } = input;
  const { template } = goLive;
  const notesByItem = new Map<string, RecordNote[]>();
  for (const note of notes) {
    if (note.itemId === undefined) continue;
    const list = notesByItem.get(note.itemId) ?? [];
    list.push(noteOf(note, nameOf));
    notesByItem.set(note.itemId, list);
  }

  const recordItem = (item: TemplateItem): RecordItem => {
    const record = items.get(item.id);
    const out: RecordItem = {
      id: item.id,
      text: markdownOf(item.text),
      required: item.required,
      state: record?.state ?? 'open',
      notes: notesByItem.get(item.id) ?? [],
      items: item.items.map(recordItem),
    };
    if (record) {
      out.by = person(record.by, nameOf);
      out.at = record.at;
    }
    if (record?.reason !== undefined) out.reason = record.reason;
    if (record?.evidence) {
      const { kind, status, summary, takenAt } = record.evidence;
      out.evidence = { kind, status, summary, takenAt };
    }
    return out;
  };

  const signOffs = trail.filter((e) => e.action === SECTION_SIGN_OFF);
  const view = { goLive, items };
  const sections: RecordSection[] = template.sections.map((section) => {
    const out: RecordSection = {
      id: section.id,
      title: section.title,
      progress: sectionProgress(view, section.id),
      groups: section.groups.map((group) => ({ title: group.title, items: group.items.map(recordItem) })),
      signOffs: signOffs.filter((e) => e.subject === section.id).map((e) => entry(e, nameOf)),
    };
    if (section.emoji !== undefined) out.emoji = section.emoji;
    if (section.owner !== undefined)
      out.owner = { role: section.owner, label: template.roles[section.owner]?.label ?? section.owner };
    return out;
  });

  const goLiveAt = trail.findIndex((e) => e.action === GO_LIVE);
  const timeline =
    goLiveAt < 0 ? [] : trail.slice(goLiveAt).filter((e) => e.action !== 'evidence' && e.action !== 'thread');
  const ended = [...trail].reverse().find((e) => END_ACTIONS.has(e.action));
  const standing = standingApprovals(trail);
  const verdict = verifyChain(trail.map(rowOf));

  const record: GoLiveRecord = {
    format: RECORD_FORMAT,
    generatedAt: input.generatedAt,
    goLive: {
      id: goLive.id,
      service: goLive.service,
      environment: goLive.environment,
      channelId: goLive.channelId,
      status: goLive.status,
      statusLabel: statusLabel(goLive.status),
      startedBy: person(goLive.startedBy, nameOf),
      startedAt: goLive.startedAt,
      template: { id: template.id, name: template.name, version: template.version },
    },
    progress: progress(view),
    roles: Object.entries(template.roles).map(([role, spec]) => ({
      role,
      label: spec.label,
      people: (goLive.roles[role] ?? []).map((mention) => memberOf(mention, nameOf)),
    })),
    sections,
    notes: notes.filter((n) => n.itemId === undefined).map((n) => noteOf(n, nameOf)),
    approvals: trail.filter((e) => APPROVAL_ACTIONS.has(e.action)).map((e) => entry(e, nameOf)),
    approvalLine: {
      label: template.approval ?? 'Deployment Approved By',
      names: [...new Set(standing.map((e) => person(e.actor, nameOf).name))],
      ...(standing.length > 0 ? { date: new Date(standing.at(-1)!.at).toISOString().slice(0, 10) } : {}),
    },
    timeline: timeline.filter((e) => !ITEM_ACTIONS.has(e.action) || e.action === 'item').map((e) => entry(e, nameOf)),
    audit: {
      count: trail.length,
      intact: verdict.ok,
      head: trail.at(-1)?.hash ?? null,
      events: trail.map((e) => ({ ...e, actorName: person(e.actor, nameOf).name })),
    },
  };
  if (!verdict.ok)
    record.audit.problem = `event ${verdict.event.id} does not fit: ${verdict.problem}: ${verdict.detail}`;
  if (goLive.url !== undefined) record.goLive.url = goLive.url;
  if (goLive.httpUrl !== undefined) record.goLive.httpUrl = goLive.httpUrl;
  if (goLive.rootTs !== undefined) record.goLive.threadTs = goLive.rootTs;
  if (ended) {
    const reason = text(field(ended.after, 'reason'));
    record.goLive.ended = {
      at: ended.at,
      by: person(ended.actor, nameOf),
      status: text(field(ended.after, 'status')) ?? ended.action,
      ...(reason ? { reason } : {}),
    };
  }
  return record;
}
