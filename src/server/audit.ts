/**
 * The audit log (SEC5): security and admin events — sign-ins and their failures, sign-outs,
 * second factors, users and roles, pairings, keys, line and escalation policies, equivocations,
 * uses of the CLI's admin token — kept as signed `audit.<action>` events on this node's local
 * line `local-<nodeId>`.
 *
 * Why the local line and not a table: it is never federated (LOG1: the federation, the blob
 * exchange and exports all skip local lines), so the log never leaves the node; and each event
 * is signed with the node's key and chained to the one before it (LOG2, LOG4), so an entry
 * changed, removed or slipped in afterwards breaks the chain that `liaison verify` and the
 * ledger check. Readers without `audit.read` never see these events (routes.ts, stream.ts).
 * Each read checks the stretch of the chain it walked (`chainProblem`): an entry whose bytes no
 * longer hash to its id or whose signature fails, or a gap where one was removed, is reported
 * with its seq, so tampering with the database shows in the console.
 *
 * Failed sign-ins cannot flood it: the first failure of an account (or, for names that are not
 * accounts here, of all of them together) is written at once, and the further ones within
 * `failureWindowMs` (a minute) are written as one entry with their count, reasons and up to ten
 * addresses when the window ends. Passwords and codes are never recorded, nor the names tried
 * that are not accounts (people type passwords into the name field).
 */
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import { eventId, unsignedOf, verifyEventSignature } from '../core/event.ts';
import type { KeyRotation } from '../core/keyHistory.ts';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';

/** Every audit event's type starts with this. */
export const AUDIT_EVENT_PREFIX = 'audit.';

/** What an audit entry records (its event type is `audit.<action>`). */
export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'logout',
  'totp-enrolled',
  'totp-reset',
  'totp-re-enrolment',
  'recovery-codes-renewed',
  'user-created',
  'role-changed',
  'user-disabled',
  'user-enabled',
  'password-changed',
  'pairing-imported',
  'pairing-removed',
  'key-rotated',
  'line-created',
  'line-deadlines-changed',
  'call-policy-changed',
  'escalation-policy-changed',
  'equivocation-resolved',
  'projections-rebuilt',
  'appends-released',
  'admin-token',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Why a sign-in failed. */
export type LoginFailure =
  | 'bad-password'
  | 'bad-code'
  | 'locked'
  | 'unknown-user'
  | 'disabled'
  | 'rate-limited';

/** One entry as `GET /api/v1/admin/audit` shows it. */
export interface AuditEntry {
  /** The event's seq on the local line: the cursor for `?before=`. */
  seq: number;
  id: string;
  at: string;
  action: string;
  /** `user@node` who acted, or the node id for what the node saw by itself (failed sign-ins). */
  author: string;
  details: JsonObject;
}

/** Whether an event is an audit entry (readers without `audit.read` never get these). */
export function isAuditEvent(event: Pick<LiaisonEvent, 'type'>): boolean {
  return event.type.startsWith(AUDIT_EVENT_PREFIX);
}

/** The local line of a node, where its audit entries are kept (LOG1). */
export function localLineOf(nodeId: string): string {
  return `local-${nodeId}`;
}

/**
 * Appends one audit entry; resolves once it is durable (LOG10). For the CLI on a stopped node's
 * folder too (src/cli/main.ts), with a ledger opened on the store.
 */
export async function appendAuditEntry(
  ledger: Ledger,
  action: AuditAction,
  author: string,
  details: JsonObject,
): Promise<void> {
  await ledger.append(localLineOf(ledger.selfId), author, `${AUDIT_EVENT_PREFIX}${action}`, details);
}

/** The entry of an audit event. */
function entryOf(event: LiaisonEvent): AuditEntry {
  return {
    seq: event.seq,
    id: event.id,
    at: event.ts,
    action: event.type.slice(AUDIT_EVENT_PREFIX.length),
    author: event.author,
    details: event.body,
  };
}

/** What is wrong with a stretch of the chain: the first seq that breaks it, and how. */
export interface ChainProblem {
  seq: number;
  problem: 'changed' | 'bad-signature' | 'missing-before';
}

/** What a read found of the chain it walked (SEC5). */
export interface ChainCheck {
  intact: boolean;
  /** The seqs checked, lowest and highest (0 when none). */
  from: number;
  to: number;
  problem?: ChainProblem;
}

