import { describe, expect, it } from 'vitest';
import {
  cleanLine,
  escapeMrkdwn,
  plainName,
  escapeTruncate,
  mention,
  roleMention,
  safeLink,
  safeName,
  slackDate,
  truncate,
} from '../../src/slack/blocks/mrkdwn.js';

describe('mrkdwn helpers', () => {
  it('escapes only & < >', () => {
    expect(escapeMrkdwn('a & <b> *c* _d_')).toBe('a &amp; &lt;b&gt; *c* _d_');
  });

  it('truncates with an ellipsis and never splits an emoji', () => {
    expect(truncate('hello', 10)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    const flags = '👩‍👩‍👧‍👦'.repeat(5);
    const t = truncate(flags, 20);
    expect(t.length).toBeLessThanOrEqual(20);
    expect(t.endsWith('…')).toBe(true);
    expect(t.slice(0, -1)).toBe('👩‍👩‍👧‍👦');
  });

  it('never cuts an escaped entity in two', () => {
    const t = escapeTruncate('<'.repeat(100), 20);
    expect(t.length).toBeLessThanOrEqual(20);
    expect(t).toBe('&lt;&lt;&lt;&lt;…');
  });

  it('makes hostile service names harmless', () => {
    const name = safeName('<script>'.repeat(1000));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).not.toContain('<');
    expect(safeName('<!channel> <@U1>')).toBe('&lt;!channel&gt; &lt;@U1&gt;');
    expect(safeName('a\u0000b\u202e c\n\n d')).toBe('ab c d');
    expect(safeName('x'.repeat(300)).length).toBe(80);
    expect(safeName('   ')).toBe('?');
    expect(cleanLine('🚀 checkout\tapi')).toBe('🚀 checkout api');
  });

  it('keeps & readable in plain text but never lets markup or entities through', () => {
    expect(plainName('Reverse Proxy & Web Server')).toBe('Reverse Proxy & Web Server');
    expect(plainName('<!channel> &lt; &#60;')).toBe('&lt;!channel&gt; &amp;lt; &amp;#60;');
    const long = plainName('<script>'.repeat(1000), 150);
    expect(long.length).toBeLessThanOrEqual(150);
    expect(long).not.toContain('<');
  });

  it('renders mentions, and refuses to ping what is not a person or group', () => {
    expect(mention('U123ABC')).toBe('<@U123ABC>');
    expect(mention('golive')).toBe('Golive');
    expect(roleMention('<@U123|dana>')).toBe('<@U123>');
    expect(roleMention('<!subteam^S1A2|@dba-team>')).toBe('<!subteam^S1A2>');
    expect(roleMention('<!channel>')).toBe('&lt;!channel&gt;');
    expect(roleMention('<!here|here>')).toBe('&lt;!here|here&gt;');
  });

  it('uses the date token so clients localise the time', () => {
    const ms = Date.UTC(2026, 10, 29, 19, 26, 3);
    expect(slackDate(ms)).toBe(`<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|2026-11-29 19:26 UTC>`);
  });

  it('links only http(s) URLs and escapes them', () => {
    expect(safeLink('https://checkout.example.com/a?b=1&c=2')).toBe(
      '<https://checkout.example.com/a?b=1&amp;c=2|https://checkout.example.com/a?b=1&amp;c=2>',
    );
    expect(safeLink('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(safeLink('<!channel>')).toBe('&lt;!channel&gt;');
  });
});
