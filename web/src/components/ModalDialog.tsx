/**
 * A panel over the console (Pairing, Drills): the browser's own modal dialog, so the keyboard
 * stays inside it, Esc closes it and the focus goes back to the button that opened it. Its
 * content is only built while it is open.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { t } from '../strings.ts';

/** Props of `ModalDialog`. */
export interface ModalDialogProps {
  isOpen: boolean;
  title: string;
  /** A sentence under the title saying what the panel is for. */
  intro: string;
  /** `data-testid` of the dialog. */
  testId: string;
  /** Extra class names for the dialog. */
  className?: string;
  /** The dialog closed (Esc, the Close button). */
  onClose(): void;
  children: ReactNode;
}

/** A modal panel with a title, a Close button and an introduction. */
export function ModalDialog({
  isOpen,
  title,
  intro,
  testId,
  className,
  onClose,
  children,
}: ModalDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (isOpen && !element.open) element.showModal();
    else if (!isOpen && element.open) element.close();
  }, [isOpen]);

  return (
    <dialog
      ref={dialog}
      className={className ? `pairing ${className}` : 'pairing'}
      aria-labelledby={titleId}
      data-testid={testId}
      onClose={onClose}
    >
      {isOpen && (
        <>
          <div className="pairing__head">
            <h2 id={titleId} className="pairing__title">
              {title}
            </h2>
            <button type="button" className="button button--secondary" onClick={onClose}>
              {t('pairing.close')}
            </button>
          </div>
          <p className="pairing__intro">{intro}</p>
          {children}
        </>
      )}
    </dialog>
  );
}
