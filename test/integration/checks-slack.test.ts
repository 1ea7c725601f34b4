// Run checks from Slack, end to end: the real Bolt HTTP receiver, signed requests, the fake Slack, a real SQLite
// file, and real loopback servers as the targets. Tests read what people see: the summary in the thread, the
// section messages, private answers; and what an auditor reads: item rows, evidence, audit events.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { GOLIVE_ACTOR } from '../../src/domain/go-live.js';
import { testCertificates } from '../support/certs.js';
import type { TestCertificates } from '../support/certs.js';
import { site, startHttpServer, startSilentServer } from '../support/http-servers.js';
import type { TestServer } from '../support/http-servers.js';
import { closeAllServers, startTlsServer } from '../support/tls-servers.js';
import { Harness } from './harness.js';

const TIMEOUT_MS = 1500;
const WAIT_MS = 15_000;

/** The app as main.ts builds it, with the check settings a test needs. */
function startApp(checks: Partial<Config['checks']> = {}): Promise<Harness> {
  return Harness.start({ checks: { timeoutMs: TIMEOUT_MS, ...checks } });
}

let certs: TestCertificates;
let app: Harness | undefined;
const servers: TestServer[] = [];

beforeAll(async () => {
  certs = await testCertificates();
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await closeAllServers();
});

/** The items of the Reverse Proxy section that carry a check, as the default template has them. */
const PROXY_CHECKED = [
  'compression',
  'http2',
  'ssl-certificate-installed',
  'tls-1-2-only',
  'strong-cipher-suites',
  'hsts-header',
];

