import { describe, expect, it } from 'vitest';
import { checkUrl, mentionUserId, parseCommand, parseMentions, parseRoleWords } from '../../src/domain/command.js';

function ok(text: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(`expected ok for ${JSON.stringify(text)}: ${parsed.reason}`);
  return parsed.command;
}

function refused(text: string) {
  const parsed = parseCommand(text);
  if (parsed.ok) throw new Error(`expected a refusal for ${JSON.stringify(text)}`);
  expect(parsed.usage.length).toBeGreaterThan(0);
  return parsed.reason;
}

/** What the reason would show in Slack must never open a tag, a mention or a link. */
function expectInert(reason: string) {
  expect(reason).not.toMatch(/<[^>]*>?/);
  expect(reason.length).toBeLessThan(400);
}

describe('parseCommand: start', () => {
  it('takes the service and defaults the environment to production', () => {
    expect(ok('start checkout-api')).toEqual({
      kind: 'start',
      service: 'checkout-api',
      environment: 'production',
      roles: {},
    });
  });

  it('takes service, environment and URL, normalising names to lower case', () => {
    expect(ok('start Checkout-API Staging https://checkout.example.com')).toEqual({
      kind: 'start',
      service: 'checkout-api',
      environment: 'staging',
      url: 'https://checkout.example.com/',
      roles: {},
    });
  });

  it('takes the URL in place of the environment', () => {
    const command = ok('start checkout-api https://checkout.example.com/health');
    expect(command).toMatchObject({ environment: 'production', url: 'https://checkout.example.com/health' });
  });

  it('unwraps links the way Slack escapes them', () => {
    expect(ok('start api prod <https://api.example.com|api.example.com>')).toMatchObject({
      url: 'https://api.example.com/',
    });
    expect(ok('start api prod <https://api.example.com>')).toMatchObject({ url: 'https://api.example.com/' });
  });

  it('reads people and groups as Slack sends them, comma or space separated', () => {
    const command = ok(
      'start checkout-api production https://c.example.com approvers=<@U123|dana>,<@U456> <@W789> primary=<@U1> ' +
        'dba=<!subteam^S123|@dba-team> infra=<!subteam^S9> template=production http_url=http://c.example.com',
    );
    expect(command).toEqual({
      kind: 'start',
      service: 'checkout-api',
      environment: 'production',
      url: 'https://c.example.com/',
      httpUrl: 'http://c.example.com/',
      template: 'production',
      roles: {
        approver: ['<@U123>', '<@U456>', '<@W789>'],
        primary: ['<@U1>'],
        dba: ['<!subteam^S123>'],
        infra: ['<!subteam^S9>'],
      },
    });
  });

  it('drops a person named twice in one key', () => {
    expect(ok('start api approvers=<@U1>,<@U1|dana>')).toMatchObject({ roles: { approver: ['<@U1>'] } });
  });

  it('opens the form for a bare start', () => {
    expect(ok('start')).toEqual({ kind: 'start-modal' });
    expect(ok('  START  ')).toEqual({ kind: 'start-modal' });
  });

  it('refuses unknown and duplicated keys', () => {
    expect(refused('start api colour=blue')).toMatch(/not a key I know/);
    expect(refused('start api approvers=<@U1> approvers=<@U2>')).toMatch(/given twice/);
  });

  it('refuses people written as plain text', () => {
    expect(refused('start api approvers=@dana')).toMatch(/@ menu/);
    expect(refused('start api primary=')).toMatch(/names nobody/);
  });

  it('refuses URLs that are not http(s) or too long', () => {
    expect(refused('start api prod ftp://files.example.com')).toMatch(/https:\/\//);
    expect(refused('start api prod javascript:alert(1)')).toMatch(/must start with/);
    expect(refused(`start api prod https://example.com/${'a'.repeat(600)}`)).toMatch(/at most 500/);
    expect(refused('start api prod https://user:pw@example.com')).toMatch(/password/);
  });

  it('refuses words after the URL and positionals after keys', () => {
    expect(refused('start api prod https://a.example.com extra')).toMatch(/extra/);
    expect(refused('start api template=production prod')).toMatch(/after the `key=value`/);
  });
});

describe('parseCommand: hostile service names', () => {
  const hostile: [string, string][] = [
    ['a thousand script tags', '<script>'.repeat(1000)],
    ['300 characters', 'a'.repeat(300)],
    ['emoji', 'checkout-🚀'],
    ['a user mention', '<@U123|dana>'],
    ['a channel-wide mention', '<!channel>'],
    ['a group mention', '<!subteam^S1|@everyone>'],
    ['a link', '<https://evil.example.com|click>'],
    ['markdown', '*bold*_x_'],
    ['a leading dash', '-api'],
    ['ampersands', 'a&b'],
  ];
  for (const [what, name] of hostile) {
    it(`refuses ${what} with a short, escaped reason`, () => {
      const reason = refused(`start ${name} production`);
      expect(reason).toMatch(/not a valid service name/);
      expectInert(reason);
    });
  }

  it('refuses names as Slack escapes them', () => {
    expectInert(refused(`start ${'&lt;script&gt;'.repeat(1000)}`));
  });

  it('says how long a too-long name is', () => {
    expect(refused(`start ${'a'.repeat(300)}`)).toMatch(/300 characters/);
  });

  it('accepts the longest allowed name', () => {
    const name = `a${'b'.repeat(62)}`;
    expect(ok(`start ${name}`)).toMatchObject({ service: name });
    expect(refused(`start ${name}c`)).toMatch(/64 characters/);
  });

  it('refuses hostile environments and templates the same way', () => {
    expectInert(refused('start api <script>alert(1)</script>'));
    expectInert(refused('start api prod template=<!here>'));
  });

  it('refuses a text far longer than Slack sends', () => {
    expect(refused(`start ${'x '.repeat(30_000)}`)).toMatch(/at most 40000/);
  });
});

describe('parseCommand: the other commands', () => {
  it('reads status with and without a service', () => {
    expect(ok('status')).toEqual({ kind: 'status' });
    expect(ok('status Checkout-API')).toEqual({ kind: 'status', service: 'checkout-api' });
    expectInert(refused('status <script>'));
  });

  it('reads check and report', () => {
    expect(ok('check api')).toEqual({ kind: 'check', service: 'api' });
    expect(ok('check api security')).toEqual({ kind: 'check', service: 'api', section: 'security' });
    expect(refused('check')).toMatch(/which service/);
    expect(ok('report api')).toEqual({ kind: 'report', service: 'api' });
    expect(refused('report api extra')).toMatch(/extra/);
  });

  it('reads abort with its reason, and an optional environment', () => {
    expect(ok('abort api  db migration failed ')).toEqual({
      kind: 'abort',
      service: 'api',
      reason: 'db migration failed',
    });
    expect(ok('abort api env=staging rollback')).toEqual({
      kind: 'abort',
      service: 'api',
      environment: 'staging',
      reason: 'rollback',
    });
    expect(ok('abort api db &amp; cache &lt;down&gt;')).toMatchObject({ reason: 'db & cache <down>' });
    expect(refused('abort api')).toMatch(/say why/);
    expect(refused(`abort api ${'x'.repeat(600)}`)).toMatch(/at most 500/);
  });

  it('answers help for help and for nothing', () => {
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('')).toEqual({ kind: 'help' });
    expect(ok('   ')).toEqual({ kind: 'help' });
  });

  it('refuses unknown words with the full usage, escaped', () => {
    const parsed = parseCommand('<!channel> deploy');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(/not a `\/golive` command/);
    expectInert(parsed.reason);
    expect(parsed.usage).toMatch(/\/golive start/);
    expect(parsed.usage).toMatch(/\/golive abort/);
  });
});

