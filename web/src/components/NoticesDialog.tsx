/**
 * The Notices panel (ENC3): every activity notice this node holds, ours and the peer's, in
 * sections by where they stand — in force now, upcoming, ended, withdrawn — each with its window,
 * area, altitude band, contact and the acknowledgement of its item (`NoticeRow`); *New notice*
 * (`notice-new`) opens the form in the same panel for the roles that may issue, and the notice
 * just issued is marked in the list when the form closes.
 *
 * The list is read only while the panel is open: when it opens, on each notice event, sighting or
 * acknowledgement the console sees (`trigger`) and every 15 s (`useNotices`); between reads each
 * item's state follows the stream (`withLiveStatus`).
 */
import { useEffect, useRef, useState } from 'react';
import type { Line, MessageStatus } from '../api.ts';
import type { Notice } from '../encountersApi.ts';
import { noticeSections, withLiveStatus } from '../notices/list.ts';
import { useNotices } from '../notices/useNotices.ts';
import { type StringKey, t } from '../strings.ts';
import { ModalDialog } from './ModalDialog.tsx';
import { NoticeForm } from './NoticeForm.tsx';
import { NoticeRow } from './NoticeRow.tsx';
import './NoticeStyles.css';

/** Props of `NoticesDialog`. */
export interface NoticesDialogProps {
  isOpen: boolean;
  /** A count of the notice events and acknowledgements seen on the stream: a change reads again. */
  trigger: number;
  selfId: string;
  /** The lines the console holds, for the hotlines a notice may go on. */
  lines: readonly Line[];
  /** The state of each message as the stream last told it: the items' deliveries, live. */
  statusById: Readonly<Record<string, MessageStatus>>;
  nowMs: number;
  /** The role may issue and withdraw notices (`notice.issue`). */
  canIssue: boolean;
  canAcknowledge: boolean;
  nodeName(nodeId: string): string;
  /** Acknowledges an item (the console's own acknowledge, so the hotline shows it at once). */
  onAcknowledge(messageId: string, reply: string): Promise<void>;
  onSessionEnded(): void;
  onClose(): void;
}

/** The panel; its content, and its reading of the node, exist only while it is open. */
export function NoticesDialog(props: NoticesDialogProps) {
  return (
    <ModalDialog
      isOpen={props.isOpen}
      title={t('notices.title')}
      intro={t('notices.intro')}
      testId="notices-panel"
      className="notice-dialog"
      onClose={props.onClose}
    >
      <NoticesContent {...props} />
    </ModalDialog>
  );
}

function NoticesContent(props: NoticesDialogProps) {
  const { selfId, lines, nowMs, canIssue, nodeName, onSessionEnded } = props;
  const data = useNotices(props.trigger, onSessionEnded);
  const [isFormShown, setIsFormShown] = useState(false);
  const [issued, setIssued] = useState<Notice | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const newButtonRef = useRef<HTMLButtonElement>(null);
  const issuedRef = useRef<HTMLParagraphElement>(null);
  const wasFormShown = useRef(false);
  const hotlines = lines.filter((line) => line.kind === 'hotline' && line.members.includes(selfId));
  const { refresh } = data;

  // The notice just issued comes into view once the list holds it.
  const isIssuedListed = issued !== null && (data.notices ?? []).some((notice) => notice.id === issued.id);
  useEffect(() => {
    if (!isIssuedListed || issued === null) return;
    listRef.current
      ?.querySelector(`[data-testid="notice-row"][data-id="${CSS.escape(issued.id)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [isIssuedListed, issued]);

  // Back from the form, the keyboard goes on from what it led to (CON3): the notice just
  // issued, or the button that opened the form.
  useEffect(() => {
    if (isFormShown) {
      wasFormShown.current = true;
      return;
    }
    if (!wasFormShown.current) return;
    wasFormShown.current = false;
    (issued === null ? newButtonRef.current : issuedRef.current)?.focus();
  }, [isFormShown, issued]);

  const acknowledge = async (id: string) => {
    await props.onAcknowledge(id, '');
    refresh();
  };

  if (isFormShown) {
    return (
      <section className="notice-dialog__form" aria-labelledby="notice-form-heading">
        <div className="notice-dialog__head">
          <h3 id="notice-form-heading">{t('notices.form.heading')}</h3>
          <button
            type="button"
            className="button button--secondary"
            data-testid="notice-back"
            onClick={() => setIsFormShown(false)}
          >
            {t('notices.form.back')}
          </button>
        </div>
        <NoticeForm
          hotlines={hotlines}
          selfId={selfId}
          isBusy={data.isBusy}
          nodeName={nodeName}
          onIssue={data.issue}
          onIssued={(notice) => {
            setIssued(notice);
            setIsFormShown(false);
          }}
          onCancel={() => setIsFormShown(false)}
        />
      </section>
    );
  }

  const sections =
    data.notices === null ? null : noticeSections(withLiveStatus(data.notices, props.statusById), nowMs);
  return (
    <div className="notice-dialog__list" ref={listRef}>
      <div className="notice-dialog__head">
        {issued !== null ? (
          <p
            className="notice-dialog__issued"
            role="status"
            data-testid="notice-issued"
            ref={issuedRef}
            tabIndex={-1}
          >
            {t('notices.issued', { title: issued.title })}
          </p>
        ) : (
          <span />
        )}
        {canIssue && (
          <button
            type="button"
            ref={newButtonRef}
            className="button button--primary"
            data-testid="notice-new"
            onClick={() => {
              setIssued(null);
              setIsFormShown(true);
            }}
          >
            {t('notices.new')}
          </button>
        )}
      </div>
      {data.error !== null && (
        <p className="form-error" role="alert">
          {data.error}
        </p>
      )}
      {sections === null ? (
        <p>{t('app.loading')}</p>
      ) : sections.length === 0 ? (
        <p className="notice-dialog__none" data-testid="notices-empty">
          {t('notices.none')}
        </p>
      ) : (
        sections.map((section) => (
          <section
            key={section.state}
            className="notice-dialog__section"
            data-testid="notice-section"
            data-state={section.state}
          >
            <h3>
              {t('notices.section', {
                title: t(`notices.state.${section.state}` as StringKey),
                count: section.notices.length,
              })}
            </h3>
            <ul className="notice-dialog__rows">
              {section.notices.map((notice) => (
                <NoticeRow
                  key={notice.id}
                  notice={notice}
                  selfId={selfId}
                  nowMs={nowMs}
                  canWithdraw={canIssue}
                  canAcknowledge={props.canAcknowledge}
                  isNew={notice.id === issued?.id}
                  nodeName={nodeName}
                  onAcknowledge={acknowledge}
                  onWithdraw={data.withdraw}
                />
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}
