// Sign-off rules as tables: who × status × template settings × checklist → the decision, and what a refusal names.
import { describe, expect, it } from 'vitest';
import type { ChecklistView, Evidence, GoLive, GoLiveStatus, ItemRecord } from '../../src/domain/go-live.js';
import { groupsOfAllRoles, holdsRole, roleHolders } from '../../src/domain/roles.js';
import {
  approvalLine,
  blockers,
  decideAbort,
  decideApprove,
  decideGoLive,
  decideReject,
  decideRequest,
  decideRoleChange,
  decideSectionSignOff,
  quorum,
  revokes,
  sectionsAwaitingSignOff,
} from '../../src/domain/signoff.js';
import type { Approval, SectionSignOff, SignOffContext } from '../../src/domain/signoff.js';
import type { SignOffRule, Template, TemplateItem } from '../../src/domain/template.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 14, 0);
const DEPLOYER = 'U0DEPLOY';
const ANA = 'U0ANA'; // approver, named directly
const BEN = 'U0BEN'; // approver, named directly
const GIL = 'U0GIL'; // approver through the @release group
const DBA = 'U0DBA'; // owner of the database section
const EVE = 'U0EVE'; // nobody

function item(id: string, extra: Partial<TemplateItem> = {}): TemplateItem {
  return { id, text: `*${id}*`, required: true, items: [], ...extra };
}

function template(signoff: Partial<SignOffRule> = {}): Template {
  return {
    id: 't',
    name: 'T',
    version: 1,
    roles: { approver: { label: 'Go-live approver' }, dba: { label: 'Database Admin' } },
    signoff: {
      role: 'approver',
      approvals: 1,
      allowDeployer: false,
      evidenceMaxAgeMs: 24 * HOUR,
      allowExceptions: false,
      ...signoff,
    },
    sections: [
      {
        id: 'security',
        title: 'Security',
        groups: [
          {
            title: 'G',
            items: [
              item('secret-key'),
              item('tls', { check: { kind: 'tls-certificate', options: {} } }),
              item('nice-to-have', { required: false }),
            ],
          },
        ],
      },
      { id: 'database', title: 'Database', owner: 'dba', groups: [{ title: 'G', items: [item('backups')] }] },
    ],
    notes: [],
    approval: 'Deployment Approved By',
  };
}

function goLive(
  status: GoLiveStatus,
  signoff: Partial<SignOffRule> = {},
  roles: Record<string, string[]> = {},
): GoLive {
  return {
    id: 'G1',
    service: 'checkout-api',
    environment: 'production',
    channelId: 'C1',
    startedBy: DEPLOYER,
    startedAt: NOW - 10 * HOUR,
    status,
    roles: {
      approver: [`<@${ANA}>`, `<@${BEN}>`, '<!subteam^S0RELEASE>', `<@${DEPLOYER}>`],
      dba: [`<@${DBA}>`],
      ...roles,
    },
    template: template(signoff),
    version: 1,
  };
}

const evidence = (kind: Evidence['kind'], status: Evidence['status'], ageMs: number): Evidence => ({
  kind,
  status,
  summary: `${kind} ${status}`,
  takenAt: NOW - ageMs,
});

/** Named checklists: every required item resolved, or one thing in the way. */
const CHECKLISTS: Record<string, ItemRecord[]> = {
  complete: [
    { itemId: 'secret-key', state: 'done', by: ANA, at: NOW },
    { itemId: 'tls', state: 'done', by: 'golive', at: NOW, evidence: evidence('tls-certificate', 'pass', HOUR) },
    { itemId: 'backups', state: 'na', by: DBA, at: NOW, reason: 'no database' },
  ],
  'open item': [
    { itemId: 'tls', state: 'done', by: 'golive', at: NOW, evidence: evidence('tls-certificate', 'pass', HOUR) },
    { itemId: 'backups', state: 'na', by: DBA, at: NOW, reason: 'no database' },
  ],
  'failed check': [
    { itemId: 'secret-key', state: 'done', by: ANA, at: NOW },
    {
      itemId: 'tls',
      state: 'failed',
      by: 'golive',
      at: NOW,
      reason: 'certificate expires in 3 days (want ≥ 30)',
      evidence: evidence('tls-certificate', 'fail', HOUR),
    },
    { itemId: 'backups', state: 'done', by: DBA, at: NOW },
  ],
  'stale evidence': [
    { itemId: 'secret-key', state: 'done', by: ANA, at: NOW },
    { itemId: 'tls', state: 'done', by: 'golive', at: NOW, evidence: evidence('tls-certificate', 'pass', 30 * HOUR) },
    { itemId: 'backups', state: 'done', by: DBA, at: NOW },
  ],
};

