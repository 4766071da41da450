/**
 * One session's shared page on its way from the customer's page(s) to the reps watching it
 * (docs/cobrowse.md): fan-out, the frames since the last full snapshot for reps who start
 * watching mid-stream, and asking the page for a fresh snapshot when a rep has nothing to
 * start from. Who may watch, and whether sharing is on, the relay decides (cobrowse-relay.ts).
 */

/** The customer's sharing channel (one per page of theirs that is open). */
export interface CobrowseSource {
  send(text: string): void;
}

/** One rep console's socket, watching sessions. */
export interface CobrowseViewer {
  readonly repId: string;
  send(text: string): void;
  /** Bytes queued on the socket and not yet sent. */
  backlog(): number;
}

/** Frames kept for reps who start watching mid-stream, since the last full snapshot. */
export const COBROWSE_CACHE_BYTES = 8 * 1024 * 1024;
/** A rep's socket this far behind skips frames until the next full snapshot. */
export const COBROWSE_VIEWER_BACKLOG_BYTES = 8 * 1024 * 1024;

const CHECKOUT = JSON.stringify({ type: 'cobrowse.checkout' });

export class PageStream {
  readonly sources = new Set<CobrowseSource>();
  /** Each watching rep's socket, and whether it has a full snapshot to apply frames to. */
  private readonly viewers = new Map<CobrowseViewer, { synced: boolean }>();
  private cache: string[] = [];
  private cacheBytes = 0;
  private cacheValid = false;
  private checkoutAsked = false;

  constructor(private readonly sessionId: string) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  addSource(source: CobrowseSource): void {
    this.sources.add(source);
    // A page that (re)connects records afresh, starting with a full snapshot.
    this.checkoutAsked = false;
  }

  /** Relays one data frame (already checked and counted) to every rep who can apply it. */
  relay(text: string, startsSnapshot: boolean): void {
    if (startsSnapshot) {
      this.cache = [];
      this.cacheBytes = 0;
      this.cacheValid = true;
      this.checkoutAsked = false;
    }
    if (this.cacheValid) {
      this.cache.push(text);
      this.cacheBytes += text.length;
      if (this.cacheBytes > COBROWSE_CACHE_BYTES) this.dropCache();
    }
    for (const [viewer, view] of this.viewers) {
      if (startsSnapshot) view.synced = true;
      if (!view.synced) continue;
      if (viewer.backlog() > COBROWSE_VIEWER_BACKLOG_BYTES) {
        // Too far behind: skip to the next full snapshot rather than queue without end.
        view.synced = false;
        this.askCheckout();
        continue;
      }
      viewer.send(text);
    }
  }

  /**
   * A rep starts watching. While sharing is on they get the page so far in one message (the
   * console builds it at once and plays only what follows live), or the page is asked for a
   * full snapshot when there is none to give.
   */
  watch(viewer: CobrowseViewer, sharing: boolean): void {
    const view = { synced: false };
    this.viewers.set(viewer, view);
    if (!sharing) return;
    if (this.cacheValid && this.cache.length > 0) {
      viewer.send(`{"type":"cobrowse.catchup","sessionId":${JSON.stringify(this.sessionId)},"frames":[${this.cache.join(',')}]}`);
      view.synced = true;
    } else {
      this.askCheckout();
    }
  }

  unwatch(viewer: CobrowseViewer): boolean {
    return this.viewers.delete(viewer);
  }

  /** A rep left the session: none of their consoles gets more of it. */
  unwatchRep(repId: string): void {
    for (const viewer of [...this.viewers.keys()]) if (viewer.repId === repId) this.viewers.delete(viewer);
  }

  unwatchAll(): void {
    this.viewers.clear();
  }

  /** To every watching rep (the sharing state). */
  tellViewers(text: string): void {
    for (const viewer of this.viewers.keys()) viewer.send(text);
  }

  tellSources(text: string): void {
    for (const source of this.sources) source.send(text);
  }

  /** Sharing is off: nothing kept, and reps need a full snapshot before any later frame. */
  reset(): void {
    this.dropCache();
    this.checkoutAsked = false;
    for (const view of this.viewers.values()) view.synced = false;
  }

  private dropCache(): void {
    this.cache = [];
    this.cacheBytes = 0;
    this.cacheValid = false;
  }

  /** Once until the next snapshot arrives, or a page (re)connects. */
  private askCheckout(): void {
    if (this.checkoutAsked || this.sources.size === 0) return;
    this.checkoutAsked = true;
    this.tellSources(CHECKOUT);
  }
}