describe('mentions and URLs', () => {
  it('normalises mentions and finds user ids', () => {
    expect(parseMentions('<@U1|a>, <!subteam^S2|@b>  <@U3>')).toEqual({
      ok: true,
      value: ['<@U1>', '<!subteam^S2>', '<@U3>'],
    });
    expect(parseMentions('<@U1> dana').ok).toBe(false);
    expect(mentionUserId('<@U123>')).toBe('U123');
    expect(mentionUserId('<!subteam^S1>')).toBeUndefined();
  });

  it('keeps a valid URL and refuses garbage', () => {
    expect(checkUrl('https://example.com/a?b=c')).toEqual({ ok: true, value: 'https://example.com/a?b=c' });
    expect(checkUrl('not a url').ok).toBe(false);
  });
});

describe('parseRoleWords: the start form groups field', () => {
  it('reads role words as the command does, people running on after their key', () => {
    expect(parseRoleWords('dba=<!subteam^S1> primary=<@U1> <@U2>')).toEqual({
      ok: true,
      value: { dba: ['<!subteam^S1>'], primary: ['<@U1>', '<@U2>'] },
    });
  });

  it.each([
    ['checkout-api dba=<!subteam^S1>', 'Only role=@group words here, such as dba=@dba-team.'],
    ['template=default', 'Only role=@group words here, such as dba=@dba-team.'],
    ['color=<@U1>', '`color=` is not a key I know'],
    ['dba=', '`dba=` names nobody'],
    ['dba=<@U1> dba=<@U2>', '`dba=` is given twice'],
  ])('refuses %j', (text, reason) => {
    const parsed = parseRoleWords(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
