// Golive passes its own checklist behind the repository's nginx template: a real nginx (when one is installed)
// renders deploy/nginx/golive.conf.template as the official image does, proxies to a real Golive process on
// loopback, and the real `golive check` finds nothing failing. Without nginx those tests say they skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_KINDS } from '../../src/domain/check-kind.js';
import { BotProcess } from '../support/bot-process.js';
import { runGoliveCli } from '../support/cli-process.js';
import { removeTestCertificates, testCertificates } from '../support/certs.js';
import type { TestCertificates } from '../support/certs.js';
import { startFakeSlack } from '../support/fake-slack.js';
import type { FakeSlack } from '../support/fake-slack.js';
import {
  NGINX_TEMPLATE,
  TEMPLATE_VARIABLES,
  findNginx,
  findOnPath,
  nginxVersion,
  renderTemplate,
  startNginx,
  testNginxConfig,
} from '../support/nginx.js';
import type { RunningNginx } from '../support/nginx.js';

const SECRET = 'nginx-self-check-signing-secret';
const nginx = findNginx();
const SKIPPED = 'SKIPPED: no nginx binary on PATH or in /usr/sbin (install one: apt-get install -y nginx-light)';
if (!nginx) console.error(`test/deploy/nginx.test.ts: ${SKIPPED}`);
const withNginx = nginx ? '' : ` — ${SKIPPED}`;

interface CheckDocument {
  target: string;
  results: Array<{ id: string; kind: string; status: 'pass' | 'warn' | 'fail' | 'error'; summary: string }>;
}

describe('deploy/nginx/golive.conf.template', () => {
  const template = readFileSync(NGINX_TEMPLATE, 'utf8');
  const values = {
    GOLIVE_HOST: 'golive.example.com',
    GOLIVE_UPSTREAM: '127.0.0.1:3000',
    HTTPS_PORT: '443',
    HTTP_PORT: '80',
    TLS_CERT: '/etc/tls/golive.pem',
    TLS_KEY: '/etc/tls/golive.key',
  };

  it('uses exactly the six variables docs/ARCHITECTURE.md names, in ${NAME} form; every other $word is an nginx variable', () => {
    const braced = new Set([...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]));
    expect([...braced].sort()).toEqual([...TEMPLATE_VARIABLES].sort());
    // nginx's variables are lowercase: envsubst with the image's list of defined (uppercase) names keeps them.
    const bare = new Set([...template.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? ''));
    for (const name of bare) expect(name, `$${name}`).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('renders with nothing left to substitute and nginx variables intact', () => {
    const conf = renderTemplate(template, { ...values, PATH: '/usr/bin', HOME: '/root', HOSTNAME: 'web-1' });
    expect(conf).not.toContain('${');
    expect(conf).toContain('server_name golive.example.com;');
    expect(conf).toContain('server 127.0.0.1:3000;');
    expect(conf).toContain('return 301 https://$host$golive_https_port$request_uri;');
    expect(conf).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
  });

  const envsubst = findOnPath('envsubst');
  it.skipIf(!envsubst)(
    `renders as the image's envsubst call does${envsubst ? '' : ' — SKIPPED: no envsubst (gettext-base)'}`,
    () => {
      // 20-envsubst-on-templates.sh: envsubst "${NAME} ${NAME}…" over every variable defined in the environment.
      const env = { ...values, PATH: process.env.PATH ?? '', HOME: '/root' };
      const list = Object.keys(env)
        .map((name) => `\${${name}}`)
        .join(' ');
      const real = spawnSync(envsubst ?? '', [list], { input: template, env, encoding: 'utf8' });
      expect(real.status).toBe(0);
      expect(renderTemplate(template, env)).toBe(real.stdout);
    },
  );

  it.skipIf(!nginx)(`nginx -t accepts the rendered file${withNginx}`, () => {
    const report = testNginxConfig({
      binary: nginx ?? '',
      upstream: '127.0.0.1:3000',
      host: 'golive.example.com',
      cert: certsPem().cert,
      key: certsPem().key,
    });
    expect(report).toContain('syntax is ok');
    expect(report).toContain('test is successful');
  });
});

// A fixed throwaway pair is enough for `nginx -t` (it only loads the files); the self-check uses the test CA.
let certs: TestCertificates | undefined;
const certsPem = (): { cert: string; key: string } => {
  if (!certs) throw new Error('certificates not generated yet');
  return certs.good;
};
beforeAll(async () => {
  certs = await testCertificates();
});
afterAll(async () => {
  await removeTestCertificates();
});

describe.skipIf(!nginx)(`Golive behind nginx${withNginx}`, () => {
  let fake: FakeSlack;
  let dir: string;
  let bot: BotProcess;
  let proxy: RunningNginx;

  beforeAll(async () => {
    fake = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'golive-nginx-bot-'));
    bot = BotProcess.start({ apiUrl: fake.apiUrl, databaseFile: join(dir, 'golive.db'), signingSecret: SECRET });
    const port = await bot.port();
    const { good } = await testCertificates();
    proxy = await startNginx({
      binary: nginx ?? '',
      upstream: `127.0.0.1:${port}`,
      host: 'localhost',
      cert: good.cert,
      key: good.key,
    });
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await bot?.kill();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    `golive check https://localhost finds nothing failing (${nginx ? nginxVersion(nginx) : 'no nginx'})`,
    { timeout: 90_000 },
    async () => {
      const { ca } = await testCertificates();
      // response-time judges speed, which on a shared test machine is the machine's load, not the configuration:
      // every other kind runs, each with a timeout generous enough for that load.
      const kinds = CHECK_KINDS.filter((kind) => kind !== 'response-time');
      const run = await runGoliveCli(
        [
          'check',
          `https://localhost:${proxy.httpsPort}/`,
          '--http-url',
          `http://localhost:${proxy.httpPort}/`,
          '--allow-private',
          '--json',
          '--timeout',
          '20000',
          '--only',
          kinds.join(','),
        ],
        { NODE_EXTRA_CA_CERTS: ca.file },
      );
      const document = JSON.parse(run.stdout) as CheckDocument;
      const failing = document.results
        .filter((r) => r.status === 'fail' || r.status === 'error')
        .map((r) => `${r.status} ${r.kind} (${r.id}): ${r.summary}`);
      expect(failing, `${run.stderr}\n${proxy.errorLog()}`).toEqual([]);
      expect(run.code).toBe(0);
      // Every kind ran, through nginx; and none of them merely warned either.
      expect(new Set(document.results.map((r) => r.kind))).toEqual(new Set(kinds));
      expect(document.results.filter((r) => r.status === 'warn').map((r) => `${r.kind}: ${r.summary}`)).toEqual([]);
    },
  );
});
