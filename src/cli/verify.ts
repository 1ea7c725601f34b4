// `golive verify <service|go-live-id> [--env E]`: recomputes a go-live's audit hash chain from the database.
// Exit 0 intact, 1 naming the first event that does not fit, 2 usage or no such go-live.
import { verifyChain } from '../record/audit-chain.js';
import type { ChainedAuditRow } from '../record/audit-chain.js';
import { withGoLive } from './go-live-target.js';
import type { CliIo } from './io.js';

export const VERIFY_USAGE = `usage: golive verify <service|go-live-id> [--env E]
  Recomputes the audit hash chain of a go-live in DATABASE_URL (a service: its latest go-live in E, default production).
  Exit status: 0 the chain is intact, 1 an event does not fit (edited, removed, reordered or inserted), 2 usage.
`;

function describe(event: ChainedAuditRow): string {
  return `event ${event.id} (${event.action} ${event.subject} by ${event.actor} at ${new Date(event.at).toISOString()})`;
}

export async function runVerify(args: string[], io: CliIo): Promise<number> {
  return withGoLive(
    'verify',
    VERIFY_USAGE,
    args,
    io,
    {},
    () => undefined,
    async (store, goLive) => {
      const verdict = verifyChain(store.auditChainRows(goLive.id));
      const name = `${goLive.service}/${goLive.environment} (${goLive.id})`;
      if (verdict.ok) {
        io.stdout(`${name}: ${verdict.count} audit events, chain intact; last hash ${verdict.head ?? '(none)'}\n`);
        return 0;
      }
      io.stdout(
        `${name}: ${describe(verdict.event)} does not fit: ${verdict.problem}: ${verdict.detail} ` +
          `(position ${verdict.position} of ${verdict.count})\n`,
      );
      return 1;
    },
  );
}
