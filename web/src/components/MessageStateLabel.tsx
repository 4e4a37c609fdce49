/**
 * A message's HOT3 state as an icon and words (`describeMessageState`): never colour alone
 * (CON1). Not delivered (a technical fault) and delivered but unanswered (silence) get
 * different icons and words. The hover title gives each node's delivery time and when
 * someone opened it.
 */
import type { MessageStatus } from '../api.ts';
import type { StateTone, StateWords } from '../stateWords.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { Icon, type IconName } from './Icon.tsx';

function iconFor(status: MessageStatus, tone: StateTone): IconName {
  switch (tone) {
    case 'pending':
      return 'hourglass';
    case 'fault':
      return 'cross';
    case 'awaiting':
      return status.state === 'seen' ? 'eye' : 'check';
    case 'acknowledged':
      return 'check-circle';
    case 'overdue':
      return 'warning';
  }
}

/** Node-by-node delivery times and the seen time, for the hover title. */
function detail(status: MessageStatus, sentAt: string): string {
  const lines = [t('state.sentAt', { time: formatDualTime(sentAt) })];
  for (const [node, at] of Object.entries(status.deliveredTo))
    lines.push(t('state.deliveredToNode', { node, time: formatDualTime(at) }));
  if (status.seenAt !== null) lines.push(t('state.seenAt', { time: formatDualTime(status.seenAt) }));
  return lines.join('\n');
}

/** Props of `MessageStateLabel`. */
export interface MessageStateLabelProps {
  status: MessageStatus;
  words: StateWords;
  /** When the message was sent (the event's `ts`). */
  sentAt: string;
}

/** Icon and words for a message's state. */
export function MessageStateLabel({ status, words, sentAt }: MessageStateLabelProps) {
  return (
    <span
      className={`state state--${status.state} state--tone-${words.tone}`}
      title={detail(status, sentAt)}
      data-testid="message-state"
    >
      <Icon name={iconFor(status, words.tone)} className="state__icon" />
      {words.text}
    </span>
  );
}
