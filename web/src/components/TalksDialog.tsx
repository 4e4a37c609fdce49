/**
 * The Video talks panel (CALL5): for supervisors and admins a form to schedule a talk with one or
 * more paired nodes (title, nodes, start, duration, agenda one item per line, participants one
 * per line), then every talk the node holds with its time in UTC and the reader's zone, agenda,
 * participants, who joined and who is in it now, and Join, Leave and Cancel.
 */
import { type FormEvent, useState } from 'react';
import type { Peer } from '../api.ts';
import type { PlannedParticipant, Talk, TalkInput } from '../calls/talksApi.ts';
import { talkPhase } from '../calls/useTalks.ts';
import { formatList, t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { ModalDialog } from './ModalDialog.tsx';
import './TalkStyles.css';

/** Props of `TalksDialog`. */
export interface TalksDialogProps {
  isOpen: boolean;
  /** Null until the node has answered. */
  talks: readonly Talk[] | null;
  error: string | null;
  /** The paired peers a talk may be held with. */
  peers: readonly Peer[];
  canSchedule: boolean;
  isBusy: boolean;
  /** The talk this console is in, if any. */
  joinedTalk: string | null;
  nowMs: number;
  nodeName(nodeId: string): string;
  /** Schedules a talk; rejects with the node's refusal. */
  onSchedule(input: TalkInput): Promise<void>;
  onCancel(id: string): Promise<void>;
  onJoin(id: string): void;
  onLeave(): void;
  onClose(): void;
}

/** Reads "name, node, role" lines; returns the participants or the number of a line that does not read. */
export function parseParticipants(text: string): PlannedParticipant[] | { badLine: number } {
  const participants: PlannedParticipant[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const [name, node, ...role] = line.split(',').map((part) => part.trim());
    if (!name || !node || !/^[a-z0-9-]{1,32}$/.test(node)) return { badLine: index + 1 };
    const roleText = role.join(', ');
    participants.push(roleText === '' ? { name, node } : { name, node, role: roleText });
  }
  return participants;
}

/** The form to schedule a talk. */
function ScheduleForm({
  peers,
  isBusy,
  nodeName,
  onSchedule,
}: Pick<TalksDialogProps, 'peers' | 'isBusy' | 'nodeName' | 'onSchedule'>) {
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [startsAt, setStartsAt] = useState('');
  const [duration, setDuration] = useState('60');
  const [agenda, setAgenda] = useState('');
  const [participants, setParticipants] = useState('');
  const [error, setError] = useState<string | null>(null);

  const toggle = (nodeId: string, isChecked: boolean) =>
    setMembers((current) => (isChecked ? [...current, nodeId] : current.filter((m) => m !== nodeId)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const items = agenda
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => ({ title: line }));
    const planned = parseParticipants(participants);
    if (members.length === 0) return setError(t('talks.membersRequired'));
    if (startsAt === '') return setError(t('talks.startRequired'));
    if (items.length === 0) return setError(t('talks.agendaRequired'));
    if ('badLine' in planned) return setError(t('talks.participantInvalid', { line: planned.badLine }));
    // A datetime-local value is in the reader's own zone; the node gets the instant.
    const input: TalkInput = {
      title: title.trim(),
      members,
      startsAt: new Date(startsAt).toISOString(),
      durationMin: Number(duration),
      agenda: items,
      participants: planned,
    };
    onSchedule(input).then(
      () => {
        setTitle('');
        setAgenda('');
        setParticipants('');
        setStartsAt('');
        setMembers([]);
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  };

  return (
    <form className="talk-form" data-testid="talk-form" onSubmit={submit}>
      <h3>{t('talks.new')}</h3>
      <label className="talk-form__wide">
        <span>{t('talks.titleLabel')}</span>
        <input
          data-testid="talk-title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <fieldset className="talk-form__members" data-testid="talk-members">
        <legend>{t('talks.members')}</legend>
        {peers.map((peer) => (
          <label key={peer.nodeId}>
            <input
              type="checkbox"
              value={peer.nodeId}
              checked={members.includes(peer.nodeId)}
              onChange={(e) => toggle(peer.nodeId, e.target.checked)}
            />{' '}
            {nodeName(peer.nodeId)}
          </label>
        ))}
      </fieldset>
      <label>
        <span>{t('talks.startsAt')}</span>
        <input
          type="datetime-local"
          data-testid="talk-starts-at"
          required
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
        />
      </label>
      <label>
        <span>{t('talks.duration')}</span>
        <input
          type="number"
          data-testid="talk-duration"
          min={5}
          max={720}
          required
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
        />
      </label>
      <label className="talk-form__wide">
        <span>{t('talks.agenda')}</span>
        <textarea
          data-testid="talk-agenda"
          rows={3}
          value={agenda}
          onChange={(e) => setAgenda(e.target.value)}
        />
      </label>
      <label className="talk-form__wide">
        <span>{t('talks.participants')}</span>
        <textarea
          data-testid="talk-participants"
          rows={2}
          value={participants}
          onChange={(e) => setParticipants(e.target.value)}
        />
      </label>
      <div className="talk-form__submit">
        <button type="submit" className="button button--primary" data-testid="talk-submit" disabled={isBusy}>
          {isBusy ? t('talks.sending') : t('talks.submit')}
        </button>
      </div>
      {error !== null && (
        <p className="form-error talk-form__wide" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** One talk of the list. */
function TalkItem({
  talk,
  nowMs,
  canSchedule,
  isBusy,
  joinedTalk,
  nodeName,
  onCancel,
  onJoin,
  onLeave,
}: { talk: Talk } & Pick<
  TalksDialogProps,
  'nowMs' | 'canSchedule' | 'isBusy' | 'joinedTalk' | 'nodeName' | 'onCancel' | 'onJoin' | 'onLeave'
>) {
  const phase = talkPhase(talk, nowMs);
  const isIn = joinedTalk === talk.id;
  const joinedUsers = [...new Set(talk.attendance.map((entry) => entry.user))];
  return (
    <li
      className={`talk-item talk-item--${phase}`}
      data-testid="talk-item"
      data-talk={talk.id}
      data-phase={phase}
    >
      <div className="talk-item__head">
        <h4 className="talk-item__title">{talk.title}</h4>
        <span className="talk-item__phase">{t(`talks.phase.${phase}`)}</span>
      </div>
      <p className="talk-item__when" title={formatFullTime(talk.startsAt)}>
        {t('talks.when', { time: formatDualTime(talk.startsAt, new Date(nowMs)), minutes: talk.durationMin })}
      </p>
      <p>{t('talks.with', { nodes: formatList(talk.members.map(nodeName)) })}</p>
      <h5>{t('talks.agendaHeading')}</h5>
      <ol className="talk-item__agenda" data-testid="talk-agenda-list">
        {talk.agenda.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: agenda items have no id and never move.
          <li key={index}>
            {item.title}
            {item.presenter !== undefined && ` — ${t('talks.presenter', { name: item.presenter })}`}
            {item.minutes !== undefined && ` ${t('talks.itemMinutes', { count: item.minutes })}`}
          </li>
        ))}
      </ol>
      {talk.participants.length > 0 && (
        <>
          <h5>{t('talks.participantsHeading')}</h5>
          <ul className="talk-item__people">
            {talk.participants.map((person, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: participants have no id and never move.
              <li key={index}>
                {t('talks.participant', { name: person.name, node: nodeName(person.node) })}
                {person.role !== undefined && ` (${person.role})`}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="talk-item__now" data-testid="talk-connected">
        {talk.connected.length === 0
          ? t('talks.nobodyConnected')
          : t('talks.connectedNow', { names: formatList(talk.connected.map((p) => p.user)) })}
      </p>
      {joinedUsers.length > 0 && <p>{t('talks.attended', { names: formatList(joinedUsers) })}</p>}
      <p className="talk-item__by">{t('talks.scheduledBy', { author: talk.scheduledBy })}</p>
      {talk.cancelledBy !== null && (
        <p className="talk-item__cancelled">
          {t('talks.cancelledBy', { author: talk.cancelledBy })}
          {talk.cancelReason !== null && ` ${t('talks.cancelReason', { reason: talk.cancelReason })}`}
        </p>
      )}
      <div className="talk-item__actions">
        {isIn ? (
          <button type="button" className="button" data-testid="talk-leave" onClick={onLeave}>
            {t('talks.leave')}
          </button>
        ) : (
          phase !== 'cancelled' && (
            <button
              type="button"
              className="button button--primary"
              data-testid="talk-join"
              onClick={() => onJoin(talk.id)}
            >
              {t('talks.join')}
            </button>
          )
        )}
        {canSchedule && phase !== 'cancelled' && phase !== 'ended' && (
          <button
            type="button"
            className="button button--secondary"
            data-testid="talk-cancel"
            disabled={isBusy}
            onClick={() => void onCancel(talk.id).catch(() => undefined)}
          >
            {t('talks.cancel')}
          </button>
        )}
      </div>
    </li>
  );
}

/** The Video talks dialog. */
export function TalksDialog(props: TalksDialogProps) {
  const { isOpen, talks, error, peers, canSchedule, isBusy, nowMs, nodeName, onSchedule, onClose } = props;
  const isCurrent = (talk: Talk) => {
    const phase = talkPhase(talk, nowMs);
    return phase === 'upcoming' || phase === 'live';
  };
  const current = (talks ?? []).filter(isCurrent);
  const earlier = (talks ?? []).filter((talk) => !isCurrent(talk)).reverse();
  const list = (items: Talk[]) => (
    <ul className="talk-list">
      {items.map((talk) => (
        <TalkItem key={talk.id} talk={talk} {...props} />
      ))}
    </ul>
  );
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('talks.title')}
      intro={t('talks.intro')}
      testId="talks-panel"
      className="talks-dialog"
      onClose={onClose}
    >
      {canSchedule &&
        (peers.length === 0 ? (
          <p>{t('talks.noPeers')}</p>
        ) : (
          <ScheduleForm peers={peers} isBusy={isBusy} nodeName={nodeName} onSchedule={onSchedule} />
        ))}
      {error !== null && <p className="form-error">{error}</p>}
      {talks === null ? (
        error === null && <p role="status">{t('talks.loading')}</p>
      ) : (
        <>
          <h3>{t('talks.current')}</h3>
          {current.length === 0 ? <p>{t('talks.none')}</p> : list(current)}
          {earlier.length > 0 && (
            <>
              <h3>{t('talks.earlier')}</h3>
              {list(earlier)}
            </>
          )}
        </>
      )}
    </ModalDialog>
  );
}