describe('Run checks on a section, against a loopback HTTPS server', () => {
  it('posts one summary, ticks passes as done by Golive, marks failures failed with the reason, and audits it', async () => {
    app = await startApp();
    // Signed by the test CA, which this process does not trust: the certificate check must fail on it.
    const server = await startTlsServer('modern', certs.good);
    const goLive = await app.startGoLive('checkout-api', `production ${server.url.href}`);

    const ack = await app.clickRunChecks(goLive, 'reverse-proxy', 'U0DANA');
    expect(ack.status).toBe(200);
    await app.waitForPrivate(/Running 6 checks of \*Reverse Proxy &amp; Web Server\*/, 'U0DANA');
    const [summary] = await app.waitSummaries(goLive);
    const summaryText = Harness.textOf(summary);
    expect(summaryText).toContain('Reverse Proxy');
    expect(summaryText).toContain('run by <@U0DANA>');

    const view = await app.store.getChecklist(goLive.id);
    const records = PROXY_CHECKED.map((id) => [id, view?.items.get(id)] as const);
    // Every checked item of the section carries evidence from this run.
    for (const [id, record] of records)
      expect(record?.evidence, id).toMatchObject({ takenAt: expect.any(Number) as number });

    // HTTP/2 is negotiated by the server: a pass, ticked done by Golive.
    expect(view?.items.get('http2')).toMatchObject({
      state: 'done',
      by: GOLIVE_ACTOR,
      evidence: { kind: 'http2', status: 'pass' },
    });
    // The certificate is not trusted here: failed, with the check's summary as the reason.
    const cert = view?.items.get('ssl-certificate-installed');
    expect(cert).toMatchObject({
      state: 'failed',
      by: GOLIVE_ACTOR,
      evidence: { kind: 'tls-certificate', status: 'fail' },
    });
    expect(cert?.reason).toBe(cert?.evidence?.summary);
    expect(cert?.reason).toMatch(/^certificate not trusted/);
    // The HTTP checks cannot verify the certificate either: an error keeps the item open, evidence attached.
    expect(view?.items.get('hsts-header')).toMatchObject({
      state: 'open',
      evidence: { kind: 'hsts', status: 'error' },
    });

    // Counts first, then failures (with their summaries) before errors and passes.
    expect(summaryText).toContain('❌ 1 failed · ❗ 2 errors · ✅ 3 passed');
    expect(summaryText).toMatch(/\*tls-certificate\* · ssl-certificate-installed: certificate not trusted/);
    expect(summaryText.indexOf('*tls-certificate*')).toBeLessThan(summaryText.indexOf('*hsts*'));
    expect(summaryText.indexOf('*hsts*')).toBeLessThan(summaryText.indexOf('*http2*'));

    // What the section message shows, re-rendered from the database.
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'http2').includes('_done_ by Golive'),
      WAIT_MS,
      'http2 done by Golive',
    );
    expect(app.itemText(goLive, 'http2')).toContain('`http2` pass');
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('_failed_ by Golive'),
      WAIT_MS,
      'the certificate item failed',
    );
    expect(app.itemText(goLive, 'ssl-certificate-installed')).toContain('`tls-certificate` fail');
    expect(app.itemText(goLive, 'hsts-header')).toContain('`hsts` error');
    // Nobody touched it: the evidence is shown, and no one is said to have reopened it.
    expect(app.itemText(goLive, 'hsts-header')).not.toMatch(/reopened| by /);
    await app.fake.waitFor(
      () => app?.rootText(goLive).includes('❌ 1 failed'),
      WAIT_MS,
      'the root to count the failure',
    );
    expect(app.rootText(goLive)).toContain('3/144');

    // The audit trail says Golive did it, with before and after: state changes as 'item', errors as 'evidence'.
    const trail = (await app.store.auditTrail(goLive.id)).filter((e) => e.action === 'item' || e.action === 'evidence');
    expect(trail.map((e) => e.subject).sort()).toEqual([...PROXY_CHECKED].sort());
    expect(new Set(trail.map((e) => e.actor))).toEqual(new Set([GOLIVE_ACTOR]));
    expect(trail.find((e) => e.subject === 'hsts-header')).toMatchObject({
      action: 'evidence',
      before: { evidence: null },
      after: { evidence: { kind: 'hsts', status: 'error' } },
    });
    expect(trail.find((e) => e.subject === 'ssl-certificate-installed')?.after).toMatchObject({ state: 'failed' });

    expect(app.summaries(goLive)).toHaveLength(1);
    expect(app.fake.invalidPayloads).toEqual([]);
    expect(app.errors()).toEqual([]);
  });

  it('lets a person override a failed item with N/A and a note; the override is audited and the evidence stays', async () => {
    app = await startApp();
    const server = await startTlsServer('modern', certs.good);
    const goLive = await app.startGoLive('checkout-api', `production ${server.url.href}`);
    await app.clickRunChecks(goLive, 'reverse-proxy');
    await app.waitSummaries(goLive);
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('_failed_'),
      WAIT_MS,
      'the failed item',
    );

    // The failed item's menu offers Done and N/A: a person can still decide.
    const menu = JSON.stringify(
      app
        .thread(goLive)
        .flatMap((m) => m.blocks ?? [])
        .filter((b) => (b as { block_id?: string }).block_id === 'item:ssl-certificate-installed'),
    );
    expect(menu).toContain('"Done"');
    expect(menu).toContain('N/A…');

    await app.click(goLive, 'ssl-certificate-installed', 'na', 'U0SECURITY');
    const modal = await app.waitReasonView(goLive, 'ssl-certificate-installed', 'na');
    await app.submitReason(modal, 'internal CA, trusted by our clients', 'U0SECURITY');
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('internal CA, trusted by our clients'),
      WAIT_MS,
      'the override on the item',
    );
    const record = (await app.store.getChecklist(goLive.id))?.items.get('ssl-certificate-installed');
    expect(record).toMatchObject({
      state: 'na',
      by: 'U0SECURITY',
      reason: 'internal CA, trusted by our clients',
      evidence: { kind: 'tls-certificate', status: 'fail' },
    });
    const events = (await app.store.auditTrail(goLive.id)).filter((e) => e.subject === 'ssl-certificate-installed');
    expect(
      events.map((e) => [
        e.actor,
        (e.before as { state?: string } | null)?.state ?? 'open',
        (e.after as { state?: string }).state,
      ]),
    ).toEqual([
      [GOLIVE_ACTOR, 'open', 'failed'],
      ['U0SECURITY', 'failed', 'na'],
    ]);

    // And Done from the menu works on a failed item too.
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('_N/A_'),
      WAIT_MS,
      'the N/A render',
    );
    await app.clickRunChecks(goLive, 'reverse-proxy');
    await app.waitSummaries(goLive, 2);
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('_failed_'),
      WAIT_MS,
      'failed again after a second run',
    );
    await app.click(goLive, 'ssl-certificate-installed', 'done', 'U0SECURITY');
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'ssl-certificate-installed').includes('_done_ by <@U0SECURITY>'),
      WAIT_MS,
      'done by the person',
    );
    expect(
      (await app.store.auditTrail(goLive.id))
        .filter((e) => e.subject === 'ssl-certificate-installed')
        .map((e) => e.actor),
    ).toEqual([GOLIVE_ACTOR, 'U0SECURITY', GOLIVE_ACTOR, 'U0SECURITY']);
    expect(app.errors()).toEqual([]);
  });
});

