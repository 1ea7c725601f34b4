// The seed test: the default template carries the seed checklist whole, word for word, in its order.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckSpec, Template, TemplateItem } from '../../src/domain/template.js';
import { packageRoot } from '../../src/paths.js';
import { defaultTemplate } from '../../src/templates/default.js';
import { countItems, defaultTemplateFile, loadTemplateFile } from '../../src/templates/loader.js';

// A copy travels with the repo so the test runs on a fresh clone; it must stay identical to the shared seed.
const seedCopy = join(packageRoot, 'test/templates/fixtures/production-go-live-checklist.md');
const sharedSeed = join(packageRoot, '../shared/seed/production-go-live-checklist.md');
const seed = readFileSync(seedCopy, 'utf8');

// Slack's names for the seed's section emoji.
const SLACK_EMOJI: Record<string, string> = {
  '🔒': ':lock:',
  '🗄': ':file_cabinet:',
  '🚀': ':rocket:',
  '🌐': ':globe_with_meridians:',
  '📊': ':bar_chart:',
  '💾': ':floppy_disk:',
  '⚡': ':zap:',
  '🧪': ':test_tube:',
  '📝': ':memo:',
  '🔄': ':arrows_counterclockwise:',
  '✅': ':white_check_mark:',
};

interface SeedLine {
  section: string;
  group: string;
  /** Texts of the enclosing items, outermost first, then the item's own text. */
  trail: string[];
}

// Reads the seed markdown: `## <emoji> Title` sections, `### Group` groups, `- [ ]` items (two spaces per level).
function readSeed(markdown: string) {
  const sections: { emoji: string; title: string; groups: string[] }[] = [];
  const lines: SeedLine[] = [];
  let section: (typeof sections)[number] | undefined;
  let group = '';
  const open: string[] = [];
  for (const line of markdown.split('\n')) {
    const heading = /^## (\S+) (.+)$/u.exec(line);
    if (line.startsWith('## ')) {
      const emoji = heading?.[1]?.replace(/\uFE0F/gu, '');
      section = emoji !== undefined && emoji in SLACK_EMOJI ? { emoji, title: heading?.[2] ?? '', groups: [] } : undefined;
      if (section) sections.push(section);
      continue;
    }
    const groupHeading = /^### (.+)$/.exec(line);
    if (groupHeading?.[1] !== undefined) {
      group = groupHeading[1];
      section?.groups.push(group);
      continue;
    }
    const item = /^( *)- \[ \] (.+)$/.exec(line);
    if (item?.[1] !== undefined && item[2] !== undefined) {
      if (!section) throw new Error(`checkbox outside a section: ${line}`);
      const depth = item[1].length / 2;
      open.length = depth;
      open.push(item[2].replaceAll('**', '*'));
      lines.push({ section: section.title, group, trail: [...open] });
    }
  }
  return { sections, lines };
}

function templateLines(template: Template): SeedLine[] {
  const lines: SeedLine[] = [];
  const walk = (section: string, group: string, items: TemplateItem[], above: string[]) => {
    for (const item of items) {
      lines.push({ section, group, trail: [...above, item.text] });
      walk(section, group, item.items, [...above, item.text]);
    }
  };
  for (const section of template.sections) {
    for (const group of section.groups) walk(section.title, group.title, group.items, []);
  }
  return lines;
}

function findItem(template: Template, text: string): TemplateItem {
  const found = templateLines(template).filter((line) => line.trail.at(-1) === text);
  expect(found, `one item with text ${text}`).toHaveLength(1);
  const all: TemplateItem[] = [];
  const walk = (items: TemplateItem[]) => items.forEach((item) => (all.push(item), walk(item.items)));
  template.sections.forEach((section) => section.groups.forEach((group) => walk(group.items)));
  return all.find((item) => item.text === text) as TemplateItem;
}

const ALL_HEALTH = ['/health/ping', '/health/live', '/health/ready', '/health/status', '/health/metrics'];

