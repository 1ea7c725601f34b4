// README.md says what the code does: the CLI's exit codes in the CLI's own words, every command's usage as the
// bot answers it, and only files that are in the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_USAGE } from '../../src/cli/check.js';
import { USAGE } from '../../src/domain/command.js';
import { packageRoot } from '../../src/paths.js';

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README.md', () => {
  it('gives `golive check` exit 1 the meaning the CLI gives it', () => {
    const cli = /1 (a check [^,]+),/.exec(CHECK_USAGE)?.[1];
    expect(cli).toBe('a check failed or errored');
    expect(readme).toContain(`1: ${cli}`);
    expect(readme).not.toMatch(/1: a check failed,/);
  });

  it('shows `env=` wherever the bot’s own usage of a command takes it', () => {
    for (const [command, usage] of Object.entries(USAGE)) {
      if (!usage.includes('env=')) continue;
      const row = readme.split('\n').find((line) => line.startsWith(`| \`/golive ${command} `));
      expect(row, command).toContain('[env=<environment>]');
    }
  });

  it('cites only files that are in the repository', () => {
    expect(readme).not.toContain('DESIGN.md');
    const linked = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    const named = [...readme.matchAll(/`([\w./-]+\.(?:md|ts|yml|yaml|json))`/g)].map((m) => m[1] ?? '');
    for (const file of [...linked, ...named]) {
      // Paths outside the repository (the manifest schema beside a clone) are said to be optional where named.
      if (file.startsWith('../')) continue;
      expect(existsSync(join(packageRoot, file)), file).toBe(true);
    }
  });
});
