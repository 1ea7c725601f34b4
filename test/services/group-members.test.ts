// Group members for the sign-off rules: read once, kept five minutes on the clock, and a group Slack will not
// list reported (never cached, never read as "no members").
import { describe, expect, it } from 'vitest';
import { CachedGroupMembers, GROUP_CACHE_MS } from '../../src/services/group-members.js';
import { ManualClock } from '../support/manual-clock.js';

function directory(groups: Record<string, string[] | undefined>) {
  const asked: string[] = [];
  return {
    asked,
    groupMembers(groupId: string): Promise<readonly string[] | undefined> {
      asked.push(groupId);
      return Promise.resolve(groups[groupId]);
    },
  };
}

describe('CachedGroupMembers', () => {
  it('asks once per group within five minutes, again after', async () => {
    const clock = new ManualClock();
    const dir = directory({ S1: ['U1', 'U2'] });
    const groups = new CachedGroupMembers(dir, clock);
    expect((await groups.read(['S1', 'S1'])).members.get('S1')).toEqual(['U1', 'U2']);
    await clock.advance(GROUP_CACHE_MS - 1);
    await groups.read(['S1']);
    expect(dir.asked).toEqual(['S1']);
    await clock.advance(1);
    await groups.read(['S1']);
    expect(dir.asked).toEqual(['S1', 'S1']);
  });

  it('reports a group it could not read and asks again next time', async () => {
    const dir = directory({ S1: ['U1'], S2: undefined });
    const groups = new CachedGroupMembers(dir, new ManualClock());
    const read = await groups.read(['S2', 'S1']);
    expect(read.unresolved).toEqual(['S2']);
    expect(read.members.has('S2')).toBe(false);
    await groups.read(['S2']);
    expect(dir.asked.filter((g) => g === 'S2')).toHaveLength(2);
  });
});