function ctx(
  g: GoLive,
  checklist: keyof typeof CHECKLISTS,
  approvals: Approval[] = [],
  groups: [string, string[]][] = [['S0RELEASE', [GIL, ANA]]],
): SignOffContext {
  const records = CHECKLISTS[checklist] ?? [];
  const view: ChecklistView = { goLive: g, items: new Map(records.map((r) => [r.itemId, r])) };
  return { view, approvals, groups: new Map(groups), now: NOW };
}

const approved = (...by: string[]): Approval[] => by.map((b) => ({ by: b, at: NOW - HOUR }));

describe('decideApprove: who × status × settings × checklist', () => {
  // expect: a status (the approval is taken and leads there), `repeat` (counts once, nothing changes), or `!code`.
  const TABLE: {
    who: string;
    status: GoLiveStatus;
    settings?: Partial<SignOffRule>;
    checklist?: keyof typeof CHECKLISTS;
    before?: Approval[];
    justification?: string;
    expect: string;
  }[] = [
    // who may approve
    { who: ANA, status: 'awaiting_approval', expect: 'approved' },
    { who: GIL, status: 'awaiting_approval', expect: 'approved' }, // through the group
    { who: EVE, status: 'awaiting_approval', expect: '!not-role-holder' },
    { who: DBA, status: 'awaiting_approval', expect: '!not-role-holder' }, // another role is not the sign-off role
    // four eyes
    { who: DEPLOYER, status: 'awaiting_approval', expect: '!four-eyes' },
    { who: DEPLOYER, status: 'awaiting_approval', settings: { allowDeployer: true }, expect: 'approved' },
    // status
    { who: ANA, status: 'preparing', expect: '!lifecycle' },
    { who: ANA, status: 'rejected', expect: '!lifecycle' },
    { who: ANA, status: 'live', expect: '!lifecycle' },
    { who: ANA, status: 'aborted', expect: '!lifecycle' },
    { who: ANA, status: 'completed', expect: '!lifecycle' },
    { who: BEN, status: 'approved', before: approved(ANA), expect: '!lifecycle' },
    // quorum of two, distinct people
    { who: ANA, status: 'awaiting_approval', settings: { approvals: 2 }, expect: 'awaiting_approval' },
    { who: BEN, status: 'awaiting_approval', settings: { approvals: 2 }, before: approved(ANA), expect: 'approved' },
    { who: ANA, status: 'awaiting_approval', settings: { approvals: 2 }, before: approved(ANA), expect: 'repeat' },
    { who: ANA, status: 'approved', before: approved(ANA), expect: 'repeat' },
    // completeness
    { who: ANA, status: 'awaiting_approval', checklist: 'open item', expect: '!incomplete' },
    { who: ANA, status: 'awaiting_approval', checklist: 'failed check', expect: '!incomplete' },
    { who: ANA, status: 'awaiting_approval', checklist: 'stale evidence', expect: '!incomplete' },
    {
      who: ANA,
      status: 'awaiting_approval',
      checklist: 'stale evidence',
      settings: { evidenceMaxAgeMs: 48 * HOUR },
      expect: 'approved',
    },
    // exceptions
    {
      who: ANA,
      status: 'awaiting_approval',
      checklist: 'open item',
      settings: { allowExceptions: true },
      expect: '!incomplete',
    },
    {
      who: ANA,
      status: 'awaiting_approval',
      checklist: 'open item',
      settings: { allowExceptions: true },
      justification: 'secret rotated by hand',
      expect: 'approved',
    },
    {
      who: ANA,
      status: 'awaiting_approval',
      checklist: 'open item',
      justification: 'secret rotated by hand',
      expect: '!exceptions-not-allowed',
    },
    {
      who: ANA,
      status: 'awaiting_approval',
      checklist: 'open item',
      settings: { allowExceptions: true },
      justification: '   ',
      expect: '!text-required',
    },
    {
      who: EVE,
      status: 'awaiting_approval',
      checklist: 'open item',
      settings: { allowExceptions: true },
      justification: 'why not',
      expect: '!not-role-holder',
    },
  ];

  it.each(TABLE)('$who in $status with $settings, $checklist, justification $justification → $expect', (row) => {
    const decision = decideApprove(
      ctx(goLive(row.status, row.settings), row.checklist ?? 'complete', row.before ?? []),
      {
        userId: row.who,
        ...(row.justification !== undefined ? { justification: row.justification } : {}),
      },
    );
    if (row.expect.startsWith('!')) {
      expect(decision).toMatchObject({ ok: false, refusal: { code: row.expect.slice(1) } });
    } else if (row.expect === 'repeat') {
      expect(decision).toMatchObject({ ok: true, repeat: true, status: row.status });
    } else {
      expect(decision).toMatchObject({
        ok: true,
        repeat: false,
        status: row.expect,
        approval: { by: row.who, at: NOW },
      });
    }
  });

  it('counts k of N over distinct approvers', () => {
    const decision = decideApprove(ctx(goLive('awaiting_approval', { approvals: 3 }), 'complete', approved(ANA)), {
      userId: GIL,
      comment: ' looks good ',
    });
    expect(decision).toMatchObject({
      ok: true,
      count: 2,
      needed: 3,
      status: 'awaiting_approval',
      approval: { comment: 'looks good' },
    });
    expect(quorum([...approved(ANA, BEN), ...approved(ANA)], template({ approvals: 3 }).signoff)).toEqual({
      count: 2,
      needed: 3,
    });
  });

  it('names the open items, the failed checks and the stale evidence with its age', () => {
    const open = decideApprove(ctx(goLive('awaiting_approval'), 'open item'), { userId: ANA });
    expect(open).toEqual({
      ok: false,
      refusal: {
        code: 'incomplete',
        exceptionsAllowed: false,
        blockers: { open: [{ itemId: 'secret-key', text: '*secret-key*', state: 'open' }], failed: [], stale: [] },
      },
    });
    const failed = decideApprove(ctx(goLive('awaiting_approval'), 'failed check'), { userId: ANA });
    expect(failed).toMatchObject({
      refusal: {
        blockers: {
          open: [],
          failed: [{ itemId: 'tls', kind: 'tls-certificate', summary: 'certificate expires in 3 days (want ≥ 30)' }],
          stale: [],
        },
      },
    });
    const stale = decideApprove(ctx(goLive('awaiting_approval'), 'stale evidence'), { userId: ANA });
    expect(stale).toMatchObject({
      refusal: {
        blockers: { stale: [{ itemId: 'tls', kind: 'tls-certificate', takenAt: NOW - 30 * HOUR, ageMs: 30 * HOUR }] },
      },
    });
  });

  it('records what an approval with exceptions was given despite', () => {
    const decision = decideApprove(ctx(goLive('awaiting_approval', { allowExceptions: true }), 'open item'), {
      userId: ANA,
      justification: 'rotated by hand',
    });
    expect(decision).toMatchObject({
      ok: true,
      approval: { by: ANA, justification: 'rotated by hand' },
      exceptions: { open: [{ itemId: 'secret-key' }] },
    });
  });

  it('says which groups could not be read when that is why someone is not an approver', () => {
    const decision = decideApprove(ctx(goLive('awaiting_approval'), 'complete', [], []), { userId: GIL });
    expect(decision).toEqual({
      ok: false,
      refusal: {
        code: 'not-role-holder',
        role: 'approver',
        label: 'Go-live approver',
        unresolvedGroups: ['S0RELEASE'],
      },
    });
  });
});

