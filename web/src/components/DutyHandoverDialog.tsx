/**
 * The handover dialog (HOT5): choose the next officer among this node's users who may hold the
 * desk, add a note, and hand over. The node lists the open items in the handover itself.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, type NodeUser } from '../api.ts';
import { t } from '../strings.ts';
import { ModalDialog } from './ModalDialog.tsx';

/** Props of `DutyHandoverDialog`. */
export interface DutyHandoverDialogProps {
  isOpen: boolean;
  /** Users who may hold the desk; null while they are read. */
  users: readonly NodeUser[] | null;
  /** The username holding the desk now, left out of the choice. */
  holder: string | null;
  isBusy: boolean;
  onHandOver(to: string, note: string): Promise<void>;
  onClose(): void;
}

function HandoverForm({
  users,
  holder,
  isBusy,
  onHandOver,
  onClose,
}: Omit<DutyHandoverDialogProps, 'isOpen'>) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (users === null) return <p role="status">{t('app.loading')}</p>;
  const choices = users.filter((user) => user.username !== holder);
  if (choices.length === 0) return <p>{t('duty.noOfficer')}</p>;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (to === '') return;
    setError(null);
    try {
      await onHandOver(to, note);
      onClose();
    } catch (caught) {
      setError(caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <form className="duty-form" onSubmit={(event) => void submit(event)}>
      <label>
        {t('duty.nextOfficer')}
        <select data-testid="handover-to" value={to} required onChange={(event) => setTo(event.target.value)}>
          <option value="">{t('duty.choose')}</option>
          {choices.map((user) => (
            <option key={user.username} value={user.username}>
              {user.username} · {t(`role.${user.role}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('duty.note')}
        <textarea
          data-testid="handover-note"
          value={note}
          maxLength={2000}
          rows={3}
          onChange={(event) => setNote(event.target.value)}
        />
      </label>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button
          type="submit"
          className="button button--primary"
          data-testid="handover-submit"
          disabled={isBusy || to === ''}
        >
          {isBusy ? t('duty.submitting') : t('duty.submit')}
        </button>
      </div>
    </form>
  );
}

/** The handover dialog. */
export function DutyHandoverDialog(props: DutyHandoverDialogProps) {
  const { isOpen, onClose } = props;
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('duty.handoverTitle')}
      intro={t('duty.handoverIntro')}
      testId="handover-dialog"
      onClose={onClose}
    >
      <HandoverForm {...props} />
    </ModalDialog>
  );
}
