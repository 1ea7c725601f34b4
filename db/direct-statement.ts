// A query drizzle built, run on a better-sqlite3 statement of its own: the SQL, the placeholders and the column
// decoders are drizzle's, the per-call work is not. On the click path drizzle's per-call work (each placeholder and
// each column through its entity checks, a fresh object per step) cost more than SQLite running the statement.
import type Database from 'better-sqlite3';
import { Column, is, Param, Placeholder } from 'drizzle-orm';
import type { Query, SQL } from 'drizzle-orm';

type Values = Record<string, unknown>;

/** A drizzle query as built: its SQL and parameters, and the types of its rows. */
export interface Prepared {
  toSQL(): Query;
  get(values?: Values): unknown;
  all(values?: Values): unknown;
}

/** A column (decoded as drizzle decodes it) or a `sql` expression (its value as SQLite gives it: no `mapWith`). */
export type Selected = Column | SQL;

export interface DirectStatement<Q extends Prepared> {
  run(values?: Values): Database.RunResult;
  get(values?: Values): ReturnType<Q['get']>;
  all(values?: Values): ReturnType<Q['all']>;
}

export class DirectStatementError extends Error {
  readonly code = 'DIRECT_STATEMENT_PLACEHOLDER';

  constructor(name: string) {
    super(`no value for placeholder "${name}"`);
    this.name = 'DirectStatementError';
  }
}

/**
 * `query` (a drizzle query, built but not run) on its own statement of `sqlite`. A select passes the columns it
 * selected, in the same order (a select of a whole table: `getTableColumns(table)`), so its rows come out as
 * drizzle's do.
 */
export function direct<Q extends Prepared>(
  sqlite: Database.Database,
  query: Q,
  selected?: Record<string, Selected>,
): DirectStatement<Q> {
  const { sql, params } = query.toSQL();
  const statement = sqlite.prepare(sql);
  const bind = params.map(binder);
  // One array per call, bound as it is: better-sqlite3 takes an array of anonymous parameters.
  const args = (values: Values = {}): unknown[] => bind.map((value) => value(values));
  if (selected === undefined) {
    return {
      run: (values) => statement.run(args(values)),
      get: (values) => statement.get(args(values)) as ReturnType<Q['get']>,
      all: (values) => statement.all(args(values)) as ReturnType<Q['all']>,
    };
  }
  const keys = Object.keys(selected);
  const decoders = Object.values(selected).map(decoderOf);
  const raw = statement.raw(true);
  const toRow = (values: unknown[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i += 1) {
      const value = values[i];
      row[keys[i] as string] = value === null ? null : (decoders[i] as Decoder)(value);
    }
    return row;
  };
  return {
    run: (values) => raw.run(args(values)),
    get: (values) => {
      const found = raw.get(args(values)) as unknown[] | undefined;
      return (found === undefined ? undefined : toRow(found)) as ReturnType<Q['get']>;
    },
    all: (values) => (raw.all(args(values)) as unknown[][]).map(toRow) as ReturnType<Q['all']>,
  };
}

type Decoder = (value: unknown) => unknown;

/** How one parameter gets its value: a placeholder's from the call (through its column's encoder), else as built. */
function binder(param: unknown): (values: Values) => unknown {
  if (is(param, Placeholder)) return (values) => valueOf(values, param.name);
  if (is(param, Param) && is(param.value, Placeholder)) {
    const { encoder } = param;
    const { name } = param.value;
    return (values) => encoder.mapToDriverValue(valueOf(values, name));
  }
  return () => param;
}

function valueOf(values: Values, name: string): unknown {
  if (!(name in values)) throw new DirectStatementError(name);
  return values[name];
}

function decoderOf(field: Selected): Decoder {
  return is(field, Column) ? (value) => field.mapFromDriverValue(value) : (value) => value;
}
