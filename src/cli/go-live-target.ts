// The go-live a record command is about: `<service|go-live-id> [--env E]` read from DATABASE_URL, opened
// read-only so that a report or a verification never changes (or creates) the database it looks at.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StoreError, openSqliteStore } from '../../db/sqlite-store.js';
import type { SqliteStore } from '../../db/sqlite-store.js';
import { systemClock } from '../clock.js';
import type { GoLive } from '../domain/go-live.js';
import type { CliIo } from './io.js';

export const DEFAULT_ENVIRONMENT = 'production';

export interface TargetArgs {
  target: string;
  environment: string;
  /** Options besides --env, as parseArgs read them. */
  values: Record<string, string | boolean | undefined>;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Parses `<service|go-live-id> [--env E]` plus the command's own options; a reason on a usage error. */
function parseTargetArgs(
  args: string[],
  options: Options = {},
): { ok: true; value: TargetArgs } | { ok: false; reason: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, env: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const [target, ...extra] = parsed.positionals;
  if (target === undefined || target === '') return { ok: false, reason: 'name a service or a go-live id' };
  if (extra.length > 0) return { ok: false, reason: `unexpected ${extra.join(' ')}` };
  const { env, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  if (env !== undefined && (typeof env !== 'string' || env.trim() === ''))
    return { ok: false, reason: '--env needs an environment name' };
  return {
    ok: true,
    value: { target, environment: typeof env === 'string' ? env.trim() : DEFAULT_ENVIRONMENT, values },
  };
}

type OpenedTarget = { ok: true; store: SqliteStore; goLive: GoLive } | { ok: false; reason: string };

/**
 * Opens DATABASE_URL read-only and finds the go-live: an id names it; a service name means its latest go-live in
 * the environment. The caller closes the store.
 */
async function openTarget(args: TargetArgs, io: CliIo): Promise<OpenedTarget> {
  const file = (io.env.DATABASE_URL ?? './data/golive.db').replace(/^file:/, '');
  if (file === ':memory:' || !existsSync(file))
    return { ok: false, reason: `no database at ${file} (set DATABASE_URL to the bot's file)` };
  let store: SqliteStore;
  try {
    store = openSqliteStore({ file, clock: systemClock, readonly: true });
  } catch (error) {
    if (error instanceof StoreError) return { ok: false, reason: error.message };
    throw error;
  }
  const goLive = (await store.getGoLive(args.target)) ?? (await store.findLatest(args.target, args.environment));
  if (goLive) return { ok: true, store, goLive };
  await store.close();
  return {
    ok: false,
    reason: `no go-live ${args.target} and no go-live of service ${args.target} in ${args.environment}`,
  };
}

/**
 * A record command's frame: parses `<service|go-live-id> [--env E]` and `options`, refuses a bad value (`refuse`
 * says why), opens the go-live, runs `work` and closes the store. Usage errors and unknown go-lives exit 2.
 */
export async function withGoLive(
  command: string,
  usage: string,
  args: string[],
  io: CliIo,
  options: Options,
  refuse: (values: TargetArgs['values']) => string | undefined,
  work: (store: SqliteStore, goLive: GoLive, values: TargetArgs['values']) => Promise<number>,
): Promise<number> {
  const parsed = parseTargetArgs(args, options);
  const refusal = parsed.ok ? refuse(parsed.value.values) : parsed.reason;
  if (!parsed.ok || refusal !== undefined) {
    io.stderr(`golive ${command}: ${refusal}\n${usage}`);
    return 2;
  }
  const opened = await openTarget(parsed.value, io);
  if (!opened.ok) {
    io.stderr(`golive ${command}: ${opened.reason}\n`);
    return 2;
  }
  try {
    return await work(opened.store, opened.goLive, parsed.value.values);
  } finally {
    await opened.store.close();
  }
}
