// Go-live ids: ULIDs that sort by start time, also within one millisecond.
import { describe, expect, it } from 'vitest';
import { newId } from '../../db/ids.js';

describe('newId', () => {
  it('is 26 Crockford base32 characters, beginning with the time', () => {
    const id = newId(Date.UTC(2026, 0, 15));
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newId(Date.UTC(2026, 0, 15)).slice(0, 10)).toBe(id.slice(0, 10));
  });

  it('sorts in creation order, within one millisecond and across them', () => {
    const now = Date.UTC(2030, 5, 1);
    const ids = [...Array.from({ length: 1000 }, () => newId(now)), newId(now + 1), newId(now + 1000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
