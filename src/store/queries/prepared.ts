/**
 * Hot queries built and compiled by Kysely once, then run with new parameters.
 *
 * Building a query and compiling it to SQL costs more than running most of the engine's
 * small queries (docs/performance.md, "Optimisations (session 2)"). A prepared query is
 * written as usual, as a function of the database and its arguments; the first time it
 * runs on a dialect, it is built with a unique marker in place of each argument and
 * compiled, and the position of each marker among the compiled parameters is kept. Every
 * later run fills those positions with the arguments and sends the same SQL text, so the
 * query is exactly what the builder would have made for those arguments.
 *
 * The build function must not depend on its arguments' values (no `if` on them, no `in`
 * lists of varying length, no argument used as an identifier): each argument must reach the
 * SQL as one bound parameter. That is checked at the first compile: a marker that is not a
 * parameter on its own (inlined into the text, changed, or dropped) throws, so a misuse
 * fails at once in tests instead of running the wrong query.
 *
 * A database with Kysely plugins (none in production; benchmarks count statements with
 * one) builds every query anew, so that the plugins see each query as usual.
 */
import { createQueryId, type Compilable, type CompiledQuery, type QueryId, type QueryResult, type RootOperationNode } from 'kysely';
import type { Db } from '../store.js';

/** Plain ASCII, so that it is still found in a parameter made from it (JSON, concatenation). */
const MARKER = 'lobby:prepared-argument:';

type Slot = { arg: number } | { value: unknown };

interface Template {
  readonly sql: string;
  readonly query: RootOperationNode;
  /** Only plugins read a query's id, and a database with plugins does not use templates. */
  readonly queryId: QueryId;
  readonly slots: readonly Slot[];
  /** The slots are the arguments in order, and nothing else: parameters are the arguments as given. */
  readonly direct: boolean;
}

export class PreparedQuery<A extends unknown[], R> {
  /** One template per dialect (the SQL text differs), keyed by the Kysely adapter. */
  private readonly templates = new WeakMap<object, Template>();

  constructor(
    private readonly build: (db: Db, ...args: A) => Compilable<R>,
    private readonly arity: number,
  ) {}

  /** The compiled query for these arguments, as `build(db, ...args).compile()` would make it. */
  compile(db: Db, args: A): CompiledQuery<R> {
    const executor = db.getExecutor();
    if (executor.plugins.length > 0) return this.build(db, ...args).compile();
    let t = this.templates.get(executor.adapter);
    if (t === undefined) {
      t = this.template(db);
      this.templates.set(executor.adapter, t);
    }
    const parameters = t.direct ? args : t.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    return { sql: t.sql, query: t.query as CompiledQuery<R>['query'], queryId: t.queryId, parameters };
  }

  execute(db: Db, ...args: A): Promise<QueryResult<R>> {
    return db.executeQuery(this.compile(db, args));
  }

  async all(db: Db, ...args: A): Promise<R[]> {
    return (await this.execute(db, ...args)).rows;
  }

  async first(db: Db, ...args: A): Promise<R | undefined> {
    return (await this.execute(db, ...args)).rows[0];
  }

  /** Rows changed by an insert, update or delete. */
  async changes(db: Db, ...args: A): Promise<number> {
    return Number((await this.execute(db, ...args)).numAffectedRows ?? 0n);
  }

  private template(db: Db): Template {
    const markers = Array.from({ length: this.arity }, (_, i) => `${MARKER}${i}`);
    const compiled = this.build(db, ...(markers as A)).compile();
    if (compiled.sql.includes(MARKER)) throw new Error(`prepared query: an argument was written into the SQL text: ${compiled.sql}`);
    const found = new Set<number>();
    const slots: Slot[] = compiled.parameters.map((p) => {
      if (typeof p !== 'string' || !p.includes(MARKER)) return { value: p };
      const arg = markers.indexOf(p);
      if (arg < 0) throw new Error(`prepared query: an argument was changed on its way to the SQL: ${compiled.sql}`);
      found.add(arg);
      return { arg };
    });
    if (found.size !== this.arity) throw new Error(`prepared query: only ${found.size} of ${this.arity} arguments are parameters: ${compiled.sql}`);
    const direct = slots.length === this.arity && slots.every((s, i) => 'arg' in s && s.arg === i);
    return { sql: compiled.sql, query: compiled.query, queryId: createQueryId(), slots, direct };
  }
}

/** A value Kysely binds as one parameter as it is (not an expression, a builder or a function). */
export function isPlainValue(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

/**
 * A query compiled once per dialect: `build` is called with markers for its arguments
 * (as many as it declares after `db`), see the module comment.
 */
export function prepared<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): PreparedQuery<A, R> {
  return new PreparedQuery(build, build.length - 1);
}

/**
 * A query over a list of values (`in (…)`), prepared once per list length up to
 * `maxLength` (the SQL differs by length); longer lists are built each time.
 */
export class PreparedList<V, R> {
  private readonly byLength = new Map<number, PreparedQuery<V[], R>>();

  constructor(
    private readonly build: (db: Db, values: readonly V[]) => Compilable<R>,
    private readonly maxLength = 8,
  ) {}

  async all(db: Db, values: readonly V[]): Promise<R[]> {
    const n = values.length;
    if (n > this.maxLength) return (await db.executeQuery(this.build(db, values).compile())).rows;
    let q = this.byLength.get(n);
    if (q === undefined) {
      q = new PreparedQuery<V[], R>((d, ...vs) => this.build(d, vs), n);
      this.byLength.set(n, q);
    }
    return q.all(db, ...values);
  }
}
