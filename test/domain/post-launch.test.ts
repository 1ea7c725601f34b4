// The post-launch plan as data: jobs from the default template, escalation steps, collapse, lateness, failures.
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../src/domain/check-kind.js';
import {
  checkTransition,
  collapseDue,
  escalationRole,
  escalationSteps,
  formatElapsed,
  lateness,
  nobodyAnswered,
  planPostLaunch,
  summariseWindow,
  unassignedLevels,
} from '../../src/domain/post-launch.js';
import type { CheckTransition } from '../../src/domain/post-launch.js';
import type { PostLaunchPlan } from '../../src/domain/template.js';
import { defaultTemplate } from '../../src/templates/default.js';

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2026, 11, 1, 14, 0, 0);

const plan = (): PostLaunchPlan => {
  const p = defaultTemplate().postlaunch;
  if (!p) throw new Error('the default template has no postlaunch block');
  return p;
};

describe('planPostLaunch on the default template', () => {
  const jobs = planPostLaunch(plan(), T0);
  const at = (job: { dueAt: number }) => (job.dueAt - T0) / M;

  it('starts with the pre-flight at T0 and ends with the summary at 24h, after everything due then', () => {
    expect(jobs[0]).toMatchObject({ kind: 'preflight', dueAt: T0 });
    expect(jobs.at(-1)).toMatchObject({ kind: 'end', dueAt: T0 + 24 * H });
    const last = jobs.filter((j) => j.dueAt === T0 + 24 * H).map((j) => j.key);
    expect(last).toEqual(['checkin:1:24', 'checkin:4:1', 'checkin:5:1', 'end']);
  });

  it('has the seed tasks at their times and the hourly health check every hour up to the end', () => {
    const checkins = jobs.filter((j) => j.kind === 'checkin');
    expect(checkins.filter((j) => j.series === 'checkin:1').map(at)).toEqual(
      Array.from({ length: 24 }, (_, i) => (i + 1) * 60),
    );
    const once = checkins.filter((j) => j.series !== 'checkin:1').map((j) => [j.key, at(j)]);
    expect(once).toEqual([
      ['checkin:0:1', 15],
      ['checkin:2:1', 60],
      ['checkin:3:1', 120],
      ['checkin:4:1', 1440],
      ['checkin:5:1', 1440],
    ]);
    expect(jobs).toHaveLength(1 + 24 + 5 + 1);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
  });

  it('is in due order, check-ins before the escalations and the summary of the same moment', () => {
    for (let i = 1; i < jobs.length; i++) {
      const [a, b] = [jobs[i - 1], jobs[i]];
      if (!a || !b) throw new Error('gap');
      expect(a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.priority <= b.priority)).toBe(true);
    }
  });
});

describe('escalationSteps', () => {
  const p = plan();
  const cases: { name: string; postedAt: number; levels: number[] }[] = [
    {
      name: 'early check-in: secondary at 15m, infra at 30m, nobody answered at 45m',
      postedAt: T0 + 15 * M,
      levels: [1, 2, 3],
    },
    {
      name: 'check-in 40m before the end: only the steps inside the window',
      postedAt: T0 + 24 * H - 40 * M,
      levels: [1, 2],
    },
    { name: 'check-in at the end: no step (nothing posts after the summary)', postedAt: T0 + 24 * H, levels: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const steps = escalationSteps(p, 'CI1', c.postedAt, T0 + 24 * H);
      expect(steps.map((s) => (s.payload as { level: number }).level)).toEqual(c.levels);
      expect(steps.map((s) => s.dueAt)).toEqual(c.levels.map((l) => c.postedAt + l * 15 * M));
      // Steps to roles share a series; "nobody answered" (level 3) has its own.
      expect(steps.map((s) => s.series)).toEqual(c.levels.map((l) => (l < 3 ? 'escalate:CI1' : 'escalate:CI1:nobody')));
    });
  }

  it('a downtime over the whole chain folds the role steps into the last role and keeps "nobody answered": the last role is still told', () => {
    const steps = escalationSteps(p, 'CI1', T0 + 15 * M, T0 + 24 * H).map((s) => ({
      id: s.key,
      series: s.series,
      dueAt: s.dueAt,
      priority: s.priority,
    }));
    const { run, collapsed } = collapseDue(steps);
    expect(run.map((j) => j.id)).toEqual(['escalate:CI1:2', 'escalate:CI1:3']);
    expect(collapsed.map((c) => [c.job.id, c.into.id])).toEqual([['escalate:CI1:1', 'escalate:CI1:2']]);
  });

  it('names the role of each level and stays on the last one', () => {
    expect([0, 1, 2, 3, 4].map((l) => escalationRole(p, l))).toEqual([
      'primary',
      'secondary',
      'infra',
      'infra',
      'infra',
    ]);
    expect([0, 1, 2, 3].map((l) => nobodyAnswered(p, l))).toEqual([false, false, false, true]);
  });

  it('lists the levels nobody is assigned to, in chain order', () => {
    expect(unassignedLevels(p, { primary: ['<@U1>'], infra: [] })).toEqual(['secondary', 'infra']);
    expect(unassignedLevels(p, { primary: ['<@U1>'], secondary: ['<!subteam^S1>'], infra: ['<@U3>'] })).toEqual([]);
  });
});

