import { createContext, useContext, useLayoutEffect, useRef, type KeyboardEvent, type MouseEvent, type ReactNode, type RefObject } from 'react';

/**
 * Where the offer prompt goes while a modal dialog is open. A modal dialog makes the rest
 * of the page inert, so an offer that arrives while the rep picks a transfer target is
 * drawn inside the dialog, where it can be answered, instead of behind it.
 */
export const OfferHostContext = createContext<(host: HTMLElement | null) => void>(() => undefined);

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

interface ModalDialogProps {
  title: string;
  /** Under the title: what the dialog is about (the customer's name). */
  subtitle?: string;
  onClose(): void;
  /** Takes the focus when the dialog opens; the dialog itself when absent. */
  initialFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
  /** Buttons at the bottom, always in view on a phone. */
  footer?: ReactNode;
  testId?: string;
}

/**
 * A modal dialog (the browser's own <dialog>, shown modal): the rest of the page is inert,
 * Tab and Shift+Tab stay inside, Escape or a tap on the backdrop closes it, and the focus
 * goes back to where it was. On a phone it fills the screen.
 */
export function ModalDialog({ title, subtitle, onClose, initialFocus, children, footer, testId }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const setOfferHost = useContext(OfferHostContext);
  const close = useRef(onClose);
  close.current = onClose;
  const titleId = `${testId ?? 'dialog'}-title`;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    (initialFocus?.current ?? dialog).focus();
    // Escape: the browser's cancel; closing is React's decision, so the state stays true.
    const cancel = (event: Event) => {
      event.preventDefault();
      close.current();
    };
    // The browser may also close it by itself (a second Escape in a row skips `cancel`).
    const closed = () => close.current();
    dialog.addEventListener('cancel', cancel);
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus({ preventScroll: true });
    };
    // Opened once per mount; the initial focus is read when it opens.
  }, []);

  const trapTab = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  // A click on the dialog element itself is a click on the backdrop around its content.
  const backdropClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (event.target === ref.current) onClose();
  };

  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={trapTab}
      onClick={backdropClick}
      data-testid={testId}
    >
      <div className="modal__panel">
        <div ref={setOfferHost} className="modal__offer" />
        <div className="modal__head">
          <div className="modal__titles">
            <h2 id={titleId}>{title}</h2>
            {subtitle ? <p className="modal__subtitle">{subtitle}</p> : null}
          </div>
          <button type="button" className="btn btn--quiet btn--small modal__close" onClick={onClose}>
            Close
          </button>
        </div>
        <div className="modal__body">{children}</div>
        {footer ? <div className="modal__foot">{footer}</div> : null}
      </div>
    </dialog>
  );
}
