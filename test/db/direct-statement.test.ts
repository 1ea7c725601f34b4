// A drizzle query run on its own statement gives what drizzle itself gives: the same rows (JSON and boolean columns
// decoded, NULL kept), the same writes, and a clear error for a placeholder the call left out.
import Database from 'better-sqlite3';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { direct, DirectStatementError } from '../../db/direct-statement.js';

const things = sqliteTable('things', {
  id: text('id').primaryKey(),
  label: text('label'),
  shown: integer('shown', { mode: 'boolean' }).notNull(),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  count: integer('count').notNull(),
});
const columns = getTableColumns(things);

let sqlite: Database.Database;
let db: ReturnType<typeof drizzle>;
beforeEach(() => {
  sqlite = new Database(':memory:');
  sqlite.exec(
    'CREATE TABLE things (id text PRIMARY KEY, label text, shown integer NOT NULL, tags text NOT NULL, count integer NOT NULL)',
  );
  db = drizzle(sqlite);
  db.insert(things)
    .values({ id: 'a', label: 'first', shown: true, tags: ['x', 'y'], count: 1 })
    .run();
  db.insert(things).values({ id: 'b', label: null, shown: false, tags: [], count: 2 }).run();
});
afterEach(() => sqlite.close());

describe('direct', () => {
  it('reads the rows drizzle reads, decoded by the selected columns', () => {
    const byId = db
      .select(columns)
      .from(things)
      .where(eq(things.id, sql.placeholder('id')));
    const statement = direct(sqlite, byId, columns);

    for (const id of ['a', 'b']) expect(statement.get({ id })).toEqual(byId.prepare().get({ id }));
    expect(statement.get({ id: 'a' })).toEqual({ id: 'a', label: 'first', shown: true, tags: ['x', 'y'], count: 1 });
    expect(statement.get({ id: 'b' })).toMatchObject({ label: null, shown: false, tags: [] });
    expect(statement.get({ id: 'none' })).toBeUndefined();
    expect(direct(sqlite, db.select(columns).from(things), columns).all()).toEqual(
      db.select(columns).from(things).all(),
    );
  });

  it('gives a `sql` expression as SQLite does', () => {
    const text = { json: sql<string>`${things.tags}` };
    const statement = direct(
      sqlite,
      db
        .select(text)
        .from(things)
        .where(eq(things.id, sql.placeholder('id'))),
      text,
    );
    expect(statement.get({ id: 'a' })).toEqual({ json: '["x","y"]' });
  });

  it('writes with the values of its placeholders, and refuses a call that leaves one out', () => {
    const bump = direct(
      sqlite,
      db
        .update(things)
        .set({ count: sql`${things.count} + ${sql.placeholder('by')}` })
        .where(eq(things.id, sql.placeholder('id'))),
    );
    expect(bump.run({ id: 'a', by: 41 }).changes).toBe(1);
    expect(db.select({ count: things.count }).from(things).where(eq(things.id, 'a')).get()).toEqual({ count: 42 });

    expect(() => bump.run({ id: 'a' })).toThrow(DirectStatementError);
    expect(() => bump.run({ id: 'a' })).toThrow('no value for placeholder "by"');
    try {
      bump.run({ id: 'a' });
    } catch (error) {
      expect((error as DirectStatementError).code).toBe('DIRECT_STATEMENT_PLACEHOLDER');
    }
  });
});
