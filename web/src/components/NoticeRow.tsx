/**
 * One activity notice in the Notices panel (ENC3): where it stands (in force now, upcoming,
 * ended, withdrawn) and the acknowledgement of its item, each as an icon with words (CON1); its
 * kind, title and side; the window in UTC and this desk's zone, with every zone on hover (CON2);
 * the area, the altitude band, the contact point and the details; and what this desk may do with
 * it: *Acknowledge* a peer's notice not yet acknowledged (`notice-ack`), *Withdraw* one of ours
 * still to come or in force (`notice-withdraw`, then `notice-withdraw-confirm`: the peer is told
 * at once, so it is asked twice).
 */
import { useEffect, useRef, useState } from 'react';
import { ackErrorText } from '../acknowledgement.ts';
import { ApiError } from '../api.ts';
import type { Notice } from '../encountersApi.ts';
import {
  altitudeWords,
  areaWords,
  awaitsOurAcknowledgement,
  type NoticeAckTone,
  type NoticeState,
  noticeAckWords,
  noticeState,
} from '../notices/list.ts';
import { type StringKey, t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { Icon, type IconName } from './Icon.tsx';

const STATE_ICONS: Record<NoticeState, IconName> = {
  'in-force': 'warning',
  upcoming: 'hourglass',
  ended: 'check',
  withdrawn: 'cross',
};

const ACK_ICONS: Record<NoticeAckTone, IconName> = {
  none: 'dot',
  awaiting: 'hourglass',
  acknowledged: 'check-circle',
  overdue: 'warning',
  undelivered: 'warning',
};

/** Props of `NoticeRow`. */
export interface NoticeRowProps {
  notice: Notice;
  selfId: string;
  nowMs: number;
  /** The role may withdraw this node's notices. */
  canWithdraw: boolean;
  canAcknowledge: boolean;
  /** Just issued here: marked, and brought into view. */
  isNew: boolean;
  nodeName(nodeId: string): string;
  /** Acknowledges the notice's item; rejects with the node's refusal. */
  onAcknowledge(id: string): Promise<void>;
  /** Withdraws the notice; rejects with the node's refusal. */
  onWithdraw(id: string): Promise<void>;
}

/** Where a notice stands, as an icon and words. */
export function NoticeStateLabel({ state }: { state: NoticeState }) {
  return (
    <span className={`notice-state notice-state--${state}`} data-testid="notice-state" data-state={state}>
      <Icon name={STATE_ICONS[state]} className="state__icon" />
      {t(`notices.state.${state}` as StringKey)}
    </span>
  );
}

/** What this desk may do with the notice, and what went wrong when it tried. */
function Actions({ notice, state, props }: { notice: Notice; state: NoticeState; props: NoticeRowProps }) {
  const [isAsking, setIsAsking] = useState(false);
  const [isWorking, setIsWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const withdrawRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // The Withdraw button and the question take each other's place: the keyboard follows (CON3).
  useEffect(() => {
    if (isAsking) confirmRef.current?.focus();
    else if (wasAsking.current) withdrawRef.current?.focus();
    wasAsking.current = isAsking;
  }, [isAsking]);
  const isOurs = notice.origin === props.selfId;
  const mayAcknowledge = props.canAcknowledge && awaitsOurAcknowledgement(notice, props.selfId);
  const mayWithdraw = isOurs && props.canWithdraw && (state === 'in-force' || state === 'upcoming');
  if (!mayAcknowledge && !mayWithdraw && error === null) return null;

  const run = async (work: () => Promise<void>, words: (caught: ApiError) => string) => {
    setIsWorking(true);
    setError(null);
    try {
      await work();
      setIsAsking(false);
    } catch (caught) {
      setError(
        caught instanceof ApiError
          ? words(caught)
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setIsWorking(false);
    }
  };
  const acknowledge = () => run(() => props.onAcknowledge(notice.id), ackErrorText);
  const withdraw = () =>
    run(
      () => props.onWithdraw(notice.id),
      (caught) => caught.message,
    );

  return (
    <div className="notice-row__actions">
      {mayAcknowledge && (
        <button
          type="button"
          className="button button--ack"
          data-testid="notice-ack"
          disabled={isWorking}
          onClick={() => void acknowledge()}
        >
          {isWorking ? t('notices.acknowledging') : t('notices.acknowledge')}
        </button>
      )}
      {mayWithdraw && !isAsking && (
        <button
          ref={withdrawRef}
          type="button"
          className="button button--secondary"
          data-testid="notice-withdraw"
          disabled={isWorking}
          onClick={() => setIsAsking(true)}
        >
          {t('notices.withdraw')}
        </button>
      )}
      {mayWithdraw && isAsking && (
        <div className="notice-row__confirm">
          <span>{t('notices.withdrawQuestion')}</span>
          <button
            ref={confirmRef}
            type="button"
            className="button button--danger"
            data-testid="notice-withdraw-confirm"
            disabled={isWorking}
            onClick={() => void withdraw()}
          >
            {isWorking ? t('notices.withdrawing') : t('notices.withdrawYes')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            data-testid="notice-withdraw-cancel"
            disabled={isWorking}
            onClick={() => setIsAsking(false)}
          >
            {t('notices.withdrawNo')}
          </button>
        </div>
      )}
      {error !== null && (
        <p className="form-error" role="alert" data-testid="notice-action-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** One notice of the list. */
export function NoticeRow(props: NoticeRowProps) {
  const { notice, selfId, nowMs } = props;
  const state = noticeState(notice, nowMs);
  const ack = noticeAckWords(notice, selfId, nowMs);
  const isOurs = notice.origin === selfId;
  return (
    <li
      className={`notice-row notice-row--${state}${props.isNew ? ' notice-row--new' : ''}`}
      data-testid="notice-row"
      data-id={notice.id}
      data-state={state}
      data-side={isOurs ? 'ours' : 'peer'}
    >
      <div className="notice-row__head">
        <NoticeStateLabel state={state} />
        <span className="notice-row__kind">{t(`map.kind.${notice.kind}` as StringKey)}</span>
        <span className="notice-row__title" data-testid="notice-row-title">
          {notice.title}
        </span>
        <span className="notice-row__side">
          {isOurs ? t('notices.ours') : t('notices.fromPeer', { node: props.nodeName(notice.origin) })}
        </span>
      </div>
      <dl className="notice-row__facts">
        <dt>{t('notices.field.window')}</dt>
        <dd
          data-testid="notice-window"
          title={`${formatFullTime(notice.from)}\n→\n${formatFullTime(notice.until)}`}
        >
          {t('notices.window', {
            from: formatDualTime(notice.from, new Date(nowMs)),
            until: formatDualTime(notice.until, new Date(nowMs)),
          })}
          {notice.withdrawnAt !== null && (
            <>
              {t('state.separator')}
              <span data-testid="notice-withdrawn-at" title={formatFullTime(notice.withdrawnAt)}>
                {t('notices.withdrawnAt', { time: formatDualTime(notice.withdrawnAt, new Date(nowMs)) })}
              </span>
            </>
          )}
        </dd>
        <dt>{t('notices.field.area')}</dt>
        <dd data-testid="notice-area">{areaWords(notice.area)}</dd>
        <dt>{t('notices.field.altitude')}</dt>
        <dd data-testid="notice-altitude">{altitudeWords(notice.altitude)}</dd>
        <dt>{t('notices.field.contact')}</dt>
        <dd data-testid="notice-contact-point">{notice.contact}</dd>
        {notice.description !== undefined && (
          <>
            <dt>{t('notices.field.description')}</dt>
            <dd className="notice-row__description">{notice.description}</dd>
          </>
        )}
        <dt>{t('notices.field.acknowledgement')}</dt>
        <dd>
          <span
            className={`notice-ack notice-ack--${ack.tone}`}
            data-testid="notice-ack-state"
            data-tone={ack.tone}
          >
            <Icon name={ACK_ICONS[ack.tone]} className="state__icon" />
            {ack.text}
          </span>
        </dd>
      </dl>
      <p className="notice-row__meta" title={formatFullTime(notice.issuedAt)}>
        {t('notices.issuedBy', {
          author: notice.author,
          time: formatDualTime(notice.issuedAt, new Date(nowMs)),
        })}
      </p>
      <Actions notice={notice} state={state} props={props} />
    </li>
  );
}
