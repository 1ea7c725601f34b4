// The `golive` command: dispatches to one subcommand and resolves to its exit status (bin/golive.js sets it).
import { runBackup } from './cli/backup.js';
import { runCheck } from './cli/check.js';
import { runReport } from './cli/report.js';
import { processIo } from './cli/io.js';
import type { CliIo } from './cli/io.js';
import { runTemplateValidate } from './cli/template-validate.js';
import { runVerify } from './cli/verify.js';

export const USAGE = `usage: golive <command> [arguments]
  golive check <https-url> [--http-url URL] [--only kind,kind] [--json] [--allow-private] [--timeout MS]
      run the automatic checks of the default template against a URL
  golive template validate [file…]
      validate checklist templates (the default one and GOLIVE_TEMPLATES_DIR when no file is given)
  golive backup <file>
      an online backup of the database at DATABASE_URL, safe while the bot runs
  golive report <service|go-live-id> [--env E] [--format md|json]
      print the record of a go-live (its latest in production for a service) from DATABASE_URL
  golive verify <service|go-live-id> [--env E]
      recompute a go-live's audit hash chain: exit 0 intact, 1 naming the first event that does not fit
  golive help
      show this help
`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'template':
        if (rest[0] === 'validate') return await runTemplateValidate(rest.slice(1), io);
        io.stderr(`golive template: unknown subcommand ${rest[0] ?? '(none)'}\n${USAGE}`);
        return 2;
      case 'backup':
        return await runBackup(rest, io);
      case 'report':
        return await runReport(rest, io);
      case 'verify':
        return await runVerify(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return 0;
      case undefined:
        io.stderr(USAGE);
        return 2;
      default:
        io.stderr(`golive: unknown command ${command}\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // An unexpected failure: one line with its code, never a stack trace the user has to read.
    const code = (error as { code?: unknown }).code;
    io.stderr(`golive ${command}: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}\n`);
    return 1;
  }
}
