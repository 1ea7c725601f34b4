// Where a go-live may be seen, as tables: the channel a command came from, and who looks at their App Home.
import { describe, expect, it } from 'vitest';
import type { GoLive } from '../../src/domain/go-live.js';
import { concernedWith, isPrivateChannel, visibleFrom, visibleOnHome } from '../../src/domain/visibility.js';

describe('isPrivateChannel', () => {
  it.each([
    [{ id: 'C0DEPLOYS', name: 'deploys' }, false],
    [{ id: 'C0SECRET', name: 'privategroup' }, true],
    [{ id: 'D0DM', name: 'directmessage' }, true],
    [{ id: 'C0GROUP', name: 'mpdm-ana--ben--dana-1' }, true],
    // Without a name, the id: D is a DM, G a legacy private channel or group DM, C may be either (public by default).
    [{ id: 'D0DM' }, true],
    [{ id: 'G0LEGACY' }, true],
    [{ id: 'C0UNKNOWN' }, false],
    // A public channel whose name merely contains the words stays public.
    [{ id: 'C0PUB', name: 'privategroup-talk' }, false],
  ])('%o → %s', (channel, expected) => {
    expect(isPrivateChannel(channel)).toBe(expected);
  });
});

describe('visibleFrom', () => {
  const inSecret = { channelId: 'C0SECRET', privateChannel: true };
  const inDeploys = { channelId: 'C0DEPLOYS' };
  it.each([
    ['a private go-live from its own channel', inSecret, 'C0SECRET', true],
    ['a private go-live from another channel', inSecret, 'C0DEPLOYS', false],
    ['a private go-live from a DM', inSecret, 'D0DM', false],
    ['a public go-live from its channel', inDeploys, 'C0DEPLOYS', true],
    ['a public go-live from another channel', inDeploys, 'C0SECRET', true],
    ['a go-live said not private', { channelId: 'C0DEPLOYS', privateChannel: false }, 'C0OTHER', true],
  ])('%s → %s', (_what, goLive, from, expected) => {
    expect(visibleFrom(goLive, from)).toBe(expected);
  });
});

describe('visibleOnHome', () => {
  const goLive: Pick<GoLive, 'startedBy' | 'roles' | 'privateChannel'> = {
    startedBy: 'U0DEPLOYER',
    roles: { approver: ['<@U0ANA>'], dba: ['<!subteam^S0DBA>'] },
    privateChannel: true,
  };
  const groups = new Map([['S0DBA', ['U0DBA']]]);
  it.each([
    ['its deployer', 'U0DEPLOYER', true],
    ['an approver named directly', 'U0ANA', true],
    ['a member of a group holding a role', 'U0DBA', true],
    ['anyone else', 'U0EVE', false],
  ])('a private go-live for %s → %s', (_who, userId, expected) => {
    expect(concernedWith(goLive, userId, groups)).toBe(expected);
    expect(visibleOnHome(goLive, userId, groups)).toBe(expected);
  });

  it('a group that could not be read concerns nobody through it', () => {
    expect(visibleOnHome(goLive, 'U0DBA', new Map())).toBe(false);
  });

  it('a public go-live is on everyone’s Home', () => {
    expect(visibleOnHome({ ...goLive, privateChannel: false }, 'U0EVE', groups)).toBe(true);
    const { privateChannel: _absent, ...unsaid } = goLive;
    expect(visibleOnHome(unsaid, 'U0EVE', groups)).toBe(true);
  });
});