describe('the default template carries the seed checklist', () => {
  const { sections, lines } = readSeed(seed);
  const template = defaultTemplate();

  it('reads the seed as the default template counts it: 144 checkbox lines in 11 sections', () => {
    expect(lines).toHaveLength(144);
    expect(sections).toHaveLength(11);
    expect(countItems(template)).toBe(144);
  });

  it('has every checkbox line word for word, in its section and group, in order, nesting kept', () => {
    expect(templateLines(template)).toEqual(lines);
  });

  it('has the 11 sections with their titles and emoji as Slack codes, and every group in order', () => {
    expect(template.sections.map((s) => [s.emoji, s.title])).toEqual(
      sections.map((s) => [SLACK_EMOJI[s.emoji], s.title]),
    );
    expect(template.sections.map((s) => s.groups.map((g) => g.title))).toEqual(sections.map((s) => s.groups));
  });

  it('keeps the health-endpoint paths as sub-items of "Health endpoints"', () => {
    const health = findItem(template, '*Health endpoints* accessible');
    expect(health.items.map((item) => item.text)).toEqual(ALL_HEALTH);
  });

  it('has a role for every emergency contact, and the approver', () => {
    const block = /## 🆘 Emergency Contacts\s+```\n([\s\S]*?)```/u.exec(seed)?.[1] ?? '';
    const contacts = block.split('\n').flatMap((line) => /^(.+?):/.exec(line)?.[1] ?? []);
    expect(contacts).toEqual(['Primary On-Call', 'Secondary On-Call', 'Database Admin', 'Infrastructure Team']);
    expect(template.roles).toEqual({
      approver: { label: 'Go-live approver' },
      primary: { label: 'Primary On-Call' },
      secondary: { label: 'Secondary On-Call' },
      dba: { label: 'Database Admin' },
      infra: { label: 'Infrastructure Team' },
    });
  });

  it("has the notes block's fields and the approval line", () => {
    const block = /## Notes[\s\S]*?```\n([\s\S]*?)```/u.exec(seed)?.[1] ?? '';
    const fields = block.split('\n').flatMap((line) => /^(.+?):/.exec(line)?.[1] ?? []);
    expect(template.notes).toEqual(fields);
    expect(fields).toEqual(['Date', 'Environment', 'Deployed By', 'Notes']);
    const approval = /\*\*(.+?):\*\* _+/.exec(seed)?.[1];
    expect(template.approval).toBe(approval);
    expect(approval).toBe('Deployment Approved By');
  });

  it('needs one approver who is not the deployer, with evidence at most a day old', () => {
    expect(template.signoff).toEqual({ role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000, allowExceptions: false });
  });

  it('plans the first 24 hours from the seed\'s "Post-Launch" group, escalating primary → secondary → infra', () => {
    const minute = 60_000;
    const hour = 60 * minute;
    expect(template.postlaunch).toEqual({
      durationMs: 24 * hour,
      ackWithinMs: 15 * minute,
      escalation: ['primary', 'secondary', 'infra'],
      checkins: [
        { at: 15 * minute, text: 'Monitor logs for errors', checks: ['health'] },
        { every: hour, text: 'Check health endpoints', checks: ['health'] },
        { at: hour, text: 'Monitor resource usage (CPU, memory, disk)', checks: [] },
        { at: 2 * hour, text: 'Test critical paths with real users', checks: [] },
        { at: 24 * hour, text: 'Verify backups completed successfully', checks: [] },
        { at: 24 * hour, text: 'Document any issues encountered', checks: [] },
      ],
    });
    const postLaunch = lines.filter((line) => line.group === 'Post-Launch (First 24 Hours)');
    const plain = (text: string) => text.replaceAll('*', '');
    for (const line of postLaunch) {
      const words = plain(line.trail[0] ?? '').replace(/ regularly$/, '');
      expect(template.postlaunch?.checkins.map((c) => c.text), words).toContain(words);
    }
  });

  it('marks only the items the seed calls optional as not required', () => {
    const optional = templateLines(template)
      .map((line) => findItem(template, line.trail.at(-1) ?? ''))
      .filter((item) => !item.required)
      .map((item) => item.text);
    expect(optional).toEqual([
      '*Centralized logging* set up (optional but recommended)',
      '*Grafana dashboards* created (optional)',
      '*Error tracking* service integrated (Sentry, etc.) (optional)',
    ]);
  });

  it('attaches each automatic check to the seed items it proves', () => {
    const expected: [string, CheckSpec][] = [
      ['*SESSION_COOKIE_SECURE* enabled (True for HTTPS)', { kind: 'cookies', options: {} }],
      ['*SESSION_COOKIE_HTTPONLY* enabled (True)', { kind: 'cookies', options: {} }],
      ['*Security headers* configured in Nginx/reverse proxy', { kind: 'security-headers', options: {} }],
      ['*SSL/TLS certificate* installed and valid', { kind: 'tls-certificate', options: {} }],
      ['*HTTPS* enforced (HTTP redirects to HTTPS)', { kind: 'https-redirect', options: {} }],
      ['*Database* not exposed to public internet', { kind: 'database-port', options: {} }],
      ['*Admin interfaces* protected/disabled in production', { kind: 'admin-exposed', options: {} }],
      ['*Compression* enabled (gzip)', { kind: 'compression', options: {} }],
      ['*HTTP/2* enabled', { kind: 'http2', options: {} }],
      ['*SSL certificate* installed', { kind: 'tls-certificate', options: {} }],
      ['*TLS 1.2+* only (TLS 1.0/1.1 disabled)', { kind: 'tls-protocols', options: {} }],
      ['*Strong cipher suites* configured', { kind: 'tls-ciphers', options: {} }],
      ['*HSTS header* configured', { kind: 'hsts', options: {} }],
      ['*Health endpoints* accessible', { kind: 'health', options: { paths: ALL_HEALTH } }],
      ...ALL_HEALTH.map((path): [string, CheckSpec] => [path, { kind: 'health', options: { paths: [path] } }]),
      ['*Prometheus metrics* endpoint accessible', { kind: 'metrics', options: { path: '/health/metrics' } }],
      ['*Application starts* successfully', { kind: 'health', options: { paths: ['/health/live'] } }],
      ['*Health checks* return 200 OK', { kind: 'health', options: { paths: ALL_HEALTH } }],
      ['*Error pages* display correctly', { kind: 'error-pages', options: {} }],
      ['*DNS records* configured and propagated', { kind: 'dns', options: {} }],
      ['*SSL certificate* valid for at least 30 days', { kind: 'tls-certificate', options: { min_days: 30 } }],
    ];
    for (const [text, check] of expected) expect(findItem(template, text).check, text).toEqual(check);
    const checked = templateLines(template)
      .map((line) => findItem(template, line.trail.at(-1) ?? ''))
      .filter((item) => item.check !== undefined);
    expect(checked).toHaveLength(expected.length);
  });

  it('gives every section an owner role only where one naturally signs it off', () => {
    expect(Object.fromEntries(template.sections.map((s) => [s.id, s.owner ?? null]))).toEqual({
      security: 'infra',
      database: 'dba',
      deployment: null,
      'reverse-proxy': 'infra',
      monitoring: 'primary',
      backup: 'dba',
      performance: null,
      testing: null,
      documentation: null,
      maintenance: 'infra',
      final: 'approver',
    });
  });

  it('is loaded once, frozen, and equal to the file', () => {
    expect(defaultTemplate()).toBe(template);
    expect(Object.isFrozen(template.sections[0]?.groups[0]?.items[0])).toBe(true);
    const fromFile = loadTemplateFile(defaultTemplateFile);
    expect(fromFile).toEqual({ ok: true, template });
  });
});

describe.runIf(existsSync(sharedSeed))('the seed copy in test/templates/fixtures', () => {
  it('is identical to the shared seed', () => {
    expect(seed).toBe(readFileSync(sharedSeed, 'utf8'));
  });
});
