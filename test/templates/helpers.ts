// Small valid templates and temp dirs for loader, registry and CLI tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A minimal template in the YAML shape of src/templates/schema.ts, as plain data to edit per test. */
export function minimalTemplate(id = 'minimal'): Record<string, unknown> {
  return {
    id,
    name: `Template ${id}`,
    version: 2,
    roles: { approver: { label: 'Approver' }, primary: { label: 'Primary On-Call' } },
    signoff: { role: 'approver' },
    sections: [
      {
        id: 'security',
        title: 'Security',
        emoji: ':lock:',
        owner: 'primary',
        groups: [
          {
            title: 'Network',
            items: [
              { id: 'tls', text: '*TLS* valid', check: { kind: 'tls-certificate', min_days: 14 } },
              { id: 'health', text: 'Health', items: [{ id: 'health-ping', text: '/health/ping', required: false }] },
            ],
          },
        ],
      },
      {
        id: 'database',
        title: 'Database',
        groups: [{ title: 'Setup', items: [{ id: 'backups', text: 'Backups configured' }] }],
      },
    ],
    postlaunch: {
      duration: '4h',
      ack_within: '10m',
      escalation: ['primary'],
      checkins: [{ at: '15m', text: 'Look at the logs' }, { every: '1h', checks: ['health'] }],
    },
  };
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'golive-templates-'));

  write(name: string, content: string | Record<string, unknown>): string {
    const file = join(this.path, name);
    writeFileSync(file, typeof content === 'string' ? content : stringify(content));
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
