// deploy/systemd/golive.service as systemd itself reads it: `systemd-analyze verify` finds nothing wrong and
// `systemd-analyze security` rates it well hardened. Without systemd-analyze the tests say they skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { findOnPath } from '../support/nginx.js';

const analyze = findOnPath('systemd-analyze');
const SKIPPED = 'SKIPPED: no systemd-analyze (apt-get install -y systemd)';
if (!analyze) console.error(`test/deploy/systemd.test.ts: ${SKIPPED}`);
const suffix = analyze ? '' : ` — ${SKIPPED}`;

const unit = readFileSync(join(packageRoot, 'deploy', 'systemd', 'golive.service'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'golive-systemd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unit with ExecStart's node pointed at this machine's node: verify checks that the binary exists. */
function unitHere(): string {
  const file = join(dir, 'golive.service');
  writeFileSync(file, unit.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
  return file;
}

describe('deploy/systemd/golive.service', () => {
  it.skipIf(!analyze)(`systemd-analyze verify reports nothing${suffix}`, () => {
    const run = spawnSync(analyze ?? '', ['verify', unitHere()], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(!analyze)(`systemd-analyze security rates its exposure 2.0 or lower ("OK")${suffix}`, () => {
    const run = spawnSync(analyze ?? '', ['security', '--offline=yes', unitHere()], { encoding: 'utf8' });
    const exposure = /Overall exposure level for golive\.service: ([\d.]+)/.exec(run.stdout)?.[1];
    expect(exposure, run.stdout + run.stderr).toBeDefined();
    expect(Number(exposure)).toBeLessThanOrEqual(2);
  });
});