/**
 * The key the node signed seq `seq` of a line with (LOG5): the one before the first rotation
 * that came later, else the newest.
 */
export function keyAtSeq(
  rotations: readonly KeyRotation[],
  currentKey: string | undefined,
  seq: number,
): string | undefined {
  for (const rotation of rotations) if (seq < rotation.fromSeq) return rotation.previousKey;
  return rotations.at(-1)?.publicKey ?? currentKey;
}

/**
 * Checks a run of one origin's events on one line, ascending by seq (LOG2, LOG4, LOG5): each
 * event hashes to its id and is signed with the key of its seq, and each one after the first
 * follows the one before it (seq + 1, `prev` its id). Returns the first break, or null.
 */
export function chainProblem(
  events: readonly LiaisonEvent[],
  keyAt: (seq: number) => string | undefined,
): ChainProblem | null {
  let previous: LiaisonEvent | null = null;
  for (const event of events) {
    if (eventId(unsignedOf(event)) !== event.id) return { seq: event.seq, problem: 'changed' };
    const key = keyAt(event.seq);
    if (key === undefined || !verifyEventSignature(event, key))
      return { seq: event.seq, problem: 'bad-signature' };
    if (previous && (event.seq !== previous.seq + 1 || event.prev !== previous.id))
      return { seq: event.seq, problem: 'missing-before' };
    previous = event;
  }
  return null;
}

/** Failed sign-ins summed up until their window ends. */
interface FailureWindow {
  username: string | null;
  count: number;
  reasons: Record<string, number>;
  addresses: string[];
  firstAt: string | null;
  lastAt: string | null;
  timer: NodeJS.Timeout;
}

/** Addresses kept per summed-up entry. */
const MAX_ADDRESSES_PER_ENTRY = 10;
/** The key under which names that are not accounts here are summed up together. */
const NOT_AN_ACCOUNT = '\u0000';
/** Events read per page, and at most per request, when walking back through the local line. */
const READ_PAGE = 500;
const MAX_SCANNED_PER_READ = 20 * READ_PAGE;

export interface AuditLogOptions {
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** How long failed sign-ins of one account are summed up before they are written; default a minute. */
  failureWindowMs?: number;
}

