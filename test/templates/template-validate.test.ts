import { symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingIo } from '../support/cli-io.js';
import { runTemplateValidate } from '../../src/cli/template-validate.js';
import { defaultTemplateFile } from '../../src/templates/loader.js';
import { minimalTemplate, TempDir } from './helpers.js';

const DEFAULT_OK = `ok  ${defaultTemplateFile}  production v1, 11 sections, 144 items\n`;

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());

describe('golive template validate', () => {
  it('with no file validates the default template', async () => {
    const io = recordingIo();
    expect(await runTemplateValidate([], io)).toBe(0);
    expect(io.out).toBe(DEFAULT_OK);
    expect(io.err).toBe('');
  });

  it('with no file also validates GOLIVE_TEMPLATES_DIR, and fails on a bad file there', async () => {
    const good = dir.write('a.yaml', minimalTemplate('staging'));
    const broken = minimalTemplate('hotfix');
    broken.signoff = { role: 'cto' };
    const bad = dir.write('b.yaml', broken);
    const io = recordingIo({ GOLIVE_TEMPLATES_DIR: dir.path });
    expect(await runTemplateValidate([], io)).toBe(1);
    expect(io.out).toBe(`${DEFAULT_OK}ok  ${good}  staging v2, 2 sections, 4 items\ninvalid  ${bad}\n`);
    expect(io.err).toBe(`${bad}: signoff.role: unknown role "cto" (roles: approver, primary) (line 10)\n`);
  });

  it('with files validates each file', async () => {
    const a = dir.write('a.yaml', minimalTemplate('staging'));
    const b = dir.write('b.yml', minimalTemplate('hotfix'));
    const io = recordingIo();
    expect(await runTemplateValidate([a, b], io)).toBe(0);
    expect(io.out).toBe(`ok  ${a}  staging v2, 2 sections, 4 items\nok  ${b}  hotfix v2, 2 sections, 4 items\n`);
  });

  it('prints file: path: reason for an invalid file and exits 1', async () => {
    const file = dir.write('bad.yaml', 'id: bad\nname: [unclosed\n');
    const io = recordingIo();
    expect(await runTemplateValidate([file], io)).toBe(1);
    expect(io.out).toBe(`invalid  ${file}\n`);
    expect(io.err).toMatch(new RegExp(`^${file.replaceAll('/', '\\/')}: YAML syntax error at line 3, column 1: `));
  });

  it('refuses a file whose id clashes with the default template, as a start would', async () => {
    const file = dir.write('prod.yaml', minimalTemplate('production'));
    const io = recordingIo();
    expect(await runTemplateValidate([file], io)).toBe(1);
    expect(io.err).toBe(`${file}: id: template id "production" is already used by ${defaultTemplateFile}\n`);
  });

  it('accepts the default template file itself, spelled relative to the working directory', async () => {
    const io = recordingIo();
    const file = relative(process.cwd(), defaultTemplateFile);
    expect(await runTemplateValidate([file], io)).toBe(0);
    expect(io.out).toBe(DEFAULT_OK);
  });

  it('validates the default template once when GOLIVE_TEMPLATES_DIR holds it, even through a symlink', async () => {
    symlinkSync(defaultTemplateFile, join(dir.path, 'linked.yaml'));
    const io = recordingIo({ GOLIVE_TEMPLATES_DIR: dir.path });
    expect(await runTemplateValidate([], io)).toBe(0);
    expect(io.out).toBe(DEFAULT_OK);
  });

  it('exits 2 on an unknown option, with usage', async () => {
    const io = recordingIo();
    expect(await runTemplateValidate(['--strict'], io)).toBe(2);
    expect(io.err).toMatch(/^golive template validate: unknown option --strict\nusage: golive template validate \[file…\]/);
    expect(io.out).toBe('');
  });

  it('exits 2 on a missing file', async () => {
    const missing = join(dir.path, 'nope.yaml');
    const io = recordingIo();
    expect(await runTemplateValidate([missing], io)).toBe(2);
    expect(io.err).toBe(`golive template validate: ${missing}: no such file\n`);
  });

  it('exits 2 when GOLIVE_TEMPLATES_DIR does not exist', async () => {
    const missing = join(dir.path, 'nope');
    const io = recordingIo({ GOLIVE_TEMPLATES_DIR: missing });
    expect(await runTemplateValidate([], io)).toBe(2);
    expect(io.err).toBe(
      `golive template validate: GOLIVE_TEMPLATES_DIR=${missing}: cannot read templates directory: no such file or directory\n`,
    );
  });

  it('prints usage for --help', async () => {
    const io = recordingIo();
    expect(await runTemplateValidate(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^usage: golive template validate/);
  });
});
