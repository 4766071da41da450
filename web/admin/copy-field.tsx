import { useRef, useState } from 'react';

interface CopyFieldProps {
  id: string;
  label: string;
  value: string;
  hint?: string;
  /** A snippet of HTML: shown over several lines. */
  multiline?: boolean;
}

/**
 * Text to hand out (a link's address, an HTML snippet) with a Copy button. The clipboard
 * API needs a secure context and the page's focus; where it is refused the text is
 * selected and the browser's own copy command tried, and failing that the admin is told to
 * press the keys themselves — the text is selected for them either way.
 */
export function CopyField({ id, label, value, hint, multiline = false }: CopyFieldProps) {
  const text = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  const copy = async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      text.current?.select();
      // The old command still works where the clipboard API is refused (plain http on a LAN name).
      ok = document.execCommand('copy');
    }
    if (!ok) text.current?.select();
    setCopied(ok ? 'yes' : 'no');
  };

  const hintId = hint ? `${id}-hint` : undefined;
  const common = {
    id,
    value,
    readOnly: true,
    spellCheck: false,
    className: 'copy-field__text',
    'aria-describedby': hintId,
    onFocus: () => text.current?.select(),
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <div className="copy-field__row">
        {multiline ? <textarea ref={text} rows={3} {...common} /> : <input ref={text} type="text" {...common} />}
        <button type="button" className="btn btn--small" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
          Copy
        </button>
      </div>
      <p className="copy-field__status" role="status">
        {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Press Ctrl+C (⌘C on a Mac) to copy the selected text.' : ''}
      </p>
    </div>
  );
}
