import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Message } from './api-types.js';
import { errorMessage } from './api.js';
import { formatClock, isoTime } from './time-format.js';

/** Messages in order, once each (the REST answer and a snapshot may both carry one). */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

interface ChatLogProps {
  messages: readonly Message[];
  /** Whose messages are drawn on the right, as "mine". */
  self: 'customer' | 'rep';
  label: string;
  emptyText: string;
  /** How the reader's own messages are signed; default "You". */
  selfName?: string;
}

export function ChatLog({ messages, self, label, emptyText, selfName = 'You' }: ChatLogProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const last = messages[messages.length - 1]?.seq;
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [last]);
  if (messages.length === 0) return <p className="chat-empty">{emptyText}</p>;
  return (
    <ol className="chat-log" ref={listRef} aria-label={label} aria-live="polite" tabIndex={0}>
      {messages.map((m) => {
        const side = m.from === 'system' ? 'system' : m.from === self ? 'mine' : 'theirs';
        return (
          <li key={m.seq} className={`chat-msg chat-msg--${side}`}>
            {side === 'system' ? (
              <span className="chat-msg__text">{m.text}</span>
            ) : (
              <>
                <span className="chat-msg__meta">
                  <span className="chat-msg__name">{side === 'mine' ? selfName : m.name}</span>{' '}
                  <time dateTime={isoTime(m.at)}>{formatClock(m.at)}</time>
                </span>
                <span className="chat-msg__text">{m.text}</span>
              </>
            )}
          </li>
        );
      })}
    </ol>
  );
}

interface MessageFormProps {
  onSend(text: string): Promise<void>;
  disabled?: boolean;
  /** Texts for pages in other languages; English by default. */
  labels?: { message: string; placeholder: string; send: string };
  /** Turns a failed send into the sentence shown under the field. */
  describeError?(err: unknown): string;
}

const MESSAGE_LABELS = { message: 'Message', placeholder: 'Type a message', send: 'Send' };

/** One line to type a chat message; Enter sends, the text stays if sending fails. */
export function MessageForm({ onSend, disabled = false, labels = MESSAGE_LABELS, describeError = errorMessage }: MessageFormProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed || sending) return;
    setSending(true);
    setError(null);
    try {
      await onSend(trimmed);
      setText('');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSending(false);
      inputRef.current?.focus();
    }
  };

  return (
    <form className="message-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="chat-message" className="visually-hidden">
        {labels.message}
      </label>
      <input
        id="chat-message"
        ref={inputRef}
        type="text"
        autoComplete="off"
        maxLength={4000}
        placeholder={labels.placeholder}
        value={text}
        disabled={disabled}
        aria-invalid={Boolean(error)}
        {...(error ? { 'aria-describedby': 'chat-message-error' } : {})}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn btn--primary" disabled={disabled || sending || text.trim() === ''}>
        {labels.send}
      </button>
      {error ? (
        <p className="field__error message-form__error" id="chat-message-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
