/**
 * A message's HOT3 state as an icon and words. It keeps the two kinds of trouble apart: not
 * delivered is a technical fault, delivered but unanswered is the peer's silence.
 */
import type { MessageState } from '../../../src/core/types.ts';
import type { MessageStatus } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { Icon, type IconName } from './Icon.tsx';

const STATE_ICONS: Record<MessageState, IconName> = {
  sent: 'hourglass',
  delivered: 'check',
  seen: 'eye',
  acknowledged: 'check-circle',
  overdue: 'warning',
};

/** The sentence for a state, with its times. */
export function describeState(status: MessageStatus): string {
  switch (status.state) {
    case 'sent':
      return t('state.sent');
    case 'delivered':
      return status.deliveredAt === null
        ? t('state.delivered')
        : t('state.deliveredAt', { time: formatDualTime(status.deliveredAt) });
    case 'seen':
      return status.seenAt === null
        ? t('state.seen')
        : t('state.seenAt', { time: formatDualTime(status.seenAt) });
    case 'acknowledged':
      return status.ackedAt === null
        ? t('state.acknowledged')
        : t('state.acknowledgedBy', { who: status.ackedBy ?? '—', time: formatDualTime(status.ackedAt) });
    case 'overdue': {
      const since = status.overdueAt ?? status.deadline;
      if (status.deliveredAt === null) return t('state.overdueUndelivered');
      return since === null ? t('state.overdue') : t('state.overdueSilent', { time: formatDualTime(since) });
    }
  }
}

/** Node-by-node delivery times, for the hover title. */
function deliveryDetail(status: MessageStatus): string | undefined {
  const entries = Object.entries(status.deliveredTo);
  if (entries.length === 0) return undefined;
  return entries.map(([node, at]) => `${node}: ${formatDualTime(at)}`).join('\n');
}

/** Props of `MessageStateLabel`. */
export interface MessageStateLabelProps {
  status: MessageStatus;
}

/** Icon and words for a message's state. */
export function MessageStateLabel({ status }: MessageStateLabelProps) {
  return (
    <span className={`state state--${status.state}`} title={deliveryDetail(status)}>
      <Icon name={STATE_ICONS[status.state]} className="state__icon" />
      {describeState(status)}
    </span>
  );
}
