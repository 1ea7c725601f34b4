// The chain rule on its own: hashes follow from content and link, and each kind of tampering is named as such.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, rowOf, storedJson, verifyChain } from '../../src/record/audit-chain.js';
import type { AuditRow, ChainedAuditRow } from '../../src/record/audit-chain.js';

function chain(count: number): ChainedAuditRow[] {
  const events: ChainedAuditRow[] = [];
  let prevHash: string | null = null;
  for (let i = 0; i < count; i++) {
    const content: AuditRow = {
      goLiveId: 'G1',
      at: 1_000 + i,
      actor: `U${i}`,
      action: 'item',
      subject: `item-${i}`,
      before: null,
      after: storedJson({ state: 'done', evidence: { summary: `#${i}`, details: { b: 1, a: [1, 2] } } }),
    };
    const hash = auditHash(content, prevHash);
    events.push({ id: i + 1, ...content, hash, prevHash });
    prevHash = hash;
  }
  return events;
}

describe('auditHash', () => {
  it('is a hex SHA-256 of the compact JSON array of the stored row and its link, and changes with any of them', () => {
    const [first] = chain(1);
    const { goLiveId, at, actor, action, subject, before, after } = first!;
    const expected = createHash('sha256')
      .update(JSON.stringify([goLiveId, at, actor, action, subject, before, after, null]))
      .digest('hex');
    expect(first!.hash).toBe(expected);
    expect(auditHash({ ...first!, actor: 'U9' }, null)).not.toBe(first!.hash);
    expect(auditHash(first!, first!.hash)).not.toBe(first!.hash);
    // The stored text counts byte for byte: the same value written with its keys in another order is an edit.
    expect(
      auditHash({ ...first!, after: JSON.stringify({ evidence: JSON.parse(after!).evidence, state: 'done' }) }, null),
    ).not.toBe(first!.hash);
  });

  it('gives the same hash for an event read back and parsed as for its row', () => {
    const [first] = chain(1);
    const read = { ...first!, before: null, after: JSON.parse(first!.after!) as unknown };
    expect(rowOf(read)).toEqual(first);
    expect(auditHash(rowOf(read), null)).toBe(first!.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and gives its last hash; an empty trail is intact', () => {
    const events = chain(5);
    expect(verifyChain(events)).toEqual({ ok: true, count: 5, head: events[4]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('names an edited event', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, actor: 'U0MALLORY' };
    expect(verifyChain(events)).toMatchObject({ ok: false, problem: 'edited', event: { id: 3 }, position: 3 });
  });

  it('names an event written without a hash', () => {
    const events = chain(3);
    events[1] = { ...events[1]!, hash: null };
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      problem: 'edited',
      event: { id: 2 },
      detail: expect.stringContaining('no hash'),
    });
  });

  it('names the event after a removed one, and a removed first event', () => {
    const events = chain(5);
    expect(verifyChain([...events.slice(0, 2), ...events.slice(3)])).toMatchObject({
      ok: false,
      problem: 'removed',
      event: { id: 4 },
    });
    expect(verifyChain(events.slice(1))).toMatchObject({ ok: false, problem: 'removed', event: { id: 2 } });
  });

  it('names the first event out of order, whether moved forward or back', () => {
    const [a, b, c, d] = chain(4);
    expect(verifyChain([a!, c!, b!, d!])).toMatchObject({ ok: false, problem: 'reordered', event: { id: 3 } });
    expect(verifyChain([b!, a!, c!, d!])).toMatchObject({ ok: false, problem: 'reordered', event: { id: 2 } });
    expect(verifyChain([a!, b!, d!, c!])).toMatchObject({ ok: false, problem: 'reordered', event: { id: 4 } });
  });

  it('names an inserted event even when it was forged with a correct hash and link', () => {
    const events = chain(4);
    const content: AuditRow = { ...events[1]!, actor: 'U0MALLORY', subject: 'secret-key' };
    const forged = { ...content, id: 99, prevHash: events[1]!.hash, hash: auditHash(content, events[1]!.hash) };
    const verdict = verifyChain([events[0]!, events[1]!, forged, events[2]!, events[3]!]);
    expect(verdict).toMatchObject({ ok: false, problem: 'inserted', event: { id: 99 }, position: 3 });
  });

  it('names the copy when an event is repeated', () => {
    const events = chain(3);
    const copy = { ...events[1]!, id: 50 };
    expect(verifyChain([events[0]!, events[1]!, copy, events[2]!])).toMatchObject({
      ok: false,
      problem: 'inserted',
      event: { id: 50 },
    });
  });
});
