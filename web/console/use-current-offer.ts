import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { CurrentOfferResponse, LobbyEvent, RepOffer, RepSessionDetail, SessionView } from '../shared/api-types.js';
import { placeOffer, type ShownOffer } from './offer-clock.js';
import { sessionHref } from './hash-route.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { useFrameRefresh } from './use-frame-refresh.js';

export interface CurrentOffer {
  shown: ShownOffer | null;
  /** Why the last offer closed without the rep's answer ("The offer expired."). */
  notice: string | null;
  dismissNotice(): void;
  /** Accept or reject on its way. */
  answering: 'accept' | 'reject' | null;
  /** An answer failed for a reason other than the offer being over. */
  error: string | null;
  accept(): void;
  reject(): void;
}

/** How long after the local deadline to ask the server, when no expiry event came. */
const EXPIRY_CHECK_MS = 3_000;

/** How long a "the offer expired" notice stays. */
const NOTICE_MS = 15_000;

const OFFER_END_EVENTS = new Set(['offer.expired', 'offer.rescinded', 'offer.accepted', 'offer.rejected']);

const WITHDRAWN_BECAUSE: Record<string, string> = {
  accepted_by_hand: 'another representative accepted the session',
  session_ended: 'the session ended',
  locked: 'you are away',
  idle: 'you were idle',
  opted_out: 'you turned off automatic assignment',
  disconnected: 'your console lost its connection',
  'session.transferred': 'the session was transferred',
  'session.overflowed': 'the session moved to another queue',
  'session.requeued': 'the session moved to another queue',
  // S1, S4: an invitation's offer.
  invitation_accepted: 'another representative joined through the invitation',
  invitation_withdrawn: 'the invitation was withdrawn',
  already_in_session: 'you are in that session now',
};

export function withdrawnNotice(reason: unknown): string {
  const why = typeof reason === 'string' ? WITHDRAWN_BECAUSE[reason] : undefined;
  return why ? `The offer was withdrawn: ${why}.` : 'The offer was withdrawn.';
}

function offerIdOf(event: LobbyEvent): string | null {
  const id = (event.data as { offerId?: unknown } | null)?.offerId;
  return typeof id === 'string' ? id : null;
}

/**
 * E4, E5: the offer this rep holds, of a session or (S1) of an invitation to join one. It
 * opens on `offer.made` for this rep (and on load or reconnect when one is pending), and
 * closes on the rep's answer or on the event that ends it, with a short notice saying why
 * when the rep did not answer. Accepting either opens the session's page: as its owner, or
 * as a participant.
 */
export function useCurrentOffer(client: RepClient, repId: string, onNewOffer: (offer: RepOffer) => void): CurrentOffer {
  const [shown, setShown] = useState<ShownOffer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [answering, setAnswering] = useState<'accept' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shownRef = useRef<ShownOffer | null>(null);
  const arrivals = useRef(new Map<string, number>());
  /** Offers known to be over: a read that raced with their end must not show them again. */
  const ended = useRef(new Set<string>());
  const announced = useRef(new Set<string>());
  const newOffer = useRef(onNewOffer);
  newOffer.current = onNewOffer;

  const show = useCallback((next: ShownOffer | null) => {
    shownRef.current = next;
    setShown(next);
    setError(null);
    setAnswering(null);
  }, []);

  const close = useCallback(
    (offerId: string, why: string | null) => {
      ended.current.add(offerId);
      arrivals.current.delete(offerId);
      if (shownRef.current?.offer.id !== offerId) return;
      show(null);
      setNotice(why);
    },
    [show],
  );

  const load = useCallback(async () => {
    let offer: RepOffer | null;
    try {
      offer = (await client.get<CurrentOfferResponse>('/api/rep/offers/current')).offer;
    } catch {
      return; // Keep what is shown; the next event or reconnect reads again.
    }
    const current = shownRef.current;
    if (offer && !ended.current.has(offer.id)) {
      if (current?.offer.id === offer.id) return;
      show(placeOffer(offer, Date.now(), arrivals.current.get(offer.id)));
      setNotice(null);
      if (!announced.current.has(offer.id)) {
        announced.current.add(offer.id);
        newOffer.current(offer);
      }
    } else if (current && !offer) {
      // It ended while we were not listening (e.g. during a reconnect).
      close(current.offer.id, 'The offer is no longer open.');
    }
  }, [client, show, close]);

  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);

  /** E9: a rescind for a session this rep took by hand is no news to them. */
  const closeRescinded = useCallback(
    async (offerId: string, sessionId: string | null, reason: unknown) => {
      if (reason !== 'accepted_by_hand' || sessionId === null) {
        close(offerId, withdrawnNotice(reason));
        return;
      }
      close(offerId, null);
      let session: SessionView | null = null;
      try {
        session = (await client.get<RepSessionDetail>(`/api/rep/sessions/${encodeURIComponent(sessionId)}`)).session;
      } catch {
        // Cannot see it any more: someone else has it.
      }
      if (session?.ownerId !== repId) setNotice(withdrawnNotice(reason));
    },
    [client, close, repId],
  );

  useRepEvents((event) => {
    if (event === null) {
      refresh();
      return;
    }
    if (event.repId !== repId) return;
    const offerId = offerIdOf(event);
    if (event.type === 'offer.made') {
      if (offerId) arrivals.current.set(offerId, Date.now());
      refresh();
    } else if (offerId && OFFER_END_EVENTS.has(event.type)) {
      if (event.type === 'offer.expired') close(offerId, 'The offer expired.');
      else if (event.type === 'offer.rescinded') void closeRescinded(offerId, event.sessionId, (event.data as { reason?: unknown }).reason);
      else close(offerId, null);
    }
  });

  // A notice is news for a moment, not a record.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // The server ends an offer on its own clock and says so; if that word does not come
  // soon after the countdown ran out, ask.
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(refresh, Math.max(0, shown.deadline + EXPIRY_CHECK_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [shown, refresh]);

  const answer = async (kind: 'accept' | 'reject') => {
    const current = shownRef.current;
    if (!current || answering) return;
    const { id, sessionId } = current.offer;
    setAnswering(kind);
    setError(null);
    try {
      await client.post(`/api/rep/offers/${encodeURIComponent(id)}/${kind}`);
      close(id, null);
      if (kind === 'accept') window.location.hash = sessionHref(sessionId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Expired, withdrawn or answered meanwhile: the server's sentence says which.
        close(id, err.message);
      } else if (err instanceof ApiError && err.status === 404) {
        close(id, 'The offer is no longer open.');
      } else {
        setError(`Could not ${kind}: ${errorMessage(err)}`);
        setAnswering(null);
      }
    }
  };

  return {
    shown,
    notice,
    dismissNotice: () => setNotice(null),
    answering,
    error,
    accept: () => void answer('accept'),
    reject: () => void answer('reject'),
  };
}
