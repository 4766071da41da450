/**
 * Replays the customer's shared page live in the rep console (docs/cobrowse.md), with rrweb's
 * Replayer in live mode, inside a sandboxed iframe that runs none of the page's scripts.
 *
 * Frames arrive as parts of batches (FrameAssembler puts them together). A batch that starts
 * with a full snapshot (a page load, or a snapshot the server asked for) starts a new
 * Replayer, so that memory does not grow with a long session and a new page is drawn clean.
 * The Replayer's clock starts at the newest event it was built from: what came before is
 * drawn at once, what comes after plays as it arrives, whatever the customer's clock says.
 */
import { Replayer, type eventWithTime } from 'rrweb';
import 'rrweb/dist/style.css';

export interface FramePart {
  seq: number;
  part: number;
  parts: number;
  checkout: boolean;
  data: string;
}

export interface Batch {
  checkout: boolean;
  events: eventWithTime[];
}

/** Puts the parts of each batch back together; a batch with a gap is dropped, not guessed. */
export class FrameAssembler {
  private seq = -1;
  private checkout = false;
  private parts: string[] = [];

  /** The whole batch once its last part came, else null. */
  add(frame: FramePart): Batch | null {
    if (frame.part === 0) {
      this.seq = frame.seq;
      this.checkout = frame.checkout;
      this.parts = [];
    } else if (frame.seq !== this.seq || frame.part !== this.parts.length) {
      this.parts = [];
      this.seq = -1;
      return null;
    }
    this.parts.push(frame.data);
    if (this.parts.length < frame.parts) return null;
    const text = this.parts.join('');
    this.parts = [];
    this.seq = -1;
    try {
      const events = JSON.parse(text) as unknown;
      return Array.isArray(events) ? { checkout: this.checkout, events: events as eventWithTime[] } : null;
    } catch {
      return null;
    }
  }

  reset(): void {
    this.parts = [];
    this.seq = -1;
  }
}

export class LivePlayer {
  private replayer: Replayer | null = null;
  private size = { width: 0, height: 0 };
  private readonly resizeObserver: ResizeObserver;

  /** `onPage`: whether a page is drawn (false until the first full snapshot, and after clear()). */
  constructor(
    private readonly root: HTMLElement,
    private readonly onPage: (shown: boolean) => void,
  ) {
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(root);
  }

  /** Draws batches in order; incremental batches before any full snapshot have nothing to apply to. */
  play(batches: Batch[]): void {
    let start = -1;
    batches.forEach((b, i) => {
      if (b.checkout) start = i;
    });
    if (start >= 0) this.restart(batches.slice(start));
    else if (this.replayer) for (const b of batches) for (const e of b.events) this.replayer.addEvent(e);
  }

  clear(): void {
    this.replayer?.destroy();
    this.replayer = null;
    this.root.replaceChildren();
    this.root.style.height = '';
    this.onPage(false);
  }

  destroy(): void {
    this.clear();
    this.resizeObserver.disconnect();
  }

  private restart(batches: Batch[]): void {
    this.replayer?.destroy();
    this.root.replaceChildren();
    const events = batches.flatMap((b) => b.events);
    const newest = events.reduce((max, e) => Math.max(max, e.timestamp), 0);
    const replayer = new Replayer([], {
      root: this.root,
      liveMode: true,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      mouseTail: { strokeStyle: 'rgba(31, 95, 191, 0.5)', lineWidth: 2 },
    });
    replayer.on('resize', (dimension) => {
      const { width, height } = dimension as { width: number; height: number };
      this.size = { width, height };
      this.fit();
    });
    replayer.startLive(newest);
    for (const e of events) replayer.addEvent(e);
    this.replayer = replayer;
    this.onPage(true);
  }

  /**
   * Scales the customer's viewport down to the width the console has, and to three
   * quarters of its window's height, so that the whole of it is in view; centred.
   */
  private fit(): void {
    const wrapper = this.replayer?.wrapper;
    if (!wrapper || this.size.width === 0) return;
    const maxHeight = Math.max(320, window.innerHeight * 0.75);
    const scale = Math.min(1, this.root.clientWidth / this.size.width, maxHeight / this.size.height);
    wrapper.style.transformOrigin = '0 0';
    wrapper.style.transform = `scale(${scale})`;
    wrapper.style.left = `${Math.max(0, (this.root.clientWidth - this.size.width * scale) / 2)}px`;
    this.root.style.height = `${Math.ceil(this.size.height * scale)}px`;
  }
}
