// The real `golive` CLI (src/cli.ts, as bin/golive.js runs it built) in a process of its own: environment
// variables read at start-up (NODE_EXTRA_CA_CERTS, DATABASE_URL) count exactly as for an operator.
import { spawn } from 'node:child_process';
import { packageRoot } from '../../src/paths.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGoliveCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const script = "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
