import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { LobbyEvent, Message, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { MessageForm, mergeMessages } from '../shared/chat.js';
import { useNow } from '../shared/use-now.js';
import type { Invitation, RepSessionView, RepSessionsResponse, SessionDetailResponse, SessionParticipant } from './console-types.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { InviteDialog, TransferDialog } from './session-dialogs.js';
import { SessionControls, type SessionRole } from './session-controls.js';
import { SessionChatLog } from './session-chat-log.js';
import { SessionFacts } from './session-facts.js';
import { customerLabel, endReasonLabel, isChatSession, stateLabel, targetName } from './session-labels.js';
import { useFrameRefresh } from './use-frame-refresh.js';
import { CobrowseCard } from './cobrowse-view.js';
import type { SentInvitations } from './use-sent-invitations.js';

interface SessionPageProps {
  sessionId: string;
  user: User;
  client: RepClient;
  sent: SentInvitations;
  /** A sentence for the dashboard, after the rep left the page (transferred, left). */
  onNotice(text: string): void;
}

interface Loaded {
  session: RepSessionView;
  /** The rep is in the session: its owner or a participant (S2). */
  member: boolean;
  /** An open invitation that lets this rep join (S1), if any. */
  invitation: Invitation | null;
  /** Who is in the session, where the server says. */
  participants: SessionParticipant[] | null;
  /** It left this rep's sight (taken by another rep, moved to a queue they do not see). */
  gone?: boolean;
}

/** A chat.message event as the message it carries (the server's own mapping, in views.ts). */
function chatMessageOf(event: LobbyEvent): Message {
  const data = (event.data ?? {}) as { from?: unknown; name?: unknown; text?: unknown };
  const from = data.from === 'rep' ? 'rep' : data.from === 'customer' ? 'customer' : 'system';
  return { seq: event.seq, at: event.at, from, name: String(data.name ?? ''), text: String(data.text ?? '') };
}

function goHome(): void {
  window.location.hash = '#/';
}

/**
 * One session: customer details (L4), live chat with the customer and the other reps (S2),
 * and what the rep may do from where they stand: accept or transfer a waiting session
 * (Q7, T1); as owner transfer, invite, end or hand over (T1–T4, S1, S3); as a participant
 * leave; as an invited rep join.
 */
export function SessionPage({ sessionId, user, client, sent, onNotice }: SessionPageProps) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<'transfer' | 'invite' | null>(null);
  /** Set while this rep's own transfer or leave is on its way: its echo on the feed is no news. */
  const leaving = useRef(false);
  /** Why the session ended, from the live feed: a rep not in it cannot read it once it ended. */
  const endedBecause = useRef<string | null>(null);
  const shown = useRef<Loaded | null>(null);
  shown.current = loaded;
  const now = useNow(1000);
  const base = `/api/rep/sessions/${encodeURIComponent(sessionId)}`;

  const load = useCallback(async () => {
    try {
      const [detail, mine, invitations] = await Promise.all([
        client.get<SessionDetailResponse>(base),
        client.get<RepSessionsResponse>('/api/rep/sessions'),
        client.get<{ invitations: Invitation[] }>('/api/rep/invitations'),
      ]);
      setLoaded({
        session: detail.session,
        // Once ended a session is nobody's any more; who was in it still reads its chat.
        member: mine.mine.some((s) => s.id === sessionId) || (detail.session.state === 'ended' && (shown.current?.member ?? false)),
        invitation: invitations.invitations.find((i) => i.sessionId === sessionId) ?? null,
        participants: Array.isArray(detail.participants) ? detail.participants : null,
      });
      setMessages((current) => mergeMessages(current, detail.messages));
      setLoadError(null);
    } catch (err) {
      const hidden = err instanceof ApiError && (err.status === 403 || err.status === 404);
      const before = shown.current;
      if (hidden && before) {
        // It was here a moment ago: taken by someone else, moved out of sight, or ended.
        const ended = endedBecause.current;
        setLoaded({
          ...before,
          session: ended !== null ? { ...before.session, state: 'ended', endReason: ended, queueId: null } : before.session,
          member: false,
          invitation: null,
          gone: ended === null,
        });
        setLoadError(null);
        return;
      }
      setLoadError(hidden ? 'This session does not exist, or you may not see it (any more).' : errorMessage(err));
    }
  }, [client, base, sessionId]);

  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);
  useRepEvents((event) => {
    if (event === null) {
      refresh();
      return;
    }
    if (event.sessionId !== sessionId) return;
    if (event.type === 'chat.message') {
      // The event is the message: no need to read the whole session again.
      setMessages((current) => mergeMessages(current, [chatMessageOf(event)]));
      return;
    }
    if (event.type === 'session.ended') {
      const reason = (event.data as { reason?: unknown } | null)?.reason;
      endedBecause.current = typeof reason === 'string' ? reason : 'completed';
    }
    refresh();
    // T2, F2–F4: moved back to a queue by its owner, an admin or the server; this rep is out.
    const reason = (event.data as { reason?: unknown } | null)?.reason;
    if (event.type === 'participant.left' && event.repId === user.id && reason !== 'left' && !leaving.current) {
      const name = loaded ? customerLabel(loaded.session) : 'the customer';
      const how = reason === 'session.transferred' ? 'was transferred' : 'went back to a queue';
      onNotice(`The session with ${name} ${how}; you are no longer in it.`);
      goHome();
    }
  });

  const post = async (path: string, after: () => void) => {
    setBusy(true);
    setActionError(null);
    setInfo(null);
    try {
      await client.post(path);
      after();
    } catch (err) {
      // Taken, ended, refused: the server's reason, and a fresh read shows where things stand.
      leaving.current = false;
      setActionError(errorMessage(err));
      refresh();
    } finally {
      setBusy(false);
    }
  };

  const send = async (text: string) => {
    const { message } = await client.post<{ message: Message }>(`${base}/messages`, { text });
    setMessages((current) => mergeMessages(current, [message]));
  };

  if (!loaded) {
    return (
      <div className="stack">
        <BackLink />
        {loadError ? <Banner>{loadError}</Banner> : <p className="muted" role="status">Loading session…</p>}
      </div>
    );
  }

  const { session, member, invitation, participants, gone = false } = loaded;
  const customer = customerLabel(session);
  const owner = session.ownerId === user.id;
  const role: SessionRole = gone
    ? 'viewer'
    : session.state === 'ended'
      ? 'ended'
      : session.state === 'waiting'
        ? 'waiting'
        : owner
          ? 'owner'
          : member
            ? 'participant'
            : invitation
              ? 'invited'
              : 'viewer';
  // The chat is for the reps in the session (and stays readable for them once it ended).
  const showChat = role === 'owner' || role === 'participant' || (role === 'ended' && (member || messages.length > 0));
  const others = participants?.filter((p) => p.id !== user.id) ?? null;

  return (
    <div className="stack session-page">
      <BackLink />
      {loadError ? <Banner>{loadError}</Banner> : null}
      {actionError ? <Banner onDismiss={() => setActionError(null)}>{actionError}</Banner> : null}
      {info ? (
        <Banner kind="success" onDismiss={() => setInfo(null)}>
          {info}
        </Banner>
      ) : null}

      <section className="card" aria-labelledby="customer-title">
        <div className="card__head">
          <h1 id="customer-title">{customer}</h1>
          <span className={`badge badge--state-${session.state}`}>{stateLabel(session.state)}</span>
          {isChatSession(session) ? <span className="badge badge--chat">Chat</span> : null}
        </div>
        <Ownership role={role} session={session} others={others} />
        <SessionFacts session={session} now={now} />
      </section>

      {session.state === 'ended' ? <Banner kind="info">This session has ended: {endReasonLabel(session.endReason)}.</Banner> : null}
      {gone ? (
        <Banner kind="info">
          This session is no longer in your queues: another representative took it, or it moved to a queue you do not see.
        </Banner>
      ) : null}

      <SessionControls
        role={role}
        session={session}
        busy={busy}
        shared={others === null ? null : others.length > 0}
        sent={sent.forSession(sessionId)}
        onAccept={() => void post(`${base}/accept`, refresh)}
        onJoin={() => invitation && void post(`/api/rep/invitations/${encodeURIComponent(invitation.id)}/accept`, refresh)}
        onEnd={() => post(`${base}/end`, refresh)}
        onLeave={() => {
          leaving.current = true;
          return post(`${base}/leave`, () => {
            onNotice(`You left the session with ${customer}.`);
            goHome();
          });
        }}
        onTransfer={() => setDialog('transfer')}
        onInvite={() => setDialog('invite')}
        onWithdraw={async (id) => {
          const error = await sent.withdraw(id);
          if (error) setActionError(error);
        }}
      />

      {/* Browser sharing (docs/cobrowse.md): for the reps in an active click-to-chat session. */}
      {(role === 'owner' || role === 'participant') && isChatSession(session) ? (
        <CobrowseCard sessionId={sessionId} customer={customer} selfId={user.id} />
      ) : null}

      {showChat ? (
        <section className="card chat" aria-labelledby="chat-title">
          <h2 id="chat-title">Chat with {customer}</h2>
          <SessionChatLog
            messages={messages}
            selfName={user.displayName}
            emptyText={session.state === 'active' ? 'No messages yet: greet the customer.' : 'No messages.'}
          />
          {session.state === 'active' ? <MessageForm onSend={send} /> : null}
        </section>
      ) : null}

      {dialog === 'transfer' && (role === 'owner' || role === 'waiting') ? (
        <TransferDialog
          client={client}
          session={session}
          onClose={() => setDialog(null)}
          onStart={() => {
            leaving.current = true;
          }}
          onRefused={() => {
            leaving.current = false;
            refresh();
          }}
          onTransferred={(target) => {
            onNotice(`${customer} was transferred to ${targetName(target)}.`);
            goHome();
          }}
        />
      ) : null}
      {dialog === 'invite' && role === 'owner' ? (
        <InviteDialog
          client={client}
          session={session}
          onClose={() => setDialog(null)}
          onRefused={() => refresh()}
          onInvited={(created, target) => {
            sent.add(created, targetName(target));
            setDialog(null);
            setInfo(`Invitation sent to ${targetName(target)}. They join when they accept it.`);
          }}
        />
      ) : null}
    </div>
  );
}

function BackLink() {
  return (
    <a className="back-link" href="#/">
      ← All sessions
    </a>
  );
}

/** Who owns the session and where this rep stands in it (S2). */
function Ownership({ role, session, others }: { role: SessionRole; session: RepSessionView; others: SessionParticipant[] | null }) {
  let text: string;
  if (role === 'owner') text = 'You own this session.';
  else if (role === 'participant') text = `You joined as a participant. ${session.ownerName ?? 'Another representative'} owns it.`;
  else if (role === 'invited') text = `You are invited to join. ${session.ownerName ?? 'Another representative'} owns it.`;
  else if (role === 'waiting') text = `Waiting in ${session.queueName ?? 'a queue'}: nobody owns it yet.`;
  else if (role === 'ended') text = session.ownerName ? `Owned by ${session.ownerName}.` : '';
  else text = `${session.ownerName ?? 'Another representative'} owns this session.`;
  return (
    <div className="ownership" data-testid="session-ownership">
      {text ? <p className="ownership__line">{text}</p> : null}
      {others && others.length > 0 ? (
        <p className="ownership__line muted">Also here: {others.map((p) => p.name).join(', ')}</p>
      ) : null}
    </div>
  );
}
