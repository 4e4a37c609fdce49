/**
 * The signed-in user in the header, as a small menu (SEC2): *Sign out* ends this session, *Sign
 * out everywhere* every session of the user on every device. A menu keeps the crowded header
 * narrow at 1366 px (CON3); it opens with the keyboard (Enter or Space on the name) and closes
 * with Escape or a click elsewhere.
 */
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { t } from '../strings.ts';
import './AuthStyles.css';

/** Props of `AccountMenu`. */
export interface AccountMenuProps {
  /** The user as the header names them, e.g. `officer@alpha · officer`. */
  label: string;
  onSignOut(): void;
  /** Absent: the menu offers *Sign out* alone. */
  onSignOutEverywhere?(): void;
}

/** The account menu. */
export function AccountMenu({ label, onSignOut, onSignOutEverywhere }: AccountMenuProps) {
  const [isOpen, setIsOpen] = useState(false);
  const menu = useRef<HTMLDetailsElement>(null);
  const summary = useRef<HTMLElement>(null);

  // A click anywhere else closes it, as menus do.
  useEffect(() => {
    if (!isOpen) return;
    const closeOutside = (event: MouseEvent) => {
      if (menu.current && !menu.current.contains(event.target as Node)) setIsOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    return () => document.removeEventListener('mousedown', closeOutside);
  }, [isOpen]);

  function closeOnEscape(event: KeyboardEvent<HTMLDetailsElement>): void {
    if (event.key !== 'Escape' || !isOpen) return;
    setIsOpen(false);
    summary.current?.focus();
  }

  return (
    <details
      ref={menu}
      className="account-menu"
      open={isOpen}
      onToggle={(event) => setIsOpen(event.currentTarget.open)}
      onKeyDown={closeOnEscape}
    >
      <summary ref={summary} className="button button--header account-menu__user" data-testid="account-menu">
        {label}
      </summary>
      <div className="account-menu__items">
        <button type="button" className="button" data-testid="logout" onClick={onSignOut}>
          {t('header.logout')}
        </button>
        {onSignOutEverywhere && (
          <button type="button" className="button" data-testid="logout-all" onClick={onSignOutEverywhere}>
            {t('auth.signOutEverywhere')}
            <span className="account-menu__hint">{t('auth.signOutEverywhereHint')}</span>
          </button>
        )}
      </div>
    </details>
  );
}
