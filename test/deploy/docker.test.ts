// The Dockerfile's moving parts that can run without a Docker daemon: its HEALTHCHECK command, run as Docker
// runs it, against a real Golive (healthy) and a closed port (unhealthy); and what it COPYs exists and passes
// .dockerignore, with the CMD being what the build produces from src/main.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGolive } from '../../src/main.js';
import { packageRoot } from '../../src/paths.js';
import { freePort } from '../support/nginx.js';
import { startTestGolive } from '../platform/helpers.js';

const dockerfile = readFileSync(join(packageRoot, 'Dockerfile'), 'utf8');
const ignore = readFileSync(join(packageRoot, '.dockerignore'), 'utf8');

/** The JSON exec-form array after an instruction, e.g. `HEALTHCHECK … CMD [...]`. */
function execForm(instruction: RegExp): string[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  const line = joined.split('\n').find((l) => instruction.test(l));
  const json = line?.slice(line.indexOf('[', line.search(instruction)));
  if (!json) throw new Error(`no ${String(instruction)} in exec form`);
  return JSON.parse(json) as string[];
}

describe('Dockerfile HEALTHCHECK', () => {
  let golive: RunningGolive;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ golive, stop } = await startTestGolive());
  });
  afterAll(() => stop());

  const healthcheck = execForm(/^HEALTHCHECK .*CMD \[/);
  // Asynchronously: Golive answers from this very process, so the event loop must stay free.
  const run = (port: number): Promise<number | null> => {
    const [command, ...args] = healthcheck;
    expect(command).toBe('node');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: { PATH: process.env.PATH ?? '', PORT: String(port) },
        stdio: 'ignore',
      });
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
  };

  it('exits 0 while Golive answers /health/live on PORT', async () => {
    expect(await run(golive.port)).toBe(0);
  });

  it('exits 1 when nothing answers on PORT', async () => {
    expect(await run(await freePort())).toBe(1);
  });
});

describe('Dockerfile build inputs', () => {
  const allowed = ignore
    .split('\n')
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1).replace(/\/$/, ''));

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(packageRoot, source)), source).toBe(true);
      expect(allowed, source).toContain(source);
    }
  });

  it('starts what the build makes of src/main.ts, as the non-root user, with the database on the volume', () => {
    expect(execForm(/^CMD \[/)).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(join(packageRoot, 'src', 'main.ts'))).toBe(true);
    expect(dockerfile).toMatch(/^USER golive$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/DATABASE_URL=\/data\/golive\.db/);
  });
});
