/** Says, in words, that the live stream to our own node was lost and is being re-opened (CON5). */
import type { Connection } from '../consoleState.ts';
import { t } from '../strings.ts';
import { Icon } from './Icon.tsx';

/** Props of `ConnectionNotice`. */
export interface ConnectionNoticeProps {
  connection: Connection;
}

/** The "connection lost — reconnecting" notice, shown only while the stream is lost. */
export function ConnectionNotice({ connection }: ConnectionNoticeProps) {
  if (connection !== 'lost') return null;
  return (
    <p className="banner banner--connection" role="alert" data-testid="connection-lost">
      <Icon name="refresh" className="banner__icon banner__icon--spin" />
      {t('stream.lost')}
    </p>
  );
}