describe('blockers', () => {
  it('counts N/A only with a reason, skips optional items, ignores future evidence dates as stale', () => {
    const g = goLive('awaiting_approval');
    const items = new Map<string, ItemRecord>([
      ['secret-key', { itemId: 'secret-key', state: 'na', by: ANA, at: NOW, reason: '  ' }],
      [
        'tls',
        { itemId: 'tls', state: 'done', by: 'golive', at: NOW, evidence: evidence('tls-certificate', 'pass', -HOUR) },
      ],
      ['backups', { itemId: 'backups', state: 'blocked', by: DBA, at: NOW, reason: 'waiting on storage' }],
    ]);
    expect(blockers({ goLive: g, items }, NOW)).toEqual({
      open: [
        { itemId: 'secret-key', text: '*secret-key*', state: 'na' },
        { itemId: 'backups', text: '*backups*', state: 'blocked' },
      ],
      failed: [],
      stale: [],
    });
    expect(blockers({ goLive: g, items }, NOW, 'database').open.map((o) => o.itemId)).toEqual(['backups']);
  });
});

describe('decideReject', () => {
  const TABLE: { who: string; status: GoLiveStatus; reason?: string; expect: string }[] = [
    { who: ANA, status: 'awaiting_approval', reason: 'rollback plan missing', expect: 'rejected' },
    { who: GIL, status: 'approved', reason: 'rollback plan missing', expect: 'rejected' },
    { who: DEPLOYER, status: 'awaiting_approval', reason: 'my own mistake', expect: 'rejected' },
    { who: EVE, status: 'awaiting_approval', reason: 'no', expect: '!not-role-holder' },
    { who: ANA, status: 'awaiting_approval', reason: ' ', expect: '!text-required' },
    { who: ANA, status: 'awaiting_approval', expect: '!text-required' },
    { who: ANA, status: 'awaiting_approval', reason: 'x'.repeat(501), expect: '!text-too-long' },
    { who: ANA, status: 'preparing', reason: 'no', expect: '!lifecycle' },
    { who: ANA, status: 'rejected', reason: 'no', expect: '!lifecycle' },
    { who: ANA, status: 'live', reason: 'no', expect: '!lifecycle' },
  ];
  it.each(TABLE)('$who in $status with reason $reason → $expect', ({ who, status, reason, expect: want }) => {
    const decision = decideReject(ctx(goLive(status), 'complete'), who, reason);
    if (want.startsWith('!')) expect(decision).toMatchObject({ ok: false, refusal: { code: want.slice(1) } });
    else expect(decision).toEqual({ ok: true, status: want, reason: reason?.trim() });
  });
});

