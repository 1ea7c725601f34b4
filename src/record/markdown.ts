// The record in the seed checklist's own layout: `## <emoji> Section`, `### Group`, `- [x]` / `- [ ]` items
// (two spaces per level), the Emergency Contacts and Notes blocks, and the approval line, filled in with
// who did what and when, reasons, evidence, notes, sign-offs, approvals and the post-launch timeline.
import { emojiOf } from './emoji.js';
import { fenced, oneLine, utcDate, utcMinute } from './format.js';
import { statusLabel } from './record.js';
import type { GoLiveRecord, RecordEntry, RecordItem, RecordNote } from './record.js';

const BLANK = '_____________________';

/** `— done by Dana, 2026-12-01 14:03 UTC`, `— N/A (reason) — by Lee, …`, nothing for an untouched item. */
function itemOutcome(item: RecordItem): string {
  if (!item.by || item.at === undefined) return '';
  const when = `${item.by.name}, ${utcMinute(item.at)}`;
  const reason = item.reason ? ` (${oneLine(item.reason)})` : '';
  switch (item.state) {
    case 'done':
      return ` — done by ${when}`;
    case 'na':
      return ` — N/A${reason} — by ${when}`;
    case 'blocked':
      return ` — blocked${reason} — by ${when}`;
    case 'failed':
      return ` — failed${reason} — by ${when}`;
    case 'open':
      return ` — reopened by ${when}`;
  }
}

function noteLine(note: RecordNote): string {
  return `Note by ${note.by.name}, ${utcMinute(note.at)}: ${oneLine(note.text)}`;
}

function itemLines(item: RecordItem, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  const box = item.state === 'done' || item.state === 'na' ? '[x]' : '[ ]';
  out.push(`${indent}- ${box} ${item.text}${itemOutcome(item)}`);
  const detail = `${indent}  - `;
  if (item.evidence) {
    const { kind, status, summary, takenAt } = item.evidence;
    out.push(`${detail}Evidence (${kind}, ${status}, ${utcMinute(takenAt)}): ${oneLine(summary)}`);
  }
  for (const note of item.notes) out.push(`${detail}${noteLine(note)}`);
  for (const child of item.items) itemLines(child, depth + 1, out);
}

function entryLine(entry: RecordEntry): string {
  return `- ${utcMinute(entry.at)} — ${entry.by.name} ${oneLine(entry.what)}`;
}

function notesBlock(note: RecordNote, record: GoLiveRecord): string {
  const deployedBy = note.deployedBy?.name ?? '';
  return fenced(
    [
      `Date: ${note.date ?? utcDate(note.at)}`,
      `Environment: ${oneLine(note.environment ?? record.goLive.environment)}`,
      `Deployed By: ${deployedBy || BLANK}`,
      '',
      'Notes:',
      note.text.trim(),
    ].join('\n'),
  );
}

export function recordMarkdown(record: GoLiveRecord): string {
  const { goLive, progress } = record;
  const out: string[] = [];
  out.push(`# ${goLive.template.name}: ${goLive.service} (${goLive.environment})`);
  out.push('## Go-live record', '');
  out.push(`- **Status:** ${goLive.statusLabel}`);
  if (goLive.url) out.push(`- **URL:** ${goLive.url}`);
  out.push(`- **Started by:** ${goLive.startedBy.name}, ${utcMinute(goLive.startedAt)}`);
  if (goLive.ended) {
    const reason = goLive.ended.reason ? ` (${oneLine(goLive.ended.reason)})` : '';
    out.push(
      `- **Ended:** ${statusLabel(goLive.ended.status)}${reason} — by ${goLive.ended.by.name}, ${utcMinute(goLive.ended.at)}`,
    );
  }
  out.push(
    `- **Progress:** ${progress.done}/${progress.total} (${progress.na} N/A, ${progress.blocked} blocked, ${progress.failed} failed)`,
  );
  out.push(`- **Template:** ${goLive.template.id} v${goLive.template.version}`);
  out.push(`- **Go-live id:** ${goLive.id}`);
  out.push(`- **Record generated:** ${utcMinute(record.generatedAt)}`);
  out.push('', '---', '');

  for (const section of record.sections) {
    out.push(`## ${section.emoji ? `${emojiOf(section.emoji)} ` : ''}${section.title}`, '');
    for (const group of section.groups) {
      out.push(`### ${group.title}`);
      for (const item of group.items) itemLines(item, 0, out);
      out.push('');
    }
    for (const signOff of section.signOffs)
      out.push(`Section signed off by ${signOff.by.name}, ${utcMinute(signOff.at)}`, '');
    out.push('---', '');
  }

  out.push('## 🆘 Emergency Contacts', '');
  const contacts = record.roles.map((role) => `${role.label}: ${role.people.map((p) => p.name).join(', ') || BLANK}`);
  out.push(fenced(contacts.join('\n')), '', '---', '');

  out.push('## Notes', '');
  if (record.notes.length === 0) out.push('No notes.', '');
  for (const note of record.notes)
    out.push(`Added by ${note.by.name}, ${utcMinute(note.at)}:`, '', notesBlock(note, record), '');
  out.push('---', '');

  out.push('## Approvals', '');
  if (record.approvals.length === 0) out.push('No approval was requested.', '');
  else out.push(...record.approvals.map(entryLine), '');
  out.push('## Post-launch timeline', '');
  if (record.timeline.length === 0) out.push('Not live: no post-launch window.', '');
  else out.push(...record.timeline.map(entryLine), '');

  const { audit } = record;
  out.push('## Audit trail', '');
  const verdict = audit.intact ? 'hash chain intact' : `hash chain BROKEN: ${audit.problem ?? ''}`;
  out.push(
    `${audit.count} events, ${verdict}; last hash \`${audit.head ?? 'none'}\` (check with \`golive verify ${goLive.id}\`).`,
    '',
  );
  out.push('---', '');

  const line = record.approvalLine;
  out.push(`**${line.label}:** ${line.names.join(', ') || BLANK}  **Date:** ${line.date ?? '___________'}`, '');
  return out.join('\n');
}

/** The whole record as one JSON document (times as epoch milliseconds, people with id and name). */
export function recordJson(record: GoLiveRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
