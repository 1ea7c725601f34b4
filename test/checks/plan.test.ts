// Which checks a template asks for: one request per item carrying a check, nested items included.
import { describe, expect, it } from 'vitest';
import { checkRequestsOf, dedupeCheckRequests } from '../../src/checks/plan.js';
import type { Template } from '../../src/domain/template.js';

const template: Template = {
  id: 't',
  name: 'T',
  version: 1,
  roles: {},
  signoff: { role: 'approver', approvals: 1, allowDeployer: false, evidenceMaxAgeMs: 86_400_000 },
  notes: [],
  sections: [
    {
      id: 'security',
      title: 'Security',
      groups: [
        {
          title: 'TLS',
          items: [
            { id: 'hsts', text: 'HSTS', required: true, check: { kind: 'hsts', options: {} }, items: [] },
            {
              id: 'health-endpoints',
              text: 'Health',
              required: true,
              check: { kind: 'health', options: { paths: ['/a', '/b'] } },
              items: [
                {
                  id: 'ping',
                  text: 'ping',
                  required: true,
                  check: { kind: 'health', options: { paths: ['/a'] } },
                  items: [],
                },
                { id: 'manual', text: 'by hand', required: true, items: [] },
              ],
            },
          ],
        },
      ],
    },
    {
      id: 'monitoring',
      title: 'Monitoring',
      groups: [
        {
          title: 'M',
          items: [{ id: 'hsts-again', text: 'x', required: false, check: { kind: 'hsts', options: {} }, items: [] }],
        },
      ],
    },
  ],
};

describe('checkRequestsOf', () => {
  it('walks every item, nested ones too, in template order', () => {
    expect(checkRequestsOf(template).map((r) => [r.id, r.kind])).toEqual([
      ['hsts', 'hsts'],
      ['health-endpoints', 'health'],
      ['ping', 'health'],
      ['hsts-again', 'hsts'],
    ]);
  });

  it('keeps to one section when asked', () => {
    expect(checkRequestsOf(template, 'monitoring').map((r) => r.id)).toEqual(['hsts-again']);
    expect(checkRequestsOf(template, 'nope')).toEqual([]);
  });

  it('dedupes the same kind with the same options, keeping the first id', () => {
    const unique = dedupeCheckRequests([
      { id: 'a', kind: 'health', options: { paths: ['/x'], slow: 1 } },
      { id: 'b', kind: 'health', options: { slow: 1, paths: ['/x'] } },
      { id: 'c', kind: 'health', options: { paths: ['/y'] } },
    ]);
    expect(unique.map((r) => r.id)).toEqual(['a', 'c']);
  });
});
