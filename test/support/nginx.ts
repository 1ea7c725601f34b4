// A real nginx on loopback for the deployment tests: the repository's template rendered the way the official
// nginx image renders /etc/nginx/templates/*.template, inside a main nginx.conf shaped like that image's, run in
// the foreground from a temporary prefix. Absent nginx binary: `findNginx()` says so and the tests skip.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { waitFor } from './bot-process.js';

export const NGINX_TEMPLATE = join(packageRoot, 'deploy', 'nginx', 'golive.conf.template');

/** The variables docs/ARCHITECTURE.md's deployment files name, the only ones the template may use. */
export const TEMPLATE_VARIABLES = [
  'GOLIVE_HOST',
  'GOLIVE_UPSTREAM',
  'HTTPS_PORT',
  'HTTP_PORT',
  'TLS_CERT',
  'TLS_KEY',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** An executable on PATH or in the usual sbin folders, or undefined. */
export function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const findNginx = (): string | undefined => findOnPath('nginx');

export function nginxVersion(binary: string): string {
  // `nginx -v` writes "nginx version: nginx/1.22.1" on stderr.
  const run = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`.trim();
}

/**
 * envsubst with a list of names, as the official image's 20-envsubst-on-templates.sh calls it: `${NAME}` and
 * `$NAME` are replaced for each name defined in `env`; every other `$word` (nginx's own variables) stays.
 */
export function renderTemplate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      return Object.hasOwn(env, name) ? (env[name] as string) : whole;
    },
  );
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface NginxOptions {
  binary: string;
  /** Host:port of Golive. */
  upstream: string;
  host: string;
  cert: string;
  key: string;
}

export interface RunningNginx {
  httpsPort: number;
  httpPort: number;
  /** The rendered conf.d file, for a failing test to show. */
  conf: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The main configuration: the official image's nginx.conf, with every path inside `prefix`. */
function mainConf(prefix: string): string {
  const mimeTypes = ['/etc/nginx/mime.types', '/usr/local/nginx/conf/mime.types'].find((f) => existsSync(f));
  return `worker_processes 1;
error_log ${join(prefix, 'error.log')} notice;
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 256; }
http {
    ${mimeTypes ? `include ${mimeTypes};` : ''}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path ${join(prefix, 'client_body')};
    proxy_temp_path ${join(prefix, 'proxy')};
    fastcgi_temp_path ${join(prefix, 'fastcgi')};
    uwsgi_temp_path ${join(prefix, 'uwsgi')};
    scgi_temp_path ${join(prefix, 'scgi')};
    include ${join(prefix, 'conf.d')}/*.conf;
}
`;
}

/** Writes the prefix for these ports; returns the rendered conf.d file. */
function prepare(prefix: string, options: NginxOptions, httpsPort: number, httpPort: number): string {
  const vars: Record<TemplateVariable, string> = {
    GOLIVE_HOST: options.host,
    GOLIVE_UPSTREAM: options.upstream,
    HTTPS_PORT: String(httpsPort),
    HTTP_PORT: String(httpPort),
    TLS_CERT: join(prefix, 'tls', 'cert.pem'),
    TLS_KEY: join(prefix, 'tls', 'key.pem'),
  };
  mkdirSync(join(prefix, 'conf.d'), { recursive: true });
  mkdirSync(join(prefix, 'tls'), { recursive: true });
  writeFileSync(vars.TLS_CERT, options.cert);
  writeFileSync(vars.TLS_KEY, options.key, { mode: 0o600 });
  // The image's environment also holds PATH, HOME…: they are defined, so they would be substituted too.
  const conf = renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    PATH: process.env.PATH ?? '',
    HOME: '/root',
    ...vars,
  });
  writeFileSync(join(prefix, 'conf.d', 'golive.conf'), conf);
  writeFileSync(join(prefix, 'nginx.conf'), mainConf(prefix));
  return conf;
}

/** `nginx -t` on the rendered template: nginx's own report; throws with it when nginx refuses the file. */
export function testNginxConfig(options: NginxOptions): string {
  const prefix = mkdtempSync(join(tmpdir(), 'golive-nginx-t-'));
  try {
    prepare(prefix, options, 8443, 8080);
    const run = spawnSync(
      options.binary,
      ['-t', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')],
      { encoding: 'utf8' },
    );
    const report = `${run.stdout}${run.stderr}`;
    if (run.status !== 0) throw new Error(`nginx -t refused the rendered template:\n${report}`);
    return report;
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

async function startOnce(prefix: string, options: NginxOptions): Promise<RunningNginx | 'port-taken'> {
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const conf = prepare(prefix, options, httpsPort, httpPort);
  const errorLog = (): string =>
    existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
  const child: ChildProcess = spawn(
    options.binary,
    ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const up = await waitFor(async () => {
    if (child.exitCode !== null) return 'exited' as const;
    return (await Promise.all([httpsPort, httpPort].map(canConnect))).every(Boolean) ? ('up' as const) : undefined;
  }, 'nginx to listen');
  if (up === 'exited') {
    const why = `${stderr}${errorLog()}`;
    // Another process took a port between freePort() and nginx's bind: pick others.
    if (/Address already in use/.test(why)) return 'port-taken';
    throw new Error(`nginx did not start:\n${why}\n--- conf.d/golive.conf ---\n${conf}`);
  }
  return {
    httpsPort,
    httpPort,
    conf,
    errorLog,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** nginx in the foreground with the rendered template on two free ports; `stop()` ends it and removes the prefix. */
export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'golive-nginx-'));
  // Run as root, nginx's workers are `nobody`: they must reach the prefix to write their temp files.
  chmodSync(prefix, 0o755);
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startOnce(prefix, options);
    if (started === 'port-taken') continue;
    return {
      ...started,
      stop: async () => {
        await started.stop();
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
  rmSync(prefix, { recursive: true, force: true });
  throw new Error('nginx found its ports taken three times in a row');
}
