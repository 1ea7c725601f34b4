import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatTemplateErrors,
  loadTemplateFile,
  parseTemplateSource,
} from '../../src/templates/loader.js';
import type { TemplateError } from '../../src/templates/loader.js';
import { minimalTemplate, TempDir } from './helpers.js';

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke into YAML-shaped data

/** Writes `data` (after `edit`) and returns the loader's errors without file, for compact assertions. */
function errorsOf(edit: (data: Data) => void): Omit<TemplateError, 'file' | 'line' | 'column'>[] {
  const data: Data = minimalTemplate();
  edit(data);
  const file = dir.write('t.yaml', data);
  const result = loadTemplateFile(file);
  if (result.ok) throw new Error('expected the template to be refused');
  for (const error of result.errors) expect(error.file).toBe(file);
  return result.errors.map(({ path, reason }) => ({ path, reason }));
}

describe('loadTemplateFile: a valid file', () => {
  it('becomes the domain template: camelCase, durations in ms, defaults applied, check options kept', () => {
    const result = loadTemplateFile(dir.write('minimal.yaml', minimalTemplate()));
    expect(result).toEqual({
      ok: true,
      template: {
        id: 'minimal',
        name: 'Template minimal',
        version: 2,
        roles: { approver: { label: 'Approver' }, primary: { label: 'Primary On-Call' } },
        signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000, allowExceptions: false },
        sections: [
          {
            id: 'security',
            title: 'Security',
            emoji: ':lock:',
            owner: 'primary',
            groups: [
              {
                title: 'Network',
                items: [
                  {
                    id: 'tls',
                    text: '*TLS* valid',
                    required: true,
                    check: { kind: 'tls-certificate', options: { min_days: 14 } },
                    items: [],
                  },
                  {
                    id: 'health',
                    text: 'Health',
                    required: true,
                    items: [{ id: 'health-ping', text: '/health/ping', required: false, items: [] }],
                  },
                ],
              },
            ],
          },
          {
            id: 'database',
            title: 'Database',
            groups: [{ title: 'Setup', items: [{ id: 'backups', text: 'Backups configured', required: true, items: [] }] }],
          },
        ],
        postlaunch: {
          durationMs: 4 * 3_600_000,
          ackWithinMs: 600_000,
          escalation: ['primary'],
          checkins: [
            { at: 900_000, text: 'Look at the logs', checks: [] },
            { every: 3_600_000, checks: ['health'] },
          ],
        },
        notes: [],
      },
    });
  });

  it('reads sign-off settings, notes and the approval line as written', () => {
    const data: Data = minimalTemplate();
    data.signoff = { role: 'approver', approvals: 2, allow_deployer: true, evidence_max_age: '4h', allow_exceptions: true };
    data.notes = ['Date', 'Notes'];
    data.approval = 'Approved By';
    const result = loadTemplateFile(dir.write('t.yml', data));
    expect(result.ok && result.template.signoff).toEqual({
      role: 'approver',
      approvals: 2,
      allowDeployer: true,
      evidenceMaxAgeMs: 4 * 3_600_000,
      allowExceptions: true,
    });
    expect(result.ok && [result.template.notes, result.template.approval]).toEqual([['Date', 'Notes'], 'Approved By']);
  });
});

