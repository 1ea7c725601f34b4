// `golive report <service|go-live-id> [--env E] [--format md|json]`: prints the record of a go-live offline,
// from DATABASE_URL opened read-only. Exit 0 printed, 2 usage or no such go-live.
import { systemClock } from '../clock.js';
import { recordJson, recordMarkdown } from '../record/markdown.js';
import { recordOf } from '../services/record-service.js';
import { withGoLive } from './go-live-target.js';
import type { CliIo } from './io.js';

export const REPORT_USAGE = `usage: golive report <service|go-live-id> [--env E] [--format md|json]
  Prints the record of a go-live in DATABASE_URL (a service: its latest go-live in E, default production):
  Markdown in the seed checklist's layout (default), or JSON with everything.
`;

export async function runReport(args: string[], io: CliIo): Promise<number> {
  // parseArgs gives `format` as a string (its option type), absent when not given.
  const formatOf = (values: Record<string, unknown>): string =>
    typeof values.format === 'string' ? values.format : 'md';
  const refuse = (values: Record<string, unknown>) =>
    ['md', 'json'].includes(formatOf(values)) ? undefined : `--format is md or json, got "${formatOf(values)}"`;
  return withGoLive(
    'report',
    REPORT_USAGE,
    args,
    io,
    { format: { type: 'string' } },
    refuse,
    async (store, goLive, values) => {
      // Offline there is no Slack to ask: people appear by id.
      const record = await recordOf(store, goLive.id, systemClock, async () => () => undefined);
      if (!record) throw new Error(`go-live ${goLive.id} vanished while reading it`);
      io.stdout(formatOf(values) === 'json' ? recordJson(record) : recordMarkdown(record));
      return 0;
    },
  );
}
