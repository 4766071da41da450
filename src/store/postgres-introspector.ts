import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's migrator asks the introspector whether its bookkeeping tables exist. The stock
 * PostgreSQL introspector reads every schema of the database and calls functions such as
 * `has_schema_privilege(nspname, …)` per row, which fail with "schema … does not exist"
 * when another site (or another test file) drops its schema at that moment. Lobby only
 * ever needs its own schema's table names, so this one looks at that schema alone.
 */
export class SchemaScopedIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schemaName: () => Promise<string>,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const schema = await this.schemaName();
    const rows = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(this.db);
    return rows.rows.map((r) => ({ name: r.name }));
  }

  async getTables(): Promise<TableMetadata[]> {
    const schema = await this.schemaName();
    const rows = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = ${schema} and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    // Column details are not needed by the migrator, nor anywhere in Lobby.
    return rows.rows.map((r) => ({ name: r.name, schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** PostgresDialect whose introspection is limited to the store's own schema. */
export class ScopedPostgresDialect extends PostgresDialect {
  #schema: Promise<string> | null = null;

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db, () => {
      this.#schema ??= sql<{ schema: string | null }>`select current_schema() as schema`
        .execute(db)
        .then((r) => r.rows[0]?.schema ?? 'public');
      return this.#schema;
    });
  }
}