describe('loadTemplateFile: a bad file is refused with file, path and reason', () => {
  it('gives line and column for a YAML syntax error', () => {
    const file = dir.write('broken.yaml', 'id: broken\nname: Broken\nroles: [approver\nversion: 1\n');
    const result = loadTemplateFile(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({ file, path: '', line: 4, column: 1 });
    expect(error?.reason).toMatch(/^YAML syntax error at line 4, column 1: Flow sequence .* must be sufficiently indented/);
    expect(formatTemplateErrors(result.errors)).toBe(`${file}: ${error?.reason}\n`);
  });

  it('refuses a key given twice, naming the line', () => {
    const file = dir.write('twice.yaml', 'id: a\nid: b\n');
    const result = loadTemplateFile(file);
    expect(!result.ok && result.errors).toEqual([
      { file, path: '', reason: 'YAML syntax error at line 2, column 1: Map keys must be unique', line: 2, column: 1 },
    ]);
  });

  it('refuses a file with several YAML documents', () => {
    const result = parseTemplateSource('id: a\n---\nid: b\n', 'two.yaml');
    expect(!result.ok && result.errors).toEqual([
      {
        file: 'two.yaml',
        path: '',
        reason: 'YAML syntax error at line 2, column 1: a template file holds one YAML document, this one has more (a second "---")',
        line: 2,
        column: 1,
      },
    ]);
  });

  it('refuses an unknown check kind, listing the known ones', () => {
    const errors = errorsOf((d) => {
      d.sections[0].groups[0].items[1].check = { kind: 'ping' };
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('sections[0].groups[0].items[1].check.kind');
    expect(errors[0]?.reason).toMatch(/^unknown check kind "ping" \(known: health, metrics, tls-certificate, .*response-time\)$/);
  });

  it("refuses a check's options when they are misspelled, mistyped or point off the target", () => {
    const errors = errorsOf((d) => {
      d.sections[0].groups[0].items[0].check = { kind: 'tls-certificate', min_day: 30 };
      d.sections[0].groups[0].items[1].check = { kind: 'health', paths: ['https://elsewhere.example/health', '/ok'] };
      d.sections[1].groups[0].items[0].check = { kind: 'response-time', warn_ms: 2000, fail_ms: '1s' };
      d.sections[0].groups[0].items[1].items[0].check = { kind: 'http2', paths: ['/'] };
    });
    expect(errors).toEqual([
      { path: 'sections[0].groups[0].items[0].check.min_day', reason: 'unknown option for a tls-certificate check (options: min_days)' },
      { path: 'sections[0].groups[0].items[1].check.paths[0]', reason: 'expected a path on the target such as "/health/ping"' },
      { path: 'sections[0].groups[0].items[1].items[0].check.paths', reason: 'unknown option for a http2 check (it takes none)' },
      { path: 'sections[1].groups[0].items[0].check.fail_ms', reason: 'expected number, got text "1s"' },
    ]);
  });

  it('accepts the options each check kind reads', () => {
    const data: Data = minimalTemplate();
    const items = [
      { kind: 'health', paths: ['/health/ping'], slow_ms: 800 },
      { kind: 'metrics', path: '/metrics' },
      { kind: 'tls-certificate', min_days: 30 },
      { kind: 'https-redirect', max_hops: 3 },
      { kind: 'hsts', min_max_age: 31536000 },
      { kind: 'compression', path: '/index.html' },
      { kind: 'cookies', paths: ['/login'] },
      { kind: 'admin-exposed', paths: ['/admin', '/wp-admin'] },
      { kind: 'dns', expected: ['192.0.2.10', '2001:db8::1'], resolvers: ['192.0.2.53'] },
      { kind: 'database-port', ports: [5432], connect_timeout_ms: 500 },
      { kind: 'response-time', warn_ms: 500, fail_ms: 2000 },
      { kind: 'tls-protocols' },
    ].map((check, index) => ({ id: `check-${index}`, text: check.kind, check }));
    data.sections[1].groups[0].items = items;
    const result = loadTemplateFile(dir.write('options.yaml', data));
    expect(result.ok, result.ok ? '' : formatTemplateErrors(result.errors)).toBe(true);
    if (!result.ok) return;
    const { kind, ...options } = items[8]?.check ?? { kind: '' };
    expect(result.template.sections[1]?.groups[0]?.items[8]?.check).toEqual({ kind, options });
  });

  it('refuses an unknown check kind in a check-in', () => {
    expect(errorsOf((d) => (d.postlaunch.checkins[1].checks = ['health', 'tls']))).toEqual([
      { path: 'postlaunch.checkins[1].checks[1]', reason: expect.stringMatching(/^unknown check kind "tls"/) },
    ]);
  });

  it('refuses an item id used twice, also when nested in another section', () => {
    const errors = errorsOf((d) => {
      d.sections[1].groups[0].items[0].items = [{ id: 'health-ping', text: 'again' }];
    });
    expect(errors).toEqual([
      {
        path: 'sections[1].groups[0].items[0].items[0].id',
        reason: 'duplicate item id "health-ping" (first used at sections[0].groups[0].items[1].items[0])',
      },
    ]);
  });

  it('refuses a section id used twice', () => {
    expect(errorsOf((d) => (d.sections[1].id = 'security'))).toEqual([
      { path: 'sections[1].id', reason: 'duplicate section id "security" (first used at sections[0])' },
    ]);
  });

  it('refuses roles that are not defined, wherever they are referenced', () => {
    const errors = errorsOf((d) => {
      d.signoff.role = 'cto';
      d.sections[1].owner = 'dba';
      d.postlaunch.escalation = ['primary', 'secondary'];
    });
    expect(errors).toEqual([
      { path: 'signoff.role', reason: 'unknown role "cto" (roles: approver, primary)' },
      { path: 'sections[1].owner', reason: 'unknown role "dba" (roles: approver, primary)' },
      { path: 'postlaunch.escalation[1]', reason: 'unknown role "secondary" (roles: approver, primary)' },
    ]);
  });

  it('refuses a bad duration with the accepted forms', () => {
    expect(errorsOf((d) => (d.postlaunch.ack_within = '15 minutes'))).toEqual([
      { path: 'postlaunch.ack_within', reason: 'expected a duration such as 30s, 15m, 4h or 1d, got "15 minutes"' },
    ]);
    expect(errorsOf((d) => (d.postlaunch.duration = 24))).toEqual([
      { path: 'postlaunch.duration', reason: 'expected a duration such as 15m, got number 24' },
    ]);
    expect(errorsOf((d) => (d.signoff.evidence_max_age = '0s'))).toEqual([
      { path: 'signoff.evidence_max_age', reason: 'a duration must be longer than zero, got "0s"' },
    ]);
  });

  it('refuses a check-in with both or neither of at/every, or after the window', () => {
    const errors = errorsOf((d) => {
      d.postlaunch.checkins = [
        { at: '15m', every: '1h', text: 'both' },
        { text: 'neither' },
        { at: '5h', text: 'too late' },
        { at: '1h' },
      ];
    });
    expect(errors).toEqual([
      { path: 'postlaunch.checkins[0]', reason: 'a check-in needs exactly one of "at" (once) or "every" (repeating)' },
      { path: 'postlaunch.checkins[1]', reason: 'a check-in needs exactly one of "at" (once) or "every" (repeating)' },
      { path: 'postlaunch.checkins[2].at', reason: 'check-in falls after the end of the post-launch duration' },
      { path: 'postlaunch.checkins[3]', reason: 'a check-in needs a text, checks, or both' },
    ]);
  });

  it('refuses fewer than one approval', () => {
    expect(errorsOf((d) => (d.signoff.approvals = 0))).toEqual([
      { path: 'signoff.approvals', reason: 'approvals must be at least 1' },
    ]);
  });

  it('refuses ids that are not short lowercase slugs', () => {
    const errors = errorsOf((d) => {
      d.sections[0].id = 'Security';
      d.sections[0].groups[0].items[0].id = 'x'.repeat(65);
      d.sections[1].groups[0].items[0].id = 'back ups';
    });
    expect(errors).toEqual([
      { path: 'sections[0].id', reason: 'section id must be a lowercase slug (a-z, 0-9 and single hyphens, e.g. "secret-key")' },
      { path: 'sections[0].groups[0].items[0].id', reason: 'item id must be at most 64 characters' },
      { path: 'sections[1].groups[0].items[0].id', reason: 'item id must be a lowercase slug (a-z, 0-9 and single hyphens, e.g. "secret-key")' },
    ]);
  });

  it('refuses a role id that is not a slug', () => {
    expect(errorsOf((d) => (d.roles['On Call'] = { label: 'On call' }))).toEqual([
      { path: 'roles.On Call', reason: 'role id must be a lowercase slug (a-z, 0-9 and single hyphens, e.g. "secret-key")' },
    ]);
  });

  it('names missing fields, unknown fields and wrong types by path', () => {
    const errors = errorsOf((d) => {
      delete d.name;
      d.sections[0].titel = 'typo';
      d.sections[0].groups[0].items[0].required = 'yes please';
      d.sections[1].groups = 'none';
    });
    expect(errors).toEqual([
      { path: 'name', reason: 'required' },
      { path: 'sections[0].groups[0].items[0].required', reason: 'expected true or false, got text "yes please"' },
      { path: 'sections[0].titel', reason: 'unknown field' },
      { path: 'sections[1].groups', reason: 'expected a list, got text "none"' },
    ]);
  });

  it('refuses an emoji that is not a Slack emoji code', () => {
    expect(errorsOf((d) => (d.sections[0].emoji = '🔒'))).toEqual([
      { path: 'sections[0].emoji', reason: 'emoji must be a Slack emoji code such as ":lock:"' },
    ]);
  });

  it('refuses an empty file and a missing file', () => {
    const empty = dir.write('empty.yaml', '');
    expect(loadTemplateFile(empty)).toEqual({
      ok: false,
      errors: [{ file: empty, path: '', reason: 'expected a mapping, got nothing (null)' }],
    });
    const missing = `${dir.path}/nope.yaml`;
    expect(loadTemplateFile(missing)).toEqual({
      ok: false,
      errors: [{ file: missing, path: '', reason: 'cannot read file: no such file or directory' }],
    });
  });

  it('points schema errors at their line and formats them as file: path: reason lines', () => {
    const source = [
      'id: lines',
      'name: Lines',
      'version: 1',
      'roles: { approver: { label: Approver } }',
      'signoff: { role: approver }',
      'sections:',
      '  - id: one',
      '    title: One',
      '    groups:',
      '      - title: G',
      '        items:',
      '          - id: a',
      '            text: A',
      '          - id: Bad_Id',
      '            text: B',
      '            check: { kind: nope }',
    ].join('\n');
    const result = parseTemplateSource(source, 'lines.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.line])).toEqual([
      ['sections[0].groups[0].items[1].id', 14],
      ['sections[0].groups[0].items[1].check.kind', 16],
    ]);
    expect(formatTemplateErrors(result.errors)).toBe(
      'lines.yaml: sections[0].groups[0].items[1].id: item id must be a lowercase slug (a-z, 0-9 and single hyphens, e.g. "secret-key") (line 14)\n' +
        `lines.yaml: sections[0].groups[0].items[1].check.kind: ${result.errors[1]?.reason} (line 16)\n`,
    );
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]'];
    for (let i = 0; i < 8; i += 1) {
      const name = `c${i}`;
      const prev = i === 0 ? 'b' : `c${i - 1}`;
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const result = parseTemplateSource(bomb.join('\n'), 'bomb.yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.reason).toMatch(/^YAML error: .*alias/i);
  });
});