describe('decideRequest, decideGoLive, decideAbort', () => {
  const STATUSES: GoLiveStatus[] = [
    'preparing',
    'awaiting_approval',
    'approved',
    'rejected',
    'live',
    'completed',
    'rolled_back',
    'aborted',
  ];
  // deployer's outcome per status; anyone else is refused as not the deployer.
  const REQUEST = [
    'awaiting_approval',
    '!lifecycle',
    '!lifecycle',
    'awaiting_approval',
    '!lifecycle',
    '!lifecycle',
    '!lifecycle',
    '!lifecycle',
  ];
  const GO_LIVE = [
    '!lifecycle',
    '!lifecycle',
    'live',
    '!lifecycle',
    '!lifecycle',
    '!lifecycle',
    '!lifecycle',
    '!lifecycle',
  ];
  const ABORT = ['aborted', 'aborted', 'aborted', 'aborted', 'aborted', '!lifecycle', '!lifecycle', '!lifecycle'];

  const outcome = (d: { ok: true; status: GoLiveStatus } | { ok: false; refusal: { code: string } }) =>
    d.ok ? d.status : `!${d.refusal.code}`;

  it.each(STATUSES.map((status, i) => ({ status, i })))('in $status', ({ status, i }) => {
    const g = goLive(status);
    expect(outcome(decideRequest(g, DEPLOYER))).toBe(REQUEST[i]);
    expect(outcome(decideRequest(g, ANA))).toBe('!not-deployer');
    expect(outcome(decideGoLive(g, DEPLOYER))).toBe(GO_LIVE[i]);
    expect(outcome(decideGoLive(g, ANA))).toBe('!not-deployer');
    expect(outcome(decideAbort(g, DEPLOYER, new Map(), 'payments down'))).toBe(ABORT[i]);
    expect(outcome(decideAbort(g, GIL, new Map([['S0RELEASE', [GIL]]]), 'payments down'))).toBe(ABORT[i]);
    expect(outcome(decideAbort(g, EVE, new Map(), 'payments down'))).toBe(
      i < 5 ? '!not-deployer-or-role-holder' : '!lifecycle',
    );
    expect(outcome(decideAbort(g, DEPLOYER, new Map(), ''))).toBe(i < 5 ? '!text-required' : '!lifecycle');
  });
});

