/**
 * Several Lobby sites (and the test files) share one PostgreSQL database, each in its own
 * schema. Opening a store runs migrations; they must not fail because another schema is
 * being dropped at that moment (CI once failed with "schema t_… does not exist" when the
 * stock introspector read every schema of the database).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { STORE_KINDS, TEST_PG_URL } from '../support/test-stores.js';

const pgAvailable = STORE_KINDS.includes('postgres');

describe.runIf(pgAvailable)('PostgreSQL stores in one database', () => {
  it('migrate while other schemas are created and dropped', async () => {
    const churn = new pg.Client({ connectionString: TEST_PG_URL });
    await churn.connect();
    let stop = false;
    let churned = 0;
    const churning = (async () => {
      while (!stop) {
        const other = `churn_${randomBytes(5).toString('hex')}`;
        await churn.query(`create schema ${other}; create table ${other}.t (id serial primary key, a text, b text, c text)`);
        await churn.query(`drop schema ${other} cascade`);
        churned += 1;
      }
    })();
    const schemas: string[] = [];
    try {
      for (let i = 0; i < 8; i += 1) {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        schemas.push(schema);
        const store = await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 2 });
        const row = await store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        expect(Number(row.n)).toBe(0);
        await store.close();
      }
    } finally {
      stop = true;
      await churning;
      for (const schema of schemas) await churn.query(`drop schema if exists ${schema} cascade`);
      await churn.end();
    }
    expect(churned).toBeGreaterThan(0);
  });

  it('reopening a migrated schema finds its own bookkeeping and changes nothing', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await (await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 2 })).close();
      const count = async () =>
        Number((await client.query(`select count(*) as n from ${schema}.kysely_migration`)).rows[0].n);
      const before = await count();
      await (await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 2 })).close();
      expect(await count()).toBe(before);
      expect(before).toBeGreaterThan(5);
    } finally {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  });
});
