/**
 * Short beeps for the console's alerts (E4 offers, W1 overdue sessions), made with Web
 * Audio so that no sound file is needed. Browsers only let a page play sound after the
 * user has interacted with it; until then, and wherever audio is missing or blocked,
 * every call quietly does nothing. A sound must never break the console.
 */

export type AlertKind = 'offer' | 'warning' | 'overdue';

interface Tone {
  hz: number;
  /** Seconds after the call. */
  at: number;
  seconds: number;
}

const PATTERNS: Record<AlertKind, readonly Tone[]> = {
  // Rising two-tone: "something for you".
  offer: [
    { hz: 660, at: 0, seconds: 0.16 },
    { hz: 880, at: 0.2, seconds: 0.22 },
  ],
  // One short high tick: the offer is about to expire.
  warning: [{ hz: 990, at: 0, seconds: 0.12 }],
  // Three low beeps: a customer has waited too long.
  overdue: [
    { hz: 520, at: 0, seconds: 0.14 },
    { hz: 520, at: 0.22, seconds: 0.14 },
    { hz: 520, at: 0.44, seconds: 0.14 },
  ],
};

const VOLUME = 0.18;

type AudioContextClass = typeof AudioContext;

function audioContextClass(): AudioContextClass | null {
  // Older Safari has only the prefixed name; some browsers (or policies) have neither.
  const w = window as unknown as { AudioContext?: AudioContextClass; webkitAudioContext?: AudioContextClass };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

/** Whether the page has had the user interaction browsers require before playing sound. */
function userHasInteracted(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation;
  // Browsers without the API: try, and let the browser refuse.
  return activation ? activation.hasBeenActive : true;
}

export class AlertSound {
  #context: AudioContext | null = null;

  /** Call from a user input handler: creates or resumes the audio context while allowed. */
  unlock(): void {
    try {
      const context = this.#ensureContext();
      if (context?.state === 'suspended') context.resume().catch(() => undefined);
    } catch {
      // No audio here: alerts stay visual.
    }
  }

  play(kind: AlertKind): void {
    try {
      if (!userHasInteracted()) return;
      const context = this.#ensureContext();
      if (!context) return;
      if (context.state === 'suspended') context.resume().catch(() => undefined);
      const start = context.currentTime + 0.02;
      for (const tone of PATTERNS[kind]) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        const from = start + tone.at;
        const to = from + tone.seconds;
        oscillator.type = 'sine';
        oscillator.frequency.setValueAtTime(tone.hz, from);
        // Short ramps in and out: no clicks.
        gain.gain.setValueAtTime(0.0001, from);
        gain.gain.exponentialRampToValueAtTime(VOLUME, from + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, to);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(from);
        oscillator.stop(to + 0.02);
      }
    } catch {
      // Blocked or unsupported: the visual alert is enough.
    }
  }

  close(): void {
    const context = this.#context;
    this.#context = null;
    context?.close().catch(() => undefined);
  }

  #ensureContext(): AudioContext | null {
    if (this.#context) return this.#context;
    const Context = audioContextClass();
    if (!Context) return null;
    this.#context = new Context();
    return this.#context;
  }
}
