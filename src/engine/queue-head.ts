/**
 * The head of one automatic queue as an Equilibrium pass reads it: its offerable
 * candidates in Q4 order, page by page. Two indexes give them, each in Q4 order: waiting
 * sessions (`sessions_offerable`) and, S1, open invitations (`invitations_offerable`).
 */
import { compareQueueOrder } from '../core/queue-order.js';
import type { SessionSnapshot } from '../core/routing-types.js';
import type { Db } from '../store/store.js';
import { loadInvitationHead } from './invitation-candidates.js';
import { loadQueueHead } from './routing-snapshot.js';

/** Rows of the first read of a source; each later read asks for as many as were read. */
export const FIRST_HEAD_PAGE = 4;

type Load = (db: Db, queueId: string, limit: number, offset: number) => Promise<SessionSnapshot[]>;

interface Source {
  readonly load: Load;
  readonly rows: SessionSnapshot[];
  done: boolean;
}

/**
 * `rows` is always a prefix of the queue's candidates in Q4 order: the candidates read, up
 * to the last one of the source that is read least far (a candidate of the other source
 * past it might still come before one not yet read). `done` once both sources are read to
 * their end. Planning over `rows` is thus planning over the first `rows.length` candidates.
 */
export class QueueHead {
  rows: SessionSnapshot[] = [];
  done = false;
  private readonly sources: Source[];

  /** `invitations`: whether the queue holds offerable invitations (a pass reads that first, for every queue at once). */
  constructor(
    readonly queueId: string,
    invitations: boolean,
  ) {
    this.sources = [
      { load: loadQueueHead, rows: [], done: false },
      { load: loadInvitationHead, rows: [], done: !invitations },
    ];
  }

  /** Reads the next page of every source not read to its end, doubling the page each time. */
  async readMore(db: Db): Promise<void> {
    for (const source of this.sources) {
      if (source.done) continue;
      const page = Math.max(FIRST_HEAD_PAGE, source.rows.length);
      const rows = await source.load(db, this.queueId, page, source.rows.length);
      source.rows.push(...rows);
      source.done = rows.length < page;
    }
    this.done = this.sources.every((s) => s.done);
    const all = this.sources.flatMap((s) => s.rows).sort(compareQueueOrder);
    // A source read only part of the way says nothing about what comes after its last row.
    const frontiers = this.sources.filter((s) => !s.done).map((s) => s.rows.at(-1)!);
    const frontier = frontiers.sort(compareQueueOrder)[0];
    this.rows = frontier === undefined ? all : all.filter((c) => compareQueueOrder(c, frontier) <= 0);
  }
}