describe('Run checks on a name that does not resolve', () => {
  it('ticks nothing: every item keeps its state with the evidence "does not resolve", and the summary says so', async () => {
    // The timeout is longer than the test's: checks must hear NXDOMAIN once, not wait (.invalid, RFC 6761).
    app = await startApp({ timeoutMs: 60_000, allowPrivate: false });
    const goLive = await app.startGoLive('typo', 'production https://chekout.example.invalid/');
    await app.clickRunChecks(goLive, undefined, 'U0DANA');
    const [summary] = await app.waitSummaries(goLive);
    const text = Harness.textOf(summary);
    // Every checked item of the template: the name is said not to resolve once, not 24 times.
    expect(text).toContain('❌ 1 failed · ❗ 24 errors · ✅ 0 passed');
    expect(text).toMatch(
      /❗ \*24 checks\* \([a-z0-9, -]+\): not checked: chekout\.example\.invalid does not resolve \(ENOTFOUND\)/,
    );
    expect(text.split('does not resolve (ENOTFOUND)')).toHaveLength(2);
    expect(text).not.toContain('timed out');

    const view = await app.store.getChecklist(goLive.id);
    // "Database not exposed to public internet" is not done by Golive: nothing was probed.
    expect(view?.items.get('database-not-exposed')).toMatchObject({
      state: 'open',
      evidence: { kind: 'database-port', status: 'error' },
    });
    const done = [...(view?.items ?? new Map())].filter(([, record]) => record.state === 'done').map(([id]) => id);
    expect(done).toEqual([]);
    expect(view?.items.get('dns-records')).toMatchObject({
      state: 'failed',
      evidence: { kind: 'dns', status: 'fail' },
    });
    expect(app.errors()).toEqual([]);
  });
});

describe('a person’s work keeps their name', () => {
  it('a person’s done item that later passes its check still says done by that person, with the evidence beside it', async () => {
    app = await startApp();
    const server = await startTlsServer('modern', certs.good);
    const goLive = await app.startGoLive('checkout-api', `production ${server.url.href}`);
    await app.click(goLive, 'http2', 'done', 'U0WEB');
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'http2').includes('_done_ by <@U0WEB>'),
      WAIT_MS,
      'http2 done by the person',
    );

    await app.clickRunChecks(goLive, 'reverse-proxy', 'U0DANA');
    await app.waitSummaries(goLive);
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'http2').includes('`http2` pass'),
      WAIT_MS,
      'the http2 evidence on the item',
    );
    const text = app.itemText(goLive, 'http2');
    expect(text).toContain('_done_ by <@U0WEB>');
    expect(text).not.toContain('Golive');

    const record = (await app.store.getChecklist(goLive.id))?.items.get('http2');
    expect(record).toMatchObject({ state: 'done', by: 'U0WEB', evidence: { kind: 'http2', status: 'pass' } });
    const events = (await app.store.auditTrail(goLive.id)).filter((e) => e.subject === 'http2');
    expect(events.map((e) => [e.actor, e.action])).toEqual([
      ['U0WEB', 'item'],
      [GOLIVE_ACTOR, 'evidence'],
    ]);
    expect(app.fake.invalidPayloads).toEqual([]);
    expect(app.errors()).toEqual([]);
  });
});

describe('one run at a time, bounded by the timeout', () => {
  it('refuses a second run privately while one is running; a never-answering target costs one timeout per check', async () => {
    app = await startApp();
    const silent = await startSilentServer();
    servers.push(silent);
    const goLive = await app.startGoLive('checkout-api', `production http://127.0.0.1:${silent.port}/`);

    const ack = await app.clickRunChecks(goLive, 'monitoring', 'U0DANA');
    expect(ack.status).toBe(200);
    // The target never answers, so the run cannot be over yet: the ack did not wait for it.
    expect(app.summaries(goLive)).toHaveLength(0);
    await app.fake.waitFor(() => silent.connections > 0, WAIT_MS, 'the checks to reach the silent server');
    // While it runs, the root says so in place of its Run checks button.
    await app.fake.waitFor(
      () => app?.rootText(goLive).includes('Checks are running'),
      WAIT_MS,
      'the root to show the run',
    );
    expect(app.rootText(goLive)).not.toContain('Run checks');

    // The root's button is gone meanwhile; a section's Run checks is still there to click.
    await app.clickRunChecks(goLive, 'security', 'U0LEE');
    const refusal = await app.waitForPrivate(/already running/, 'U0LEE');
    expect(refusal).toContain('started by <@U0DANA>');
    expect(refusal).toContain('<!date^');

    const [summary] = await app.waitSummaries(goLive);
    const text = Harness.textOf(summary);
    // health names its silent paths as failing (after 80% of the timeout); metrics runs out of time as a whole.
    const slowMs = Math.floor(TIMEOUT_MS * 0.8);
    expect(text).toContain('6 failed · ❗ 1 error');
    expect(text).toContain(`no answer in ${slowMs} ms`);
    expect(text).toContain(`timed out after ${TIMEOUT_MS} ms`);
    const view = await app.store.getChecklist(goLive.id);
    for (const id of ['health-endpoints', 'health-ping']) {
      expect(view?.items.get(id), id).toMatchObject({
        state: 'failed',
        by: GOLIVE_ACTOR,
        evidence: { status: 'fail', summary: expect.stringContaining(`no answer in ${slowMs} ms`) as string },
      });
    }
    expect(view?.items.get('prometheus-metrics')).toMatchObject({
      state: 'open',
      evidence: { status: 'error', summary: `timed out after ${TIMEOUT_MS} ms` },
    });
    // Only the first click ran.
    await app.slackApp.services.work.idle();
    expect(app.summaries(goLive)).toHaveLength(1);
    await app.fake.waitFor(
      () => app?.rootText(goLive).includes('Run checks'),
      WAIT_MS,
      'the Run checks button to come back',
    );
    expect(app.rootText(goLive)).not.toContain('Checks are running');

    // Once it is over, a new run is accepted.
    await app.clickRunChecks(goLive, 'monitoring', 'U0LEE');
    await app.waitSummaries(goLive, 2);
  });
});

