// The `golive` command: dispatches to one subcommand and resolves to its exit status (bin/golive.js sets it).
// Each subcommand's module is loaded only when it runs: `check` alone (HTTP and TLS clients, every check) took
// ~0.5 s of CPU to load, which `golive verify` paid before reading its first event.
import { processIo } from './cli/io.js';
import type { CliIo } from './cli/io.js';

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
        return await (await import('./cli/check.js')).runCheck(rest, io);
      case 'template':
        if (rest[0] === 'validate')
          return await (await import('./cli/template-validate.js')).runTemplateValidate(rest.slice(1), io);
        io.stderr(`golive template: unknown subcommand ${rest[0] ?? '(none)'}\n${USAGE}`);
        return 2;
      case 'backup':
        return await (await import('./cli/backup.js')).runBackup(rest, io);
      case 'report':
        return await (await import('./cli/report.js')).runReport(rest, io);
      case 'verify':
        return await (await import('./cli/verify.js')).runVerify(rest, io);
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
    io.stderr(
      `golive ${command}: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}\n`,
    );
    return 1;
  }
}