describe('collapseDue', () => {
  const job = (id: string, series: string, dueAt: number, priority = 10) => ({ id, series, dueAt, priority });

  it('runs the latest of each series once and says which ones it replaced', () => {
    const due = [
      job('a1', 'checkin:1', T0 + H),
      job('b', 'checkin:0', T0 + 15 * M),
      job('a2', 'checkin:1', T0 + 2 * H),
      job('a3', 'checkin:1', T0 + 3 * H),
      job('e', 'end', T0 + 3 * H, 100),
    ];
    const { run, collapsed } = collapseDue(due);
    expect(run.map((j) => j.id)).toEqual(['b', 'a3', 'e']);
    expect(collapsed.map((c) => [c.job.id, c.into.id])).toEqual([
      ['a1', 'a3'],
      ['a2', 'a3'],
    ]);
  });

  it('changes nothing when every series has one due job', () => {
    const due = [job('x', 's1', T0), job('y', 's2', T0)];
    expect(collapseDue(due)).toEqual({ run: due, collapsed: [] });
  });
});

describe('lateness', () => {
  const cases: [string, number, boolean, number][] = [
    ['on time', 0, false, 0],
    ['within a tick', 14_000, false, 14_000],
    ['at the tolerance', 30_000, false, 30_000],
    ['past it: late', 30_001, true, 30_001],
    ['after a 2-hour outage', 2 * H, true, 2 * H],
    ['early (never negative)', -5_000, false, 0],
  ];
  for (const [name, delay, late, byMs] of cases) {
    it(name, () => expect(lateness(T0, T0 + delay, 30_000)).toEqual({ late, byMs }));
  }
});

describe('checkTransition: one failure is one ping, a pass after it is its recovery', () => {
  const table: Record<'ok' | 'failing', Record<CheckStatus, CheckTransition>> = {
    ok: { pass: 'unchanged', warn: 'unchanged', fail: 'failed', error: 'unchanged' },
    failing: { pass: 'recovered', warn: 'recovered', fail: 'unchanged', error: 'unchanged' },
  };
  for (const [before, row] of Object.entries(table)) {
    for (const [status, expected] of Object.entries(row)) {
      it(`${status} while ${before}: ${expected}`, () =>
        expect(checkTransition(before === 'failing', status as CheckStatus)).toBe(expected));
    }
  }
});

describe('formatElapsed', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [12_000, '12s'],
    [250_000, '4m 10s'],
    [H + 5 * M + 7_000, '1h 5m'],
    [2 * H, '2h'],
    [26 * H, '1d 2h'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => expect(formatElapsed(ms)).toBe(text));
});

describe('summariseWindow', () => {
  it('counts check-ins, who acknowledged and how fast, escalations, failures and recoveries', () => {
    const summary = summariseWindow(
      [
        {
          id: 'c2',
          text: 'Check health endpoints',
          dueAt: T0 + H,
          postedAt: T0 + H,
          level: 2,
          ackedBy: 'U2',
          ackedAt: T0 + H + 31 * M,
        },
        {
          id: 'c1',
          text: 'Monitor logs for errors',
          dueAt: T0 + 15 * M,
          postedAt: T0 + 15 * M,
          level: 0,
          ackedBy: 'U1',
          ackedAt: T0 + 19 * M,
        },
        {
          id: 'c3',
          text: 'Verify backups',
          dueAt: T0 + 24 * H,
          postedAt: T0 + 24 * H + 2 * H,
          lateMs: 2 * H,
          level: 0,
        },
      ],
      [
        { kind: 'health', summary: '/health/ready answered 503', failedAt: T0 + 2 * H, recoveredAt: T0 + 3 * H },
        { kind: 'tls-certificate', summary: 'expired', failedAt: T0 + H },
      ],
    );
    expect(summary).toEqual({
      checkIns: 3,
      late: 1,
      acknowledged: [
        { id: 'c1', text: 'Monitor logs for errors', by: 'U1', afterMs: 4 * M },
        { id: 'c2', text: 'Check health endpoints', by: 'U2', afterMs: 31 * M },
      ],
      unacknowledged: [{ id: 'c3', text: 'Verify backups', level: 0 }],
      escalations: [{ id: 'c2', text: 'Check health endpoints', level: 2 }],
      failures: [
        { kind: 'tls-certificate', summary: 'expired', failedAt: T0 + H },
        { kind: 'health', summary: '/health/ready answered 503', failedAt: T0 + 2 * H, recoveredAt: T0 + 3 * H },
      ],
      recovered: 1,
      medianAckMs: 4 * M,
    });
  });
});
