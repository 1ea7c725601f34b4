// Go-lives and templates for the block tests: realistic ones and the worst cases the budget must survive.
import type { ChecklistView, GoLive, ItemRecord, ItemState } from '../../src/domain/go-live.js';
import type { Template, TemplateItem, TemplateSection } from '../../src/domain/template.js';
import { flattenItems } from '../../src/domain/checklist.js';

export const T0 = Date.UTC(2026, 10, 29, 18, 0, 0);

export function item(id: string, text: string, extra: Partial<TemplateItem> = {}): TemplateItem {
  return { id, text, required: true, items: [], ...extra };
}

export const ROLES = {
  approver: { label: 'Go-live approver' },
  primary: { label: 'Primary On-Call' },
  secondary: { label: 'Secondary On-Call' },
  dba: { label: 'Database Admin' },
  infra: { label: 'Infrastructure Team' },
};

export function template(sections: TemplateSection[]): Template {
  return {
    id: 'production',
    name: 'Production go-live',
    version: 1,
    roles: ROLES,
    signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000 },
    sections,
    notes: ['Date', 'Environment', 'Deployed By', 'Notes'],
    approval: 'Deployment Approved By',
  };
}

/** The seed's Security section shape: 22 items in 3 groups, checks on some. */
export function securitySection(): TemplateSection {
  const n = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) =>
      item(`${prefix}-${i + 1}`, `*${prefix} item ${i + 1}* configured and verified`),
    );
  const network = n('network', 5);
  network[0] = item('ssl-installed', '*SSL/TLS certificate* installed and valid', {
    check: { kind: 'tls-certificate', options: {} },
  });
  return {
    id: 'security',
    title: 'Security Configuration',
    emoji: ':lock:',
    owner: 'infra',
    groups: [
      { title: 'Environment & Secrets', items: n('secrets', 8) },
      { title: 'Application Security', items: n('appsec', 9) },
      { title: 'Network Security', items: network },
    ],
  };
}

export function monitoringSection(): TemplateSection {
  return {
    id: 'monitoring',
    title: 'Monitoring & Logging',
    emoji: ':bar_chart:',
    groups: [
      {
        title: 'Health Checks',
        items: [
          item('health-endpoints', '*Health endpoints* accessible', {
            check: { kind: 'health', options: {} },
            items: ['/health/ping', '/health/live', '/health/ready'].map((p, i) => item(`health-path-${i}`, p)),
          }),
          item('uptime', '*Uptime monitoring* configured (external service)'),
        ],
      },
    ],
  };
}

/** The brief's stand-in for the largest section: 25 items of 200 characters in one section. */
export function hugeSection(items = 25, textLength = 200): TemplateSection {
  return {
    id: 'huge',
    title: 'H'.repeat(200),
    emoji: ':rotating_light:',
    groups: [
      {
        title: 'G'.repeat(300),
        items: Array.from({ length: items }, (_, i) =>
          item(`huge-item-${i}`, `*Item ${i}* ${'x'.repeat(textLength)}`.slice(0, textLength), {
            check: { kind: 'health', options: {} },
          }),
        ),
      },
    ],
  };
}

export function goLive(tpl: Template, extra: Partial<GoLive> = {}): GoLive {
  return {
    id: '0f8e9a3c-6f0e-4d5c-9b1a-2f3e4d5c6b7a',
    service: 'checkout-api',
    environment: 'production',
    url: 'https://checkout.example.com',
    channelId: 'C0123456789',
    rootTs: '1795000000.000100',
    startedBy: 'U0STARTER1',
    startedAt: T0,
    status: 'preparing',
    roles: { approver: ['<@U0APPROVE1>'], primary: ['<@U0PRIMARY1|dana>'], dba: ['<!subteam^S0DBA0001|@dba-team>'] },
    template: tpl,
    version: 1,
    ...extra,
  };
}

export function view(g: GoLive, records: ItemRecord[] = []): ChecklistView {
  return { goLive: g, items: new Map(records.map((r) => [r.itemId, r])) };
}

const STATES: ItemState[] = ['done', 'na', 'blocked', 'failed', 'open'];

/** Every item touched, with the longest reasons and evidence summaries people and checks can write. */
export function everyItemAnnotated(tpl: Template, reason = 'R'.repeat(500)): ItemRecord[] {
  return flattenItems(tpl).map(({ item: it }, i) => ({
    itemId: it.id,
    state: STATES[i % STATES.length] ?? 'done',
    by: i % 7 === 0 ? 'golive' : `U0PERSON${String(i).padStart(3, '0')}`,
    at: T0 + i * 60_000,
    reason,
    evidence: {
      kind: 'tls-certificate',
      status: i % 2 === 0 ? 'fail' : 'pass',
      summary: `certificate expires in 10 days (want ≥ 30) ${'<e>'.repeat(200)}`,
      takenAt: T0 + i * 60_000,
    },
  }));
}