describe('decideRoleChange', () => {
  const infra = { infra: ['<@U0INFRA>'] };
  const TABLE: { who: string; status: GoLiveStatus; given: Record<string, string[]>; expect: string }[] = [
    { who: DEPLOYER, status: 'preparing', given: infra, expect: 'infra' },
    { who: GIL, status: 'live', given: { primary: ['<@U0ONCALL>'] }, expect: 'primary' }, // through the group, after Go live
    {
      who: ANA,
      status: 'awaiting_approval',
      given: { approver: [`<@${ANA}>`, `<@${BEN}>`, '<!subteam^S0RELEASE>', `<@${DEPLOYER}>`] },
      expect: '',
    }, // the same holders
    { who: DEPLOYER, status: 'preparing', given: { dba: [] }, expect: 'dba' },
    { who: EVE, status: 'preparing', given: infra, expect: '!not-deployer-or-role-holder' },
    { who: DBA, status: 'preparing', given: infra, expect: '!not-deployer-or-role-holder' },
    { who: DEPLOYER, status: 'preparing', given: { chef: ['<@U1>'] }, expect: '!unknown-roles' },
    { who: DEPLOYER, status: 'aborted', given: infra, expect: '!lifecycle' },
  ];
  it.each(TABLE)('$who in $status sets $given → $expect', ({ who, status, given, expect: want }) => {
    const g = goLive(status);
    g.template.roles.infra = { label: 'Infrastructure Team' };
    g.template.roles.primary = { label: 'Primary On-Call' };
    const decision = decideRoleChange(g, who, new Map([['S0RELEASE', [GIL]]]), given);
    if (want.startsWith('!')) {
      expect(decision).toMatchObject({ ok: false, refusal: { code: want.slice(1) } });
      return;
    }
    expect(decision).toMatchObject({ ok: true, changed: want === '' ? [] : [want] });
    if (decision.ok && want !== '') expect(decision.roles[want]).toEqual(given[want]?.length ? given[want] : undefined);
  });
});

describe('revokes', () => {
  it('any change while approvals stand before Go live; nothing when none stand or after Go live', () => {
    expect(revokes({ status: 'awaiting_approval' }, approved(ANA))).toBe(true);
    expect(revokes({ status: 'approved' }, approved(ANA))).toBe(true);
    expect(revokes({ status: 'awaiting_approval' }, [])).toBe(false);
    expect(revokes({ status: 'preparing' }, [])).toBe(false);
    expect(revokes({ status: 'live' }, approved(ANA))).toBe(false);
    expect(revokes({ status: 'aborted' }, approved(ANA))).toBe(false);
  });
});

