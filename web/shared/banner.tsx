import type { ReactNode } from 'react';

interface BannerProps {
  kind?: 'error' | 'info' | 'success';
  children: ReactNode;
  onDismiss?: () => void;
  /** The dismiss button's text, for pages in other languages. */
  dismissLabel?: string;
}

/** A message across the page: errors are announced at once, others politely. */
export function Banner({ kind = 'error', children, onDismiss, dismissLabel = 'Dismiss' }: BannerProps) {
  return (
    <div className={`banner banner--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="banner__text">{children}</div>
      {onDismiss ? (
        <button type="button" className="btn btn--quiet btn--small" onClick={onDismiss}>
          {dismissLabel}
        </button>
      ) : null}
    </div>
  );
}
