// The cached Slack reachability on a manual clock: an answer seen at start counts, a probe runs only every
// interval (never on demand of a reader), a refused or unanswered auth.test is recorded with its code, the gauge
// follows, and stop() ends the probing.
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SLACK_PROBE_INTERVAL_MS, SlackReachabilityMonitor } from '../../src/health/slack-reachability.js';
import { ManualClock } from '../support/manual-clock.js';
import { capturedLogger } from './helpers.js';

function setUp() {
  const clock = new ManualClock();
  const answers: Array<() => Promise<unknown>> = [];
  let probes = 0;
  const registry = new Registry();
  const gauge = new Gauge({ name: 'golive_slack_reachable', help: 'test', registers: [registry] });
  const log = capturedLogger();
  const monitor = new SlackReachabilityMonitor({
    clock,
    logger: log.logger,
    gauge,
    probe: () => {
      probes += 1;
      return (answers.shift() ?? (() => Promise.resolve({ ok: true })))();
    },
  });
  const gaugeValue = async () => (await gauge.get()).values[0]?.value;
  return { clock, answers, monitor, probes: () => probes, gaugeValue, log };
}

const refused = (error: string) => () =>
  Promise.reject(
    Object.assign(new Error(`An API error occurred: ${error}`), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error },
    }),
  );
const unanswered = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'slack_webapi_request_error' }));

describe('SlackReachabilityMonitor', () => {
  it('takes the start-up answer, then probes once per interval however often it is read', async () => {
    const { clock, monitor, probes, gaugeValue } = setUp();
    monitor.record(true);
    monitor.start();
    for (let i = 0; i < 50; i += 1)
      expect(monitor.current()).toMatchObject({ reachable: true, checkedAt: clock.now() });
    expect(probes()).toBe(0);
    expect(await gaugeValue()).toBe(1);
    await clock.advance(SLACK_PROBE_INTERVAL_MS * 3);
    expect(probes()).toBe(3);
    await monitor.stop();
    await clock.advance(SLACK_PROBE_INTERVAL_MS * 3);
    expect(probes()).toBe(3);
  });

  it("records Slack's refusal code, or unreachable when nothing answered, and recovers", async () => {
    const { clock, answers, monitor, gaugeValue, log } = setUp();
    monitor.record(true);
    monitor.start();
    answers.push(refused('invalid_auth'), unanswered);
    await clock.advance(SLACK_PROBE_INTERVAL_MS);
    expect(monitor.current()).toEqual({ reachable: false, error: 'invalid_auth', checkedAt: clock.now() });
    expect(await gaugeValue()).toBe(0);
    expect(log.text()).toContain('Slack does not answer auth.test');
    await clock.advance(SLACK_PROBE_INTERVAL_MS);
    expect(monitor.current()).toMatchObject({ reachable: false, error: 'unreachable' });
    await clock.advance(SLACK_PROBE_INTERVAL_MS);
    expect(monitor.current()).toEqual({ reachable: true, checkedAt: clock.now() });
    expect(await gaugeValue()).toBe(1);
    expect(log.text()).toContain('Slack answers again');
    await monitor.stop();
  });

  it('knows nothing before the first answer', () => {
    const { monitor } = setUp();
    expect(monitor.current()).toEqual({});
  });
});