describe('decideSectionSignOff', () => {
  const TABLE: {
    who: string;
    status: GoLiveStatus;
    section: string;
    checklist?: keyof typeof CHECKLISTS;
    before?: SectionSignOff[];
    expect: string;
  }[] = [
    { who: DBA, status: 'preparing', section: 'database', expect: 'signed' },
    { who: DBA, status: 'awaiting_approval', section: 'database', expect: 'signed' },
    { who: DBA, status: 'approved', section: 'database', expect: 'signed' },
    {
      who: DBA,
      status: 'preparing',
      section: 'database',
      before: [{ sectionId: 'database', by: DBA, at: NOW - HOUR }],
      expect: 'repeat',
    },
    { who: ANA, status: 'preparing', section: 'database', expect: '!not-role-holder' },
    { who: DBA, status: 'preparing', section: 'security', expect: '!no-section-owner' },
    { who: DBA, status: 'preparing', section: 'nope', expect: '!unknown-section' },
    { who: DBA, status: 'live', section: 'database', expect: '!lifecycle' },
    { who: DBA, status: 'aborted', section: 'database', expect: '!lifecycle' },
    { who: DBA, status: 'preparing', section: 'database', checklist: 'open item', expect: 'signed' }, // open items elsewhere do not matter
  ];
  it.each(TABLE)('$who signs off $section in $status → $expect', (row) => {
    const decision = decideSectionSignOff(
      ctx(goLive(row.status), row.checklist ?? 'complete'),
      row.before ?? [],
      row.who,
      row.section,
    );
    if (row.expect.startsWith('!'))
      expect(decision).toMatchObject({ ok: false, refusal: { code: row.expect.slice(1) } });
    else
      expect(decision).toMatchObject({
        ok: true,
        repeat: row.expect === 'repeat',
        signOff: { sectionId: row.section, by: row.who },
      });
  });

  it('refuses an incomplete section, naming its open items', () => {
    const g = goLive('preparing');
    const decision = decideSectionSignOff(
      { view: { goLive: g, items: new Map() }, approvals: [], groups: new Map(), now: NOW },
      [],
      DBA,
      'database',
    );
    expect(decision).toMatchObject({
      ok: false,
      refusal: { code: 'incomplete', blockers: { open: [{ itemId: 'backups' }] } },
    });
  });

  it('lists the owned sections not yet signed off', () => {
    expect(sectionsAwaitingSignOff(template(), [])).toEqual([
      { sectionId: 'database', title: 'Database', owner: 'dba' },
    ]);
    expect(sectionsAwaitingSignOff(template(), [{ sectionId: 'database', by: DBA, at: NOW }])).toEqual([]);
  });
});

describe('roles', () => {
  it('people directly and through groups, each once; unread groups named', () => {
    const g = goLive('preparing');
    expect(roleHolders(g, 'approver', new Map([['S0RELEASE', [GIL, ANA]]]))).toEqual({
      userIds: [ANA, BEN, GIL, DEPLOYER],
      unresolvedGroups: [],
    });
    expect(roleHolders(g, 'approver', new Map())).toEqual({
      userIds: [ANA, BEN, DEPLOYER],
      unresolvedGroups: ['S0RELEASE'],
    });
    expect(roleHolders(g, 'infra', new Map())).toEqual({ userIds: [], unresolvedGroups: [] });
    expect(holdsRole(g, 'dba', DBA, new Map())).toBe(true);
    expect(
      groupsOfAllRoles(goLive('preparing', {}, { infra: ['<!subteam^S0INFRA>', '<!subteam^S0RELEASE>'] })),
    ).toEqual(['S0RELEASE', 'S0INFRA']);
  });
});

describe('approvalLine', () => {
  it('is written as the seed writes it, dated in UTC', () => {
    expect(approvalLine(template(), ['<@U0ANA>', '<@U0BEN>'], Date.UTC(2026, 11, 1, 23, 59))).toBe(
      'Deployment Approved By: <@U0ANA>, <@U0BEN>  Date: 2026-12-01',
    );
  });
});