export class AuditLog {
  private readonly windows = new Map<string, FailureWindow>();
  private readonly failureWindowMs: number;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: AuditLogOptions) {
    this.failureWindowMs = options.failureWindowMs ?? 60_000;
  }

  /**
   * Appends an entry; resolves true once it is durable, false when it could not be written (the
   * node holds its appends after a restore, or the store is down): then it is logged instead,
   * and the action it records is not undone.
   */
  async record(action: AuditAction, author: string, details: JsonObject = {}): Promise<boolean> {
    const write = appendAuditEntry(this.options.ledger, action, author, details);
    this.pending.add(write);
    try {
      await write;
      return true;
    } catch (error) {
      this.options.logger.error(
        { action, author, details, err: (error as Error).message },
        'could not write an audit entry',
      );
      return false;
    } finally {
      this.pending.delete(write);
    }
  }

  /**
   * Notes a failed sign-in (never the password or code): written at once when it is the first
   * of its account in the window, summed up into the window's entry otherwise.
   */
  async loginFailed(username: string | null, reason: LoginFailure, address: string): Promise<void> {
    const isAccount = username !== null && reason !== 'unknown-user' && reason !== 'rate-limited';
    const key = isAccount ? username : NOT_AN_ACCOUNT;
    const held = this.windows.get(key);
    if (held) {
      this.addFailure(held, reason, address);
      return;
    }
    this.windows.set(key, this.newWindow(key, isAccount ? username : null));
    await this.record('login-failed', this.options.ledger.selfId, {
      username: isAccount ? username : null,
      reason,
      count: 1,
      addresses: [address],
    });
  }

  /**
   * The latest entries, newest first, before the entry `before` (a seq) when given; `next` is
   * the cursor of the page after this one, null at the first entry. `chain` says whether the
   * stretch of the local line walked for them, and its link to the event below it, is whole.
   */
  async read(
    limit: number,
    before?: number,
  ): Promise<{ entries: AuditEntry[]; next: number | null; chain: ChainCheck }> {
    const { ledger, store } = this.options;
    const line = localLineOf(ledger.selfId);
    let upTo = Math.min(ledger.heldSeq(line, ledger.selfId), (before ?? Number.POSITIVE_INFINITY) - 1);
    const entries: AuditEntry[] = [];
    const walked: LiaisonEvent[] = [];
    let next: number | null = null;
    while (upTo >= 1 && walked.length < MAX_SCANNED_PER_READ) {
      const from = Math.max(1, upTo - READ_PAGE + 1);
      const page = (await store.eventsBySeqRange(line, ledger.selfId, from, upTo)).map((s) => s.event);
      walked.unshift(...page);
      upTo = from - 1;
      next = upTo >= 1 ? upTo + 1 : null;
      const isFull = this.collect(page, entries, limit);
      if (isFull !== null) {
        next = isFull > 1 ? isFull : null;
        break;
      }
    }
    return { entries, next, chain: await this.check(line, walked) };
  }

  /**
   * Adds a page's audit entries, newest first, up to `limit`; returns the seq of the entry that
   * filled the page, or null while there is room.
   */
  private collect(page: LiaisonEvent[], entries: AuditEntry[], limit: number): number | null {
    for (const event of [...page].reverse()) {
      if (!isAuditEvent(event)) continue;
      entries.push(entryOf(event));
      if (entries.length === limit) return event.seq;
    }
    return null;
  }

  /** Checks the walked events and their link to the one below them (SEC5, `chainProblem`). */
  private async check(line: string, walked: LiaisonEvent[]): Promise<ChainCheck> {
    const { ledger, store } = this.options;
    const first = walked[0];
    const last = walked.at(-1);
    if (!first || !last) return { intact: true, from: 0, to: 0 };
    const below = first.seq > 1 ? await store.getEventBySeq(line, ledger.selfId, first.seq - 1) : null;
    const run = below ? [below.event, ...walked] : walked;
    const rotations = ledger.rotationsOf(line, ledger.selfId);
    const currentKey = ledger.nodeKey(ledger.selfId);
    const problem = chainProblem(run, (seq) => keyAtSeq(rotations, currentKey, seq));
    const missingBelow = first.seq > 1 && !below;
    if (problem) return { intact: false, from: first.seq, to: last.seq, problem };
    if (missingBelow)
      return {
        intact: false,
        from: first.seq,
        to: last.seq,
        problem: { seq: first.seq, problem: 'missing-before' },
      };
    return { intact: true, from: first.seq, to: last.seq };
  }

  /** Writes the summed-up failures still open and waits for every entry under way (node stop). */
  async stop(): Promise<void> {
    const open = [...this.windows.keys()];
    await Promise.all(open.map((key) => this.closeWindow(key, false)));
    await Promise.allSettled([...this.pending]);
  }

  private newWindow(key: string, username: string | null): FailureWindow {
    const timer = setTimeout(() => void this.closeWindow(key, true), this.failureWindowMs);
    timer.unref();
    return { username, count: 0, reasons: {}, addresses: [], firstAt: null, lastAt: null, timer };
  }

  private addFailure(window: FailureWindow, reason: LoginFailure, address: string): void {
    const at = isoTime(this.options.clock.now());
    window.count += 1;
    window.reasons[reason] = (window.reasons[reason] ?? 0) + 1;
    if (!window.addresses.includes(address) && window.addresses.length < MAX_ADDRESSES_PER_ENTRY)
      window.addresses.push(address);
    window.firstAt ??= at;
    window.lastAt = at;
  }

  /**
   * Ends a window: writes its summed-up failures if any. While failures keep coming, a new
   * window follows (at most one entry a minute per account); a quiet one just ends.
   */
  private async closeWindow(key: string, mayContinue: boolean): Promise<void> {
    const window = this.windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(key);
    if (window.count === 0) return;
    if (mayContinue) this.windows.set(key, this.newWindow(key, window.username));
    await this.record('login-failed', this.options.ledger.selfId, {
      username: window.username,
      reasons: window.reasons,
      count: window.count,
      addresses: window.addresses,
      from: window.firstAt,
      until: window.lastAt,
    });
  }
}
