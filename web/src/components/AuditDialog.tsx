/**
 * The Audit panel (SEC5), for admins and supervisors: this node's audit log, newest first, a
 * page at a time — sign-ins and their failures, sign-outs, second factors, users and roles,
 * pairings, keys, policies, equivocations, uses of the CLI's admin token — and whether the
 * chain of signed events the entries are kept in is whole. A break says which entry.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.ts';
import { type StringKey, t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { type AuditChain, type AuditEntry, readAudit } from '../usersApi.ts';
import { Icon } from './Icon.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import './UsersStyles.css';

/** Entries read per page. */
const PAGE = 50;

/** Props of `AuditDialog`. */
export interface AuditDialogProps {
  isOpen: boolean;
  /** This node's id: entries it wrote by itself (failed sign-ins) name it as their author. */
  selfId: string;
  onSessionEnded(): void;
  onClose(): void;
}

/** The words of each action (the node's own name for one this console does not know). */
const ACTION_KEYS: Readonly<Record<string, StringKey>> = {
  login: 'audit.action.login',
  'login-failed': 'audit.action.loginFailed',
  logout: 'audit.action.logout',
  'totp-enrolled': 'audit.action.totpEnrolled',
  'totp-reset': 'audit.action.totpReset',
  'totp-re-enrolment': 'audit.action.totpReEnrolment',
  'recovery-codes-renewed': 'audit.action.recoveryCodesRenewed',
  'user-created': 'audit.action.userCreated',
  'role-changed': 'audit.action.roleChanged',
  'user-disabled': 'audit.action.userDisabled',
  'user-enabled': 'audit.action.userEnabled',
  'password-changed': 'audit.action.passwordChanged',
  'pairing-imported': 'audit.action.pairingImported',
  'pairing-removed': 'audit.action.pairingRemoved',
  'key-rotated': 'audit.action.keyRotated',
  'line-created': 'audit.action.lineCreated',
  'line-deadlines-changed': 'audit.action.lineDeadlinesChanged',
  'call-policy-changed': 'audit.action.callPolicyChanged',
  'escalation-policy-changed': 'audit.action.escalationPolicyChanged',
  'equivocation-resolved': 'audit.action.equivocationResolved',
  'projections-rebuilt': 'audit.action.projectionsRebuilt',
  'appends-released': 'audit.action.appendsReleased',
  'admin-token': 'audit.action.adminToken',
};

const PROBLEM_KEYS = {
  changed: 'audit.chainChanged',
  'bad-signature': 'audit.chainBadSignature',
  'missing-before': 'audit.chainMissing',
} as const satisfies Record<NonNullable<AuditChain['problem']>['problem'], StringKey>;

/** A recorded value as text: lists of names joined, other structures as JSON. */
function valueInWords(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

/** An entry's details as `name: value` pairs, the way the node recorded them. */
function detailsInWords(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name}: ${valueInWords(value)}`)
    .join(' · ');
}

function ChainState({ chain }: { chain: AuditChain }) {
  if (chain.intact)
    return (
      <p className="audit__chain" data-testid="audit-chain" data-intact="true">
        <Icon name="check-circle" /> {t('audit.chainIntact')}
      </p>
    );
  const problem = chain.problem;
  return (
    <p
      className="audit__chain audit__chain--broken"
      role="alert"
      data-testid="audit-chain"
      data-intact="false"
    >
      <Icon name="warning" />{' '}
      {problem
        ? t(PROBLEM_KEYS[problem.problem], { seq: problem.seq })
        : t('audit.chainMissing', { seq: chain.from })}
    </p>
  );
}

function AuditPanel({ selfId, onSessionEnded }: Pick<AuditDialogProps, 'selfId' | 'onSessionEnded'>) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [chain, setChain] = useState<AuditChain | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const read = useCallback(
    (before: number | null) => {
      readAudit(PAGE, before).then(
        (page) => {
          setEntries((held) => (before === null ? page.entries : [...(held ?? []), ...page.entries]));
          // A break anywhere read so far stays shown.
          setChain((held) => (held && !held.intact ? held : page.chain));
          setNext(page.next);
        },
        (caught: unknown) => {
          if (caught instanceof ApiError && caught.status === 401) onSessionEnded();
          else setError(caught instanceof Error ? caught.message : String(caught));
        },
      );
    },
    [onSessionEnded],
  );
  useEffect(() => read(null), [read]);

  if (error !== null)
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  if (entries === null || chain === null) return <p role="status">{t('app.loading')}</p>;
  return (
    <div className="audit">
      <ChainState chain={chain} />
      {entries.length === 0 ? (
        <p>{t('audit.empty')}</p>
      ) : (
        <table className="audit__table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.what')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const key = ACTION_KEYS[entry.action];
              return (
                <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                  <td title={formatFullTime(entry.at)}>{formatDualTime(entry.at)}</td>
                  <td>{entry.author === selfId ? t('audit.byNode') : entry.author}</td>
                  <td className="audit__what">{key ? t(key) : entry.action}</td>
                  <td className="audit__details">{detailsInWords(entry.details)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button
          type="button"
          className="button button--secondary audit__more"
          data-testid="audit-more"
          onClick={() => read(next)}
        >
          {t('audit.more')}
        </button>
      )}
    </div>
  );
}

/** The Audit panel. */
export function AuditDialog({ isOpen, selfId, onSessionEnded, onClose }: AuditDialogProps) {
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('audit.title')}
      intro={t('audit.intro')}
      testId="audit-dialog"
      className="audit-dialog"
      onClose={onClose}
    >
      <AuditPanel selfId={selfId} onSessionEnded={onSessionEnded} />
    </ModalDialog>
  );
}
