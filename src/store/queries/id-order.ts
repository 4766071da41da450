/**
 * Ids in the order the engine compares them (compareIds: by code unit), which is how the
 * routing indexes sort them: SQLite's default, PostgreSQL's "C" collation (migrations
 * 0004, 0007). A query ordered otherwise would not be served by those indexes' order.
 */
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Db } from '../store.js';

export function idOrder(db: Db, column: string): RawBuilder<string> {
  const ref = sql.ref(column);
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql<string>`${ref} collate "C"` : sql<string>`${ref}`;
}
