/**
 * The escalation banner (HOT4, CON1): for every message this node has escalated and that is not
 * yet acknowledged, it says in words who is being alerted, and how. It stays until the
 * acknowledgement. Where the browser allows it, each new step is also a desktop notification, so
 * a desk whose console is in the background still sees it; the reader grants that permission
 * with the button here (browsers ask for it only after a click).
 */
import { useEffect, useRef, useState } from 'react';
import type { EscalationView } from '../escalations.ts';
import { formatList, type StringKey, t } from '../strings.ts';
import { Icon } from './Icon.tsx';

/** Props of `EscalationBanner`. */
export interface EscalationBannerProps {
  escalations: readonly EscalationView[];
  /** Who posted a message, by its id (for the words). */
  authorOf(messageId: string): string;
}

function describe(view: EscalationView, author: string): string {
  const roles = formatList(view.roles.map((role) => t(`role.${role}` as StringKey)));
  const channels = formatList(
    view.channels.map((channel) => t(`escalation.channel.${channel}` as StringKey)),
  );
  const params = { step: view.step, precedence: view.precedence, author, roles, channels };
  return view.side === 'receiver' ? t('escalation.receiver', params) : t('escalation.sender', params);
}

function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** The banner; nothing when no escalation is open. */
export function EscalationBanner({ escalations, authorOf }: EscalationBannerProps) {
  const [permission, setPermission] = useState(() =>
    notificationsSupported() ? Notification.permission : 'denied',
  );
  const notified = useRef(new Set<string>());
  const freshKey = escalations
    .map((view) => view.event.id)
    .filter((id) => !notified.current.has(id))
    .join(',');

  useEffect(() => {
    if (freshKey === '') return;
    for (const view of escalations) {
      if (notified.current.has(view.event.id)) continue;
      notified.current.add(view.event.id);
      if (permission !== 'granted') continue;
      try {
        new Notification(t('escalation.notificationTitle', { precedence: view.precedence }), {
          body: describe(view, authorOf(view.message)),
          tag: view.message,
          requireInteraction: true,
        });
      } catch {
        // Some browsers only notify from a service worker; the banner still shows it.
      }
    }
  }, [freshKey, escalations, permission, authorOf]);

  if (escalations.length === 0) return null;
  return (
    <section
      className="flash-alarm"
      role="alert"
      aria-label={t('escalation.label')}
      data-testid="escalation-banner"
    >
      <ul>
        {escalations.map((view) => (
          <li key={view.message} className="flash-alarm__item" data-testid="escalation">
            <Icon name="warning" className="flash-alarm__icon" />
            <span className="flash-alarm__text">{describe(view, authorOf(view.message))}</span>
          </li>
        ))}
      </ul>
      {permission === 'default' && (
        <button
          type="button"
          className="button button--alarm"
          onClick={() => {
            void Notification.requestPermission().then(setPermission);
          }}
        >
          {t('escalation.enableNotifications')}
        </button>
      )}
    </section>
  );
}
