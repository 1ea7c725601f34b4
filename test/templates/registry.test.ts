import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../src/paths.js';
import { defaultTemplateFile, loadTemplates } from '../../src/templates/loader.js';
import { minimalTemplate, TempDir } from './helpers.js';

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());

describe('loadTemplates', () => {
  it('always has the default production template', () => {
    const result = loadTemplates();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.registry.default.id).toBe('production');
    expect(result.registry.list().map((t) => t.id)).toEqual(['production']);
    expect(result.registry.get('production')).toBe(result.registry.default);
    expect(result.registry.get('staging')).toBeUndefined();
  });

  it('adds every *.yaml and *.yml of the directory, ignoring other files', () => {
    dir.write('b-staging.yml', minimalTemplate('staging'));
    dir.write('a-hotfix.yaml', minimalTemplate('hotfix'));
    writeFileSync(join(dir.path, 'README.md'), '# not a template');
    const result = loadTemplates({ dir: dir.path });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.registry.list().map((t) => t.id)).toEqual(['production', 'hotfix', 'staging']);
    expect(result.registry.get('staging')?.name).toBe('Template staging');
    expect(result.registry.default.id).toBe('production');
  });

  it('refuses a template that reuses the default id', () => {
    const file = dir.write('mine.yaml', minimalTemplate('production'));
    expect(loadTemplates({ dir: dir.path })).toEqual({
      ok: false,
      errors: [{ file, path: 'id', reason: `template id "production" is already used by ${defaultTemplateFile}` }],
    });
  });

  it('refuses two files with one id, naming the second', () => {
    const first = dir.write('a.yaml', minimalTemplate('staging'));
    const second = dir.write('b.yaml', minimalTemplate('staging'));
    expect(loadTemplates({ dir: dir.path })).toEqual({
      ok: false,
      errors: [{ file: second, path: 'id', reason: `template id "staging" is already used by ${first}` }],
    });
  });

  it('refuses the whole set when one file is bad, so no template goes missing silently', () => {
    dir.write('a.yaml', minimalTemplate('good'));
    const bad = minimalTemplate('bad');
    bad.version = 0;
    const badFile = dir.write('b.yaml', bad);
    const result = loadTemplates({ dir: dir.path });
    expect(result).toEqual({
      ok: false,
      errors: [{ file: badFile, path: 'version', reason: 'version must be at least 1', line: 3, column: 10 }],
    });
  });

  it('refuses a directory that does not exist', () => {
    const missing = join(dir.path, 'nope');
    expect(loadTemplates({ dir: missing })).toEqual({
      ok: false,
      errors: [{ file: missing, path: '', reason: 'cannot read templates directory: no such file or directory' }],
    });
  });

  it('does not count the default template twice when pointed at the shipped templates directory', () => {
    const result = loadTemplates({ dir: defaultTemplatesDir });
    expect(result.ok && result.registry.list().map((t) => t.id)).toEqual(['production']);
  });

  it('hands out frozen templates, so a running go-live cannot be changed through them', () => {
    dir.write('a.yaml', minimalTemplate('staging'));
    const result = loadTemplates({ dir: dir.path });
    const staging = result.ok ? result.registry.get('staging') : undefined;
    expect(staging && Object.isFrozen(staging.sections[0]?.groups[0]?.items)).toBe(true);
    expect(() => staging?.sections.push(staging.sections[0] as never)).toThrow(TypeError);
  });
});
