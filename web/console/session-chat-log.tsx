import { useEffect, useRef } from 'react';
import type { Message } from '../shared/api-types.js';
import { formatClock, isoTime } from '../shared/time-format.js';

interface SessionChatLogProps {
  messages: readonly Message[];
  /** The rep reading: their own messages are "mine"; other reps' are marked as reps'. */
  selfName: string;
  emptyText: string;
}

/**
 * S2: the conversation of a session as a rep sees it. In a shared session several reps
 * write: the reader's own messages are on the right as "You", other reps' carry their
 * name and a "rep" mark, the customer's are on the left.
 */
export function SessionChatLog({ messages, selfName, emptyText }: SessionChatLogProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const last = messages[messages.length - 1]?.seq;
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [last]);
  if (messages.length === 0) return <p className="chat-empty">{emptyText}</p>;
  return (
    <ol className="chat-log" ref={listRef} aria-label="Conversation" aria-live="polite" tabIndex={0}>
      {messages.map((m) => {
        if (m.from === 'system') {
          return (
            <li key={m.seq} className="chat-msg chat-msg--system">
              <span className="chat-msg__text">{m.text}</span>
            </li>
          );
        }
        const mine = m.from === 'rep' && m.name === selfName;
        const side = mine ? 'mine' : m.from === 'rep' ? 'theirs chat-msg--rep' : 'theirs';
        return (
          <li key={m.seq} className={`chat-msg chat-msg--${side}`}>
            <span className="chat-msg__meta">
              <span className="chat-msg__name">{mine ? 'You' : m.name}</span>
              {!mine && m.from === 'rep' ? <span className="chat-msg__role"> (rep)</span> : null}{' '}
              <time dateTime={isoTime(m.at)}>{formatClock(m.at)}</time>
            </span>
            <span className="chat-msg__text">{m.text}</span>
          </li>
        );
      })}
    </ol>
  );
}
