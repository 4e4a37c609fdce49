/**
 * The FLASH alarm (CON1): a banner at the top of the screen, with a sound when a new FLASH
 * comes in, for every FLASH from a peer not yet acknowledged and our own FLASH messages once
 * overdue. It goes away only when the message is acknowledged or, once escalated, gives way to
 * the escalation banner (ConsoleScreen filters those out). Each entry has a button that
 * takes the reader (and the keyboard focus) to the message.
 */
import { useEffect, useRef } from 'react';
import { playAlarm } from '../alarmSound.ts';
import type { FlashAlarmItem } from '../messageState.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatRelative, formatSpan } from '../time.ts';
import { Icon } from './Icon.tsx';

/** Entries listed before the rest are summed up as "N more". */
const MAX_LISTED = 3;

/** Props of `FlashAlarm`. */
export interface FlashAlarmProps {
  items: readonly FlashAlarmItem[];
  nowMs: number;
}

function describe(item: FlashAlarmItem, nowMs: number): string {
  const now = new Date(nowMs);
  const time = formatDualTime(item.event.ts, now);
  const deadline = item.status.deadline ?? item.body.deadline;
  const overdueBy = formatSpan(nowMs - Date.parse(deadline));
  if (item.isOwn) return t('flash.ownOverdue', { time, span: overdueBy });
  if (item.status.state === 'overdue') {
    return t('flash.incomingOverdue', { author: item.event.author, time, span: overdueBy });
  }
  return t('flash.incoming', {
    author: item.event.author,
    time,
    relative: formatRelative(deadline, nowMs) ?? '',
  });
}

/** Scrolls to a message and focuses it. */
function showMessage(id: string): void {
  const element = document.querySelector<HTMLElement>(`[data-testid="message"][data-id="${CSS.escape(id)}"]`);
  element?.scrollIntoView({ block: 'center' });
  element?.focus();
}

/** The alarm banner; nothing when no FLASH is waiting. */
export function FlashAlarm({ items, nowMs }: FlashAlarmProps) {
  const sounded = useRef(new Set<string>());
  const fresh = items.filter((item) => !sounded.current.has(item.event.id)).map((item) => item.event.id);
  const freshKey = fresh.join(',');
  useEffect(() => {
    if (freshKey === '') return;
    for (const id of freshKey.split(',')) sounded.current.add(id);
    playAlarm();
  }, [freshKey]);

  if (items.length === 0) return null;
  const listed = items.slice(0, MAX_LISTED);
  return (
    <section className="flash-alarm" role="alert" aria-label={t('flash.label')} data-testid="flash-alarm">
      <ul>
        {listed.map((item) => (
          <li key={item.event.id} className="flash-alarm__item" data-id={item.event.id}>
            <Icon name="warning" className="flash-alarm__icon" />
            <span className="flash-alarm__text">{describe(item, nowMs)}</span>
            <button type="button" className="button button--alarm" onClick={() => showMessage(item.event.id)}>
              {t('flash.show')}
            </button>
          </li>
        ))}
      </ul>
      {items.length > MAX_LISTED && (
        <p className="flash-alarm__more">{t('flash.more', { count: items.length - MAX_LISTED })}</p>
      )}
    </section>
  );
}