describe('/golive check', () => {
  it('runs one section of the service’s active go-live and ticks what passes', async () => {
    app = await startApp();
    const web = await startHttpServer(site());
    servers.push(web);
    const goLive = await app.startGoLive('checkout-api', `production ${web.url.href}`);

    const ack = await app.command('check checkout-api monitoring', { user: 'U0DANA' });
    expect(ack.status).toBe(200);
    await app.waitForPrivate(/Running 7 checks of \*Monitoring &amp; Logging\*/);
    const [summary] = await app.waitSummaries(goLive);
    expect(Harness.textOf(summary)).toContain('7 passed');
    const view = await app.store.getChecklist(goLive.id);
    for (const id of [
      'health-endpoints',
      'health-ping',
      'health-live',
      'health-ready',
      'health-status',
      'health-metrics',
      'prometheus-metrics',
    ]) {
      expect(view?.items.get(id), id).toMatchObject({ state: 'done', by: GOLIVE_ACTOR, evidence: { status: 'pass' } });
    }
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'health-endpoints').includes('_done_ by Golive'),
      WAIT_MS,
      'the health item done by Golive',
    );
    expect(app.itemText(goLive, 'health-endpoints')).toContain('`health` pass');
    await app.fake.waitFor(() => app?.rootText(goLive).includes('7/144'), WAIT_MS, 'the root to show 7/144');
    expect(app.errors()).toEqual([]);
  });

  it('answers privately when it cannot run: unknown service, unknown section, no URL', async () => {
    app = await startApp();
    await app.command('check nosuch-api');
    await app.waitForPrivate(/no active go-live for `nosuch-api`/);

    await app.startGoLive('billing-api', 'production');
    await app.command('check billing-api');
    await app.waitForPrivate(/this go-live has no URL: start it with a url to run checks/);

    const web = await startHttpServer(site());
    servers.push(web);
    const goLive = await app.startGoLive('checkout-api', `production ${web.url.href}`);
    await app.command('check checkout-api nosuch-section');
    const answer = await app.waitForPrivate(/no section `nosuch-section`/);
    expect(answer).toContain('`monitoring`');
    await app.slackApp.services.work.idle();
    expect(app.summaries(goLive)).toHaveLength(0);
    expect(web.connections).toBe(0);
  });
});

describe('the SSRF guard from Slack', () => {
  it('refuses a loopback target when private addresses are not allowed: no connection, and the summary says why', async () => {
    app = await startApp({ allowPrivate: false });
    const server = await startTlsServer('modern', certs.good);
    const goLive = await app.startGoLive('checkout-api', `production ${server.url.href}`);

    await app.clickRunChecks(goLive, 'reverse-proxy');
    const [summary] = await app.waitSummaries(goLive);
    const text = Harness.textOf(summary);
    expect(text).toContain('6 errors');
    expect(text).toContain('loopback address');
    expect(text).toContain('CHECK_ALLOW_PRIVATE');
    expect(server.connections()).toBe(0);
    const view = await app.store.getChecklist(goLive.id);
    for (const id of PROXY_CHECKED) {
      expect(view?.items.get(id), id).toMatchObject({
        state: 'open',
        evidence: { status: 'error', summary: expect.stringContaining('refused') as string },
      });
    }
    await app.fake.waitFor(
      () => app?.itemText(goLive, 'http2').includes('`http2` error'),
      WAIT_MS,
      'the refusal on the item',
    );
    for (const id of PROXY_CHECKED) expect(app.itemText(goLive, id), id).not.toMatch(/reopened| by /);
  });
});
