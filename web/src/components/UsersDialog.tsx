/**
 * The Users panel (SEC1), for admins: every user of this node with their role, second factor
 * and state; the admin changes a role, disables or enables a user, and adds one. A new user
 * sets up their authenticator app at their first sign-in (SEC2); disabling ends their sessions.
 * The admin's own row cannot be demoted or disabled, and the node refuses to leave it without
 * an enabled admin: both refusals are said in the reader's language (CON4).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { LANGUAGES, type Language } from '../../../src/core/phrasebook/types.ts';
import { ROLES, type Role } from '../../../src/core/types.ts';
import { ApiError } from '../api.ts';
import { type StringKey, t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { changeUser, createUser, listUsers, type UserView } from '../usersApi.ts';
import { ModalDialog } from './ModalDialog.tsx';
import { LANGUAGE_NAMES } from './TemplatedText.tsx';
import './UsersStyles.css';

/** Props of `UsersDialog`. */
export interface UsersDialogProps {
  isOpen: boolean;
  /** The signed-in admin's user name: their own row cannot be changed here. */
  self: string;
  onSessionEnded(): void;
  onClose(): void;
}

/** The node's refusals the panel says in the reader's language. */
const ERROR_KEYS: Readonly<Record<string, StringKey>> = {
  'last-admin': 'users.error.lastAdmin',
  'self-lockout': 'users.error.selfLockout',
  'user-exists': 'users.error.userExists',
  'reserved-name': 'users.error.reservedName',
};

/** A refusal in words: ours for the codes we know, the field's for bad input, else the node's. */
function refusalInWords(caught: unknown): string {
  if (!(caught instanceof ApiError)) return caught instanceof Error ? caught.message : String(caught);
  const key = ERROR_KEYS[caught.code];
  if (key) return t(key);
  const paths = caught.fields.map((field) => field.path);
  if (paths.includes('username')) return t('users.error.username');
  if (paths.includes('password')) return t('users.error.password');
  return caught.message;
}

const FACTOR_KEYS = {
  totp: 'users.factor.totp',
  pending: 'users.factor.pending',
  exempt: 'users.factor.exempt',
} as const satisfies Record<UserView['secondFactor'], StringKey>;

