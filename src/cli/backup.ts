// `golive backup <file>`: an online copy of the database named by DATABASE_URL, while the bot runs.
import { backupDatabase } from '../../db/backup.js';
import type { CliIo } from './io.js';

const USAGE = 'usage: golive backup <file>   (copies the database at DATABASE_URL, default ./data/golive.db)\n';

export async function runBackup(args: string[], io: CliIo): Promise<number> {
  const [target, ...extra] = args;
  if (!target || target.startsWith('-') || extra.length > 0) {
    io.stderr(USAGE);
    return 2;
  }
  const source = (io.env.DATABASE_URL ?? './data/golive.db').replace(/^file:/, '');
  const result = await backupDatabase(source, target);
  if (!result.ok) {
    io.stderr(`golive backup: ${result.reason}\n`);
    return 1;
  }
  io.stdout(`backed up ${source} to ${target} (${result.pages} pages)\n`);
  return 0;
}
