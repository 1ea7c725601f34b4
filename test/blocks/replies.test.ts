import { describe, expect, it } from 'vitest';
import { progress } from '../../src/domain/checklist.js';
import { defaultTemplate } from '../../src/templates/default.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { formatProblems, validateMessage } from '../../src/slack/blocks/limits.js';
import { renderError, renderHelp, renderLockHeld, renderStatus } from '../../src/slack/blocks/replies.js';
import { goLive, T0, view } from './fixtures.js';

function texts(m: SlackMessage): string {
  return (m.blocks as unknown as { text?: { text: string }; elements?: { text?: string }[] }[])
    .flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')])
    .join('\n');
}

function expectValid(m: SlackMessage): void {
  expect(formatProblems(validateMessage(m))).toBe('');
}

const tpl = defaultTemplate();
const permalink = 'https://example.slack.com/archives/C0123456789/p1795000000000100';

describe('renderHelp', () => {
  it('lists every subcommand of /golive, escaped', () => {
    const m = renderHelp();
    expectValid(m);
    const t = texts(m);
    for (const sub of ['start', 'status', 'check', 'report', 'abort', 'help']) expect(t).toContain(`/golive ${sub}`);
    expect(t).toContain('&lt;service&gt;');
    expect(t).toContain('approvers=');
    expect(t).not.toMatch(/<service>/);
  });
});

describe('renderStatus', () => {
  it('lists active go-lives with status, progress and a link to each thread', () => {
    const g = goLive(tpl);
    const v = view(g, [{ itemId: 'secret-key', state: 'done', by: 'U1', at: T0 }]);
    const m = renderStatus([{ goLive: g, progress: progress(v), permalink }]);
    expectValid(m);
    const t = texts(m);
    expect(t).toContain(`*<${permalink}|checkout-api · production>*`);
    expect(t).toContain('Preparing');
    expect(t).toContain('1/144');
    expect(t).toContain('started by <@U0STARTER1>');
    expect(m.text).toBe('1 active go-live');
  });

  it('says so when nothing is running', () => {
    const m = renderStatus([], 'checkout-api');
    expectValid(m);
    expect(texts(m)).toContain('No active go-live for checkout-api');
  });

  it('stays within the limits with hundreds of go-lives and hostile names', () => {
    const entries = Array.from({ length: 300 }, (_, i) => {
      const g = goLive(tpl, {
        id: `g${i}`,
        service: `<!channel>${'<script>'.repeat(100)}`,
        environment: 'E'.repeat(40),
      });
      return { goLive: g, progress: progress(view(g)), permalink: `${permalink}${i}` };
    });
    const m = renderStatus(entries);
    expectValid(m);
    expect(texts(m)).toMatch(/…and \d+ more/);
    expect(JSON.stringify(m)).not.toContain('<!channel>');
    expect(JSON.stringify(m)).not.toContain('<script>');
  });
});

describe('renderLockHeld', () => {
  it('says who holds the lock and links the running go-live', () => {
    const m = renderLockHeld(goLive(tpl), permalink);
    expectValid(m);
    const t = texts(m);
    expect(t).toContain('checkout-api · production already has a go-live running, started by <@U0STARTER1>');
    expect(t).toContain(`<${permalink}|Open its thread>`);
  });
});

describe('renderError', () => {
  it('shows the message and the usage, privately and briefly', () => {
    // The message is mrkdwn built by Golive: user words in it arrive quoted and escaped by the domain.
    const m = renderError('`&lt;!channel&gt;` is not a valid service name', '`/golive start <service>`');
    expectValid(m);
    const t = texts(m);
    expect(t).toContain(':warning: `&lt;!channel&gt;` is not a valid service name');
    expect(t).toContain('Usage: `/golive start &lt;service&gt;`');
  });

  it('stays within the limits for a very long message', () => {
    expectValid(renderError('x'.repeat(10_000)));
  });
});