function UserRow({
  user,
  isSelf,
  isBusy,
  onChange,
}: {
  user: UserView;
  isSelf: boolean;
  isBusy: boolean;
  onChange(change: { role?: Role; disabled?: boolean }): void;
}) {
  return (
    <tr data-testid="user-row" data-username={user.username} data-disabled={String(user.disabled)}>
      <th scope="row">
        {user.username}
        {isSelf && <span className="users__you"> {t('users.you')}</span>}
      </th>
      <td>
        {isSelf ? (
          t(`role.${user.role}`)
        ) : (
          <select
            data-testid="user-role"
            aria-label={t('users.roleOf', { username: user.username })}
            value={user.role}
            disabled={isBusy}
            onChange={(event) => onChange({ role: event.target.value as Role })}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>{t(FACTOR_KEYS[user.secondFactor])}</td>
      <td data-testid="user-state">
        {user.disabled ? (
          <strong className="users__disabled">{t('users.disabled')}</strong>
        ) : (
          t('users.enabled')
        )}
        {user.lockedUntil !== null && Date.parse(user.lockedUntil) > Date.now() && (
          <div className="users__locked">
            {t('users.lockedUntil', { time: formatDualTime(user.lockedUntil) })}
          </div>
        )}
      </td>
      <td>
        {!isSelf && (
          <button
            type="button"
            className="button button--secondary"
            data-testid="user-disable"
            disabled={isBusy}
            onClick={() => onChange({ disabled: !user.disabled })}
          >
            {user.disabled ? t('users.enable') : t('users.disable')}
          </button>
        )}
      </td>
    </tr>
  );
}

function AddUserForm({
  isBusy,
  onAdd,
}: {
  isBusy: boolean;
  onAdd(user: { username: string; role: Role; password: string; language: Language }): Promise<boolean>;
}) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [password, setPassword] = useState('');
  const [language, setLanguage] = useState<Language>('en');

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (await onAdd({ username: username.trim(), role, password, language })) {
      setUsername('');
      setPassword('');
    }
  }

  return (
    <form className="users__add" onSubmit={(event) => void submit(event)}>
      <h3>{t('users.addTitle')}</h3>
      <label>
        {t('users.username')}
        <input
          data-testid="user-new-name"
          value={username}
          required
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setUsername(event.target.value)}
        />
      </label>
      <label>
        {t('users.role')}
        <select
          data-testid="user-new-role"
          value={role}
          onChange={(event) => setRole(event.target.value as Role)}
        >
          {ROLES.map((each) => (
            <option key={each} value={each}>
              {t(`role.${each}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('users.password')}
        <input
          data-testid="user-new-password"
          type="password"
          value={password}
          required
          minLength={8}
          maxLength={256}
          autoComplete="new-password"
          onChange={(event) => setPassword(event.target.value)}
        />
        <span className="users__hint">{t('users.passwordHint')}</span>
      </label>
      <label>
        {t('users.language')}
        <select
          data-testid="user-new-language"
          value={language}
          onChange={(event) => setLanguage(event.target.value as Language)}
        >
          {LANGUAGES.map((each) => (
            <option key={each} value={each} lang={each}>
              {LANGUAGE_NAMES[each]}
            </option>
          ))}
        </select>
      </label>
      <div>
        <button type="submit" className="button button--primary" data-testid="user-add" disabled={isBusy}>
          {isBusy ? t('users.creating') : t('users.create')}
        </button>
      </div>
    </form>
  );
}

function UsersPanel({ self, onSessionEnded }: Pick<UsersDialogProps, 'self' | 'onSessionEnded'>) {
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const fail = useCallback(
    (caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 401) onSessionEnded();
      else setError(refusalInWords(caught));
    },
    [onSessionEnded],
  );
  const reload = useCallback(() => {
    listUsers().then(setUsers, fail);
  }, [fail]);
  useEffect(reload, [reload]);

  /** Runs a change, then reads the users again; says the node's refusal if any. */
  const act = async (work: () => Promise<string | null>): Promise<boolean> => {
    setIsBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
      return true;
    } catch (caught) {
      fail(caught);
      return false;
    } finally {
      setIsBusy(false);
      reload();
    }
  };

  if (users === null)
    return error === null ? <p role="status">{t('app.loading')}</p> : <p className="form-error">{error}</p>;
  return (
    <div className="users">
      <table className="users__table">
        <thead>
          <tr>
            <th scope="col">{t('users.username')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.secondFactor')}</th>
            <th scope="col">{t('users.state')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('users.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow
              key={user.username}
              user={user}
              isSelf={user.username === self}
              isBusy={isBusy}
              onChange={(change) =>
                void act(async () => {
                  await changeUser(user.username, change);
                  return null;
                })
              }
            />
          ))}
        </tbody>
      </table>
      <div aria-live="polite">
        {error !== null && (
          <p className="form-error" role="alert" data-testid="users-error">
            {error}
          </p>
        )}
        {notice !== null && (
          <p className="users__notice" role="status">
            {notice}
          </p>
        )}
      </div>
      <AddUserForm
        isBusy={isBusy}
        onAdd={(user) =>
          act(async () => {
            const created = await createUser(user);
            return t('users.created', { username: created.username });
          })
        }
      />
    </div>
  );
}

/** The Users panel. */
export function UsersDialog({ isOpen, self, onSessionEnded, onClose }: UsersDialogProps) {
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('users.title')}
      intro={t('users.intro')}
      testId="users-dialog"
      className="users-dialog"
      onClose={onClose}
    >
      <UsersPanel self={self} onSessionEnded={onSessionEnded} />
    </ModalDialog>
  );
}
