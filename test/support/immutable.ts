// Database files that refuse writes, as a read-only remount or a full disk would make them: `chattr +i`
// (root on ext4, xfs, btrfs). `chmod` would not do: root writes through it. Where chattr cannot make a file
// immutable (not root, tmpfs, overlayfs…), tests that need it skip and say why.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes each existing file immutable (`on`) or writable again. */
export function setImmutable(files: readonly string[], on: boolean): void {
  const present = files.filter((file) => existsSync(file));
  if (present.length > 0) execFileSync('chattr', [on ? '+i' : '-i', ...present], { stdio: 'ignore' });
}

/** Why immutable files cannot be made here (the reason a test skips with), or undefined when they can. */
export function immutableUnsupported(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'golive-immutable-'));
  const file = join(dir, 'probe');
  writeFileSync(file, 'x');
  try {
    setImmutable([file], true);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return 'chattr +i is not available here (needs root on ext4, xfs or btrfs)';
  }
  try {
    appendFileSync(file, 'y');
    return 'chattr +i did not stop a write on this file system';
  } catch {
    return undefined;
  } finally {
    setImmutable([file], false);
    rmSync(dir, { recursive: true, force: true });
  }
}
