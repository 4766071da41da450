/**
 * Records the host page for browser sharing (docs/cobrowse.md) with rrweb, in the customer's
 * browser, and hands it on as `cobrowse.data` frames.
 *
 * Privacy is decided here, before anything leaves the browser: every input's value passes
 * through `maskInputFn`, which replaces passwords (and fields that were passwords, one-time
 * codes and card numbers) and anything inside the site's marked elements with asterisks;
 * the text of marked elements is masked too; the widget itself is left out (blocked).
 * A selector the browser cannot parse masks every field, rather than none.
 *
 * Limits: events are batched (one batch at most every 250 ms), sent no faster than
 * SEND_RATE bytes a second on average, and each batch is cut into parts that fit the
 * server's frame limit. A backlog beyond MAX_PENDING is dropped and replaced by a fresh
 * full snapshot once the rate allows: the rep sees the page as it is now, a moment late.
 */
import { EventType, record, type eventWithTime } from 'rrweb';
import { MAX_PARTS, isSensitiveField, splitBatch, usableSelector, type CobrowseFrame } from './cobrowse-frames.js';

const FLUSH_MS = 250;
const SEND_RATE = 256 * 1024;
const MAX_PENDING = 2 * 1024 * 1024;
/** The widget's own element: never recorded. */
const WIDGET_SELECTOR = '#lobby-chat';

export interface RecorderOptions {
  send(frame: CobrowseFrame): void;
  /** A single batch is larger than the server takes: sharing cannot go on. */
  onTooLarge(): void;
}

export class PageRecorder {
  private stopRecording: (() => void) | null = null;
  private events: string[] = [];
  private chars = 0;
  private checkout = false;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextFlushAt = 0;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: RecorderOptions) {}

  get running(): boolean {
    return this.stopRecording !== null;
  }

  /** Starts recording (a full snapshot first); `mask` is the site's selector of private elements. */
  start(mask: string): void {
    if (this.running) return;
    const maskSelector = usableSelector(mask);
    const stop = record<eventWithTime>({
      emit: (event) => this.add(event),
      // Every field goes through maskInputFn, which decides what is private.
      maskAllInputs: true,
      maskInputFn: (text, element) => (isSensitiveField(element, maskSelector) ? '*'.repeat(text.length) : text),
      ...(maskSelector ? { maskTextSelector: maskSelector } : {}),
      blockSelector: WIDGET_SELECTOR,
      slimDOMOptions: 'all',
      inlineStylesheet: true,
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      // Every keystroke's value (not only on change): the rep follows the typing live.
      sampling: { mousemove: 100, scroll: 150, media: 800, input: 'all' },
    });
    this.stopRecording = stop ?? (() => undefined);
  }

  /** A fresh full snapshot (the server asks when a rep starts watching mid-stream). */
  checkoutNow(): void {
    if (this.running) record.takeFullSnapshot(true);
  }

  stop(): void {
    this.stopRecording?.();
    this.stopRecording = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.timer = null;
    this.resyncTimer = null;
    this.events = [];
    this.chars = 0;
    this.checkout = false;
  }

  /** rrweb's emit; the first snapshot comes during record() itself, before start() returns. */
  private add(event: eventWithTime): void {
    const json = JSON.stringify(event);
    if (event.type === EventType.Meta) {
      // A full snapshot starts a batch of its own, so that the server and the reps can start from it.
      this.flush();
      this.checkout = true;
    } else if (!this.checkout && this.chars + json.length > MAX_PENDING) {
      this.events = [];
      this.chars = 0;
      this.scheduleResync();
      return;
    }
    this.events.push(json);
    this.chars += json.length + 1;
    if (!this.timer) this.timer = setTimeout(() => this.flush(), Math.max(FLUSH_MS, this.nextFlushAt - Date.now()));
  }

  private scheduleResync(): void {
    if (this.resyncTimer) return;
    this.resyncTimer = setTimeout(
      () => {
        this.resyncTimer = null;
        this.checkoutNow();
      },
      Math.max(FLUSH_MS, this.nextFlushAt - Date.now()),
    );
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.events.length === 0) return;
    const text = `[${this.events.join(',')}]`;
    const checkout = this.checkout;
    this.events = [];
    this.chars = 0;
    this.checkout = false;
    const parts = splitBatch(text);
    if (parts.length > MAX_PARTS) {
      this.options.onTooLarge();
      return;
    }
    const seq = this.seq++;
    parts.forEach((data, part) => this.options.send({ type: 'cobrowse.data', seq, part, parts: parts.length, checkout, data }));
    // Throttle: the next batch waits until this one's bytes fit the average rate.
    this.nextFlushAt = Date.now() + (text.length / SEND_RATE) * 1000;
  }
}
