/**
 * Connections held by a node that died. Presence (A1) and customer presence (L3) count
 * live WebSocket connections in the database; a node that closes normally takes its
 * connections away one by one, but a node that crashes, or loses its network, cannot. On
 * PostgreSQL several nodes share the database, so each node records the connections it
 * holds (`node_connections`) and beats a heartbeat (`nodes`); a node that has not beaten
 * for `timeoutMs` is dead, and any other node lets its connections go exactly as if they
 * had closed: offers to its reps are rescinded at once and the grace periods start.
 *
 * Invariant: a subject's connection count in `presence` / `customer_connections` is the
 * sum of its `node_connections` rows. Every change of those counts goes through here.
 *
 * Liveness is measured on its own clock (wall time by default), not on the routing clock:
 * whether a process is alive is physical, while tests move the routing clock by minutes.
 */
import type { Logger } from 'pino';
import type { Db, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { CommandContext, CommandRunner } from './command-runner.js';

export type ConnectionKind = 'rep' | 'customer';

/** What a connection changes in presence; run inside the connection's own command. */
export interface PresenceHooks {
  connected(ctx: CommandContext, kind: ConnectionKind, subjectId: string): Promise<void>;
  disconnected(ctx: CommandContext, kind: ConnectionKind, subjectId: string): Promise<void>;
}

export interface LivenessOptions {
  /** Wall time by default; tests inject a manual clock and call tick(). */
  clock: Clock;
  heartbeatMs: number;
  /** A node silent for this long is dead. Several heartbeats, so that a slow beat is not death. */
  timeoutMs: number;
}

export const DEFAULT_LIVENESS = { heartbeatMs: 10_000, timeoutMs: 45_000 };

interface LivenessDeps extends LivenessOptions {
  store: Store;
  runner: CommandRunner;
  nodeId: string;
  logger: Logger;
  hooks: PresenceHooks;
}

const key = (kind: ConnectionKind, subjectId: string) => `${kind}\u0000${subjectId}`;

async function countedHere(tx: Db, nodeId: string, kind: ConnectionKind, subjectId: string): Promise<number> {
  const row = await tx
    .selectFrom('node_connections')
    .select('connections')
    .where('node_id', '=', nodeId)
    .where('kind', '=', kind)
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  return row?.connections ?? 0;
}

async function setCounted(tx: Db, nodeId: string, kind: ConnectionKind, subjectId: string, connections: number): Promise<void> {
  if (connections <= 0) {
    await tx.deleteFrom('node_connections').where('node_id', '=', nodeId).where('kind', '=', kind).where('subject_id', '=', subjectId).execute();
    return;
  }
  await tx
    .insertInto('node_connections')
    .values({ node_id: nodeId, kind, subject_id: subjectId, connections })
    .onConflict((oc) => oc.columns(['node_id', 'kind', 'subject_id']).doUpdateSet({ connections }))
    .execute();
}

export class NodeLiveness {
  readonly nodeId: string;
  /** The connections this process holds open, as it knows them: what it re-counts if it was declared dead. */
  private readonly held = new Map<string, { kind: ConnectionKind; subjectId: string; connections: number }>();
  private interval: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LivenessDeps) {
    this.nodeId = deps.nodeId;
  }

  /** Registers this node; on a single-node store, first forgets every node of earlier runs. */
  async start(options: { beat: boolean }): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock.now();
    await store.db
      .insertInto('nodes')
      .values({ id: this.nodeId, started_at: now, heartbeat_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
      .execute();
    if (!options.beat) return;
    await this.tick();
    this.interval = setInterval(() => void this.tick(), this.deps.heartbeatMs);
    this.interval.unref();
  }

  async stop(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    await this.ticking;
    const { db } = this.deps.store;
    if (this.held.size === 0) {
      await db.deleteFrom('nodes').where('id', '=', this.nodeId).execute();
      return;
    }
    // Connections still open as it stops: the other nodes let them go at their next beat.
    await db.updateTable('nodes').set({ heartbeat_at: 0 }).where('id', '=', this.nodeId).execute();
  }

  /** A connection opened on this node: counted here, then in presence. */
  async connected(ctx: CommandContext, kind: ConnectionKind, subjectId: string): Promise<void> {
    const counted = await countedHere(ctx.tx, this.nodeId, kind, subjectId);
    await setCounted(ctx.tx, this.nodeId, kind, subjectId, counted + 1);
    await this.deps.hooks.connected(ctx, kind, subjectId);
  }

  /**
   * A connection on this node closed. When another node already let it go (it took this
   * node for dead), it is no longer counted, and presence must not lose it twice.
   */
  async disconnected(ctx: CommandContext, kind: ConnectionKind, subjectId: string): Promise<void> {
    const counted = await countedHere(ctx.tx, this.nodeId, kind, subjectId);
    if (counted === 0) return;
    await setCounted(ctx.tx, this.nodeId, kind, subjectId, counted - 1);
    await this.deps.hooks.disconnected(ctx, kind, subjectId);
  }

  /** Keeps the in-memory view in step, after the connection's command committed. */
  remember(kind: ConnectionKind, subjectId: string, delta: 1 | -1): void {
    const k = key(kind, subjectId);
    const entry = this.held.get(k) ?? { kind, subjectId, connections: 0 };
    entry.connections = Math.max(0, entry.connections + delta);
    if (entry.connections === 0) this.held.delete(k);
    else this.held.set(k, entry);
  }

  /** One heartbeat: prove this node alive, then let go of the nodes that are not. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.beat()).catch((err: unknown) => this.deps.logger.error({ err }, 'node heartbeat failed'));
    return this.ticking;
  }

  private async beat(): Promise<void> {
    const { store, clock, timeoutMs, runner } = this.deps;
    const now = clock.now();
    const beaten = await store.db.updateTable('nodes').set({ heartbeat_at: now }).where('id', '=', this.nodeId).executeTakeFirst();
    if (Number(beaten.numUpdatedRows) === 0) await this.rejoin(now);
    const dead = await store.db.selectFrom('nodes').select('id').where('heartbeat_at', '<', now - timeoutMs).where('id', '<>', this.nodeId).execute();
    for (const { id } of dead) {
      const released = await runner.run((ctx) => this.release(ctx, id, now));
      if (released > 0) this.deps.logger.warn({ node: id, connections: released }, 'a node stopped beating: its connections were let go');
    }
  }

  /** Lets a dead node's connections go, as if each had closed; returns how many. */
  private async release(ctx: CommandContext, nodeId: string, now: number): Promise<number> {
    // Under the routing lock: another node may have released it, or it may have come back.
    const node = await ctx.tx.selectFrom('nodes').select('heartbeat_at').where('id', '=', nodeId).executeTakeFirst();
    if (!node || node.heartbeat_at >= now - this.deps.timeoutMs) return 0;
    const rows = await ctx.tx.selectFrom('node_connections').selectAll().where('node_id', '=', nodeId).orderBy('kind').orderBy('subject_id').execute();
    await ctx.tx.deleteFrom('node_connections').where('node_id', '=', nodeId).execute();
    await ctx.tx.deleteFrom('nodes').where('id', '=', nodeId).execute();
    let released = 0;
    for (const row of rows) {
      for (let i = 0; i < row.connections; i++) {
        await this.deps.hooks.disconnected(ctx, row.kind, row.subject_id);
        released += 1;
      }
    }
    return released;
  }

  /**
   * This node was taken for dead (a long pause, a lost network) and its connections let
   * go; those still open count again, as if they had just connected.
   */
  private async rejoin(now: number): Promise<void> {
    this.deps.logger.warn({ node: this.nodeId }, 'this node was taken for dead: counting its open connections again');
    await this.deps.runner.run(async (ctx) => {
      await ctx.tx
        .insertInto('nodes')
        .values({ id: this.nodeId, started_at: now, heartbeat_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
        .execute();
      for (const { kind, subjectId, connections } of this.held.values()) {
        const counted = await countedHere(ctx.tx, this.nodeId, kind, subjectId);
        for (let i = counted; i < connections; i++) await this.deps.hooks.connected(ctx, kind, subjectId);
        if (connections > counted) await setCounted(ctx.tx, this.nodeId, kind, subjectId, connections);
      }
    });
  }
}

/** Single-node store after a restart: no connection of an earlier run is open any more. */
export async function forgetEarlierNodes(tx: Db, nodeId: string): Promise<void> {
  await tx.deleteFrom('node_connections').where('node_id', '<>', nodeId).execute();
  await tx.deleteFrom('nodes').where('id', '<>', nodeId).execute();
}
