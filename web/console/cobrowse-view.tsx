/**
 * The customer's page on the session page (docs/cobrowse.md): a rep in a click-to-chat
 * session asks to see it; once the customer consents, it plays here live, and for every
 * other rep in the session too (S2). While the card is shown the console watches the
 * session on its live feed (and again after each reconnect); the server sends the sharing
 * state, the page so far, and then each change.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Banner } from '../shared/banner.js';
import { useCobrowseFeed, useRepEvents, type CobrowseMessage } from './rep-events.js';
import { FrameAssembler, LivePlayer, type Batch, type FramePart } from './cobrowse-player.js';

type Status = 'off' | 'requested' | 'sharing' | 'exhausted';

interface SharingState {
  status: Status;
  requestedBy: { id: string; name: string } | null;
  ended: { reason: string; by: string; repId?: string } | null;
  pageConnected: boolean;
  budgetBytes: number;
}

function isFrame(m: Record<string, unknown>): m is Record<string, unknown> & FramePart {
  return typeof m.seq === 'number' && typeof m.part === 'number' && typeof m.parts === 'number' && typeof m.checkout === 'boolean' && typeof m.data === 'string';
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** Why sharing is off, in a sentence; null when it never started. */
function endedText(state: SharingState, customer: string, selfId: string): string | null {
  if (state.status === 'exhausted') return `Sharing stopped: this session reached its limit for browser sharing (${megabytes(state.budgetBytes)}).`;
  const ended = state.ended;
  if (!ended) return null;
  switch (ended.reason) {
    case 'declined':
      return `${customer} declined to share their page.`;
    case 'withdrawn':
      return 'The request to see the page was withdrawn.';
    case 'session_moved':
      return 'Sharing stopped when the session moved to a queue.';
    default:
      if (ended.by === 'customer') return `${customer} stopped sharing their page.`;
      if (ended.by === 'rep') return ended.repId === selfId ? 'You stopped viewing the page.' : 'Another representative stopped viewing the page.';
      return 'Sharing stopped.';
  }
}

export function CobrowseCard({ sessionId, customer, selfId }: { sessionId: string; customer: string; selfId: string }) {
  const [state, setState] = useState<SharingState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const viewRef = useRef<HTMLDivElement | null>(null);
  const playerRef = useRef<LivePlayer | null>(null);
  const assembler = useRef(new FrameAssembler());

  const onMessage = useCallback(
    (m: CobrowseMessage) => {
      if (m.sessionId !== sessionId) return;
      const player = playerRef.current;
      if (m.type === 'cobrowse.state') {
        const next = m as unknown as SharingState;
        setState(next);
        setBusy(false);
        if (next.status !== 'sharing') {
          assembler.current.reset();
          player?.clear();
        }
      } else if (m.type === 'cobrowse.error') {
        const message = (m.error as { message?: unknown } | undefined)?.message;
        setError(typeof message === 'string' ? message : 'Browser sharing failed.');
        setBusy(false);
      } else if (m.type === 'cobrowse.catchup' && Array.isArray(m.frames)) {
        assembler.current.reset();
        const batches: Batch[] = [];
        for (const f of m.frames as Record<string, unknown>[]) {
          const batch = isFrame(f) ? assembler.current.add(f) : null;
          if (batch) batches.push(batch);
        }
        player?.play(batches);
      } else if (m.type === 'cobrowse.frame' && isFrame(m)) {
        const batch = assembler.current.add(m);
        if (batch) player?.play([batch]);
      }
    },
    [sessionId],
  );
  const send = useCobrowseFeed(onMessage);

  useEffect(() => {
    const root = viewRef.current;
    if (!root) return undefined;
    const player = new LivePlayer(root, setShown);
    playerRef.current = player;
    send({ type: 'cobrowse.watch', sessionId });
    return () => {
      send({ type: 'cobrowse.unwatch', sessionId });
      player.destroy();
      playerRef.current = null;
      assembler.current.reset();
    };
  }, [send, sessionId]);

  // After a reconnect the server knows nothing of this page: watch again, from a full snapshot.
  useRepEvents((event) => {
    if (event !== null) return;
    assembler.current.reset();
    send({ type: 'cobrowse.watch', sessionId });
  });

  const ask = () => {
    setError(null);
    setBusy(true);
    send({ type: 'cobrowse.request', sessionId });
  };
  const stop = () => {
    setError(null);
    setBusy(true);
    send({ type: 'cobrowse.stop', sessionId });
  };

  const status = state?.status ?? 'off';
  const ended = state ? endedText(state, customer, selfId) : null;
  return (
    <section className="card cobrowse" aria-labelledby="cobrowse-title">
      <div className="card__head">
        <h2 id="cobrowse-title">Customer’s page</h2>
        {status === 'sharing' ? <span className="badge badge--live">Live</span> : null}
      </div>
      {error ? <Banner onDismiss={() => setError(null)}>{error}</Banner> : null}
      <div role="status" className="cobrowse__status" data-testid="cobrowse-status">
        {state === null ? <p className="muted">Loading…</p> : null}
        {state !== null && status === 'off' ? (
          <>
            {ended ? <p>{ended}</p> : null}
            <p className="muted">
              {state.pageConnected
                ? `Ask ${customer} to share the page they are on: they see the request in their chat window and decide. Passwords and private fields stay hidden.`
                : `${customer}’s chat window is not open on their web site right now, so their page cannot be shared.`}
            </p>
          </>
        ) : null}
        {status === 'requested' ? (
          <p>
            Waiting for {customer} to agree{state?.requestedBy && state.requestedBy.id !== selfId ? ` (asked by ${state.requestedBy.name})` : ''}…
          </p>
        ) : null}
        {status === 'sharing' ? (
          <p>
            {state?.pageConnected === false
              ? `Waiting for ${customer}’s page (they may be moving to another page)…`
              : `You see ${customer}’s page live. Passwords and private fields are hidden in their browser.`}
          </p>
        ) : null}
        {status === 'exhausted' ? <p>{ended}</p> : null}
      </div>
      <div className="actions">
        {status === 'off' ? (
          <button type="button" className="btn btn--primary" onClick={ask} disabled={busy || !state?.pageConnected}>
            Ask to see the page
          </button>
        ) : null}
        {status === 'requested' ? (
          <button type="button" className="btn" onClick={stop} disabled={busy}>
            Cancel the request
          </button>
        ) : null}
        {status === 'sharing' ? (
          <button type="button" className="btn btn--danger" onClick={stop} disabled={busy}>
            Stop viewing
          </button>
        ) : null}
      </div>
      <div
        ref={viewRef}
        className="cobrowse__view"
        data-testid="cobrowse-view"
        {...(shown ? { role: 'region', 'aria-label': `${customer}’s page, live` } : { 'aria-hidden': true })}
      />
    </section>
  );
}
