// An online backup of a Golive SQLite file: safe while the bot keeps writing (SQLite's backup API copies
// a consistent snapshot page by page). Opened read-only so a typo in the path never creates an empty database.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type BackupResult = { ok: true; pages: number } | { ok: false; reason: string };

export async function backupDatabase(fromFile: string, toFile: string): Promise<BackupResult> {
  if (fromFile === ':memory:') return { ok: false, reason: 'an in-memory database (:memory:) cannot be backed up' };
  if (!existsSync(fromFile))
    return { ok: false, reason: `no database at ${fromFile} (set DATABASE_URL to the bot's file)` };
  if (resolve(fromFile) === resolve(toFile)) return { ok: false, reason: 'the backup file is the database itself' };
  if (existsSync(toFile)) return { ok: false, reason: `${toFile} exists already: choose a new file name` };
  mkdirSync(dirname(resolve(toFile)), { recursive: true });
  const source = new Database(fromFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(toFile);
    return { ok: true, pages: totalPages };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    source.close();
  }
}
