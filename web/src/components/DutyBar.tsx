/**
 * The duty strip under the header (HOT5): who is on duty at this node and at each peer, since
 * when; "Take the desk" for an officer who does not hold it, "Hand over" for the holder (and
 * for a supervisor, for an absent holder); and, after a handover, the open items it handed to
 * the officer now on duty, with their state now.
 */
import type { MessageState } from '../../../src/core/types.ts';
import type { DutyDesk, DutyRoster, HandoverItem } from '../api.ts';
import { type StringKey, t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { Icon } from './Icon.tsx';
import { PrecedenceBadge } from './PrecedenceBadge.tsx';
import './DutyStyles.css';

/** Props of `DutyBar`. */
export interface DutyBarProps {
  roster: DutyRoster | null;
  /** `user@node` of the reader. */
  me: string;
  nowMs: number;
  /** Whether the reader may hold the desk (`duty.hold`). */
  canHold: boolean;
  /** Whether the reader may hand over a desk someone else holds (`duty.reassign`). */
  canReassign: boolean;
  isBusy: boolean;
  error: string | null;
  onTake(): void;
  onOpenHandover(): void;
}

const STATE_WORDS: Record<MessageState, StringKey> = {
  sent: 'state.sent',
  delivered: 'state.delivered',
  seen: 'state.seen',
  acknowledged: 'state.acknowledged',
  overdue: 'state.overdueNotAcknowledged',
};

function DeskLabel({ desk, nowMs }: { desk: DutyDesk; nowMs: number }) {
  const name = desk.name;
  return (
    <li
      className={desk.holder === null ? 'duty__desk duty__desk--empty' : 'duty__desk'}
      data-testid={desk.isSelf ? 'duty-own' : 'duty-peer'}
      data-node={desk.node}
      data-holder={desk.holder ?? ''}
    >
      <Icon name={desk.holder === null ? 'warning' : 'dot'} />{' '}
      {desk.holder === null || desk.since === null ? (
        t('duty.nobody', { node: name })
      ) : (
        <span title={formatFullTime(desk.since)}>
          {t('duty.onDuty', {
            node: name,
            holder: desk.holder,
            time: formatDualTime(desk.since, new Date(nowMs)),
          })}
        </span>
      )}
    </li>
  );
}

function ItemRow({ item, nowMs }: { item: HandoverItem; nowMs: number }) {
  return (
    <li
      className="duty__item"
      data-testid="handover-item"
      data-state={item.state ?? ''}
      data-id={item.message}
    >
      <PrecedenceBadge precedence={item.precedence} />{' '}
      <span className="duty__item-kind">{t(`duty.item.${item.kind}`)}</span>{' '}
      <time dateTime={item.postedAt} title={formatFullTime(item.postedAt)}>
        {formatDualTime(item.postedAt, new Date(nowMs))}
      </time>
      {item.text !== null && <q className="duty__item-text">{item.text}</q>}
      {item.state !== null && (
        <span className="duty__item-state">
          {t('duty.item.state', { state: t(STATE_WORDS[item.state]) })}
        </span>
      )}
    </li>
  );
}

/** The duty strip. */
export function DutyBar(props: DutyBarProps) {
  const { roster, me, nowMs, canHold, canReassign, isBusy, error, onTake, onOpenHandover } = props;
  if (roster === null) return error === null ? null : <p className="form-error duty__error">{error}</p>;
  const own = roster.desks.find((desk) => desk.isSelf);
  const isMine = own?.holder === me;
  const mayHandOver = own?.holder != null && ((isMine && canHold) || canReassign);
  const handover = roster.handover;
  return (
    <section className="duty" aria-label={t('duty.label')}>
      <div className="duty__row">
        <ul className="duty__desks">
          {roster.desks.map((desk) => (
            <DeskLabel key={desk.node} desk={desk} nowMs={nowMs} />
          ))}
        </ul>
        <div className="duty__actions">
          {canHold && !isMine && (
            <button
              type="button"
              className="button button--secondary"
              data-testid="duty-take"
              disabled={isBusy}
              onClick={onTake}
            >
              {t('duty.take')}
            </button>
          )}
          {mayHandOver && (
            <button
              type="button"
              className="button button--secondary"
              data-testid="duty-handover"
              aria-haspopup="dialog"
              disabled={isBusy}
              onClick={onOpenHandover}
            >
              {t('duty.handOver')}
            </button>
          )}
        </div>
      </div>
      {error !== null && <p className="form-error duty__error">{error}</p>}
      {handover !== null && (
        <details className="duty__handover" data-testid="handover-items" open={handover.to === me}>
          <summary>
            {handover.to === me
              ? t('duty.handedToYou', {
                  from: handover.from ?? '',
                  time: formatDualTime(handover.at, new Date(nowMs)),
                })
              : t('duty.handedTo', {
                  to: handover.to,
                  from: handover.from ?? '',
                  time: formatDualTime(handover.at, new Date(nowMs)),
                })}{' '}
            — {t('duty.openItems', { count: handover.openItems.length + handover.more })}
          </summary>
          {handover.note !== null && (
            <p className="duty__note">{t('duty.note.label', { note: handover.note })}</p>
          )}
          {handover.openItems.length === 0 ? (
            <p>{t('duty.noOpenItems')}</p>
          ) : (
            <ul className="duty__items">
              {handover.openItems.map((item) => (
                <ItemRow key={item.message} item={item} nowMs={nowMs} />
              ))}
            </ul>
          )}
          {handover.more > 0 && <p>{t('duty.moreItems', { count: handover.more })}</p>}
        </details>
      )}
    </section>
  );
}
