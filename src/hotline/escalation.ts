/**
 * The escalation engine (HOT3 overdue, HOT4): on each node, for every unacknowledged message of
 * a line it belongs to whose deadline has passed, it runs the steps of its own policy for the
 * message's precedence. On the receiving nodes the step alerts their own roles; on the sending
 * node it tells the sender's chain the message is overdue.
 *
 * Each step run is an event on the message's line, so the peer sees it too:
 * `escalation.raised {message, step, precedence, side, roles, channels, overdueAt}`, authored by
 * the node id. `overdueAt` is the message's deadline: its projection fixes the message's
 * `overdueAt` (a late acknowledgement keeps it, HOT3). The alerts go out after the event is
 * durable: the console sees the event; webhooks and e-mail are sent by the AlertSender. A channel
 * that fails is logged, counted in `/metrics` (`liaison_alerts_total{outcome="failed"}`) and
 * recorded as `escalation.failed {escalation, message, step, channel, failed, delivered, reason}`.
 *
 * Time comes from the injected Clock; the engine sleeps until the next step falls due
 * (`wakeAt`), so tests move a ManualClock and never sleep. Steps stop at the acknowledgement.
 * Each message's next due time sits in a `DueQueue`, so a new message or an acknowledgement
 * costs O(log n), and a wake-up visits only the messages due, however many are waiting.
 *
 * A message on a closed hotline (FED1: its peer is unpaired, `isLineClosed`) is not escalated:
 * the peer can neither see nor acknowledge it, so alerts would only be noise. It stays tracked
 * without a due time; when the hotline reopens (`peer.paired`), the latest step due runs once.
 *
 * Restart-safe: the steps already run are read back from this node's own `escalation.raised`
 * events, so none is repeated; a node that was down through several steps runs only the latest
 * one due, once. At start it considers the latest 10,000 messages of each line.
 */
import { Counter, type Registry } from 'prom-client';
import { type Clock, wakeAt } from '../core/clock.ts';
import { latestDueStep, stepAt, stepDueAt } from '../core/escalationPolicy.ts';
import type { JsonObject, LiaisonEvent, Precedence } from '../core/types.ts';
import type { CommittedBatch, Ledger, Logger } from '../record/ledger.ts';
import { readMarkTarget, readMessageBody } from '../record/projection.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import type { AlertNotice, AlertSender } from './alerts/dispatch.ts';
import { DueQueue } from './dueQueue.ts';
import type { PolicyStore } from './escalationPolicies.ts';

/** The event a step run appends. */
export const ESCALATION_RAISED = 'escalation.raised';
/** The event recording an alert channel that could not deliver. */
export const ESCALATION_FAILED = 'escalation.failed';
/** The pairing events (src/node/unpairing.ts) that close and reopen a hotline (FED1). */
const PEER_UNPAIRED = 'peer.unpaired';
const PEER_PAIRED = 'peer.paired';
/** Messages of each line considered at start. */
export const ESCALATION_SCAN_MESSAGES = 10_000;
/** After a failed append (line not ready, appends held, store down), try again this much later. */
const RETRY_MS = 5_000;

/** Which side of a message a node escalates: it received it, or it sent it. */
export type EscalationSide = 'receiver' | 'sender';

/** The step number an own `escalation.raised` body names for a message, or null. */
export function readEscalation(event: LiaisonEvent): { message: string; step: number } | null {
  if (event.type !== ESCALATION_RAISED) return null;
  const message = readMarkTarget(event.body);
  const { step } = event.body;
  if (!message || typeof step !== 'number' || !Number.isSafeInteger(step) || step < 1) return null;
  return { message, step };
}

interface Tracked {
  id: string;
  line: string;
  origin: string;
  author: string;
  precedence: Precedence;
  deadline: string;
  deadlineMs: number;
  /** The highest step this node has run for the message (0: none). */
  lastStep: number;
  /** Not before this time, after a failed append. */
  retryAtMs: number;
}

export interface EscalationOptions {
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
  policies: PolicyStore;
  /** Sends webhook and e-mail alerts; null when the node has none configured. */
  alerts: AlertSender | null;
  /** Where to count escalations and alerts (`/metrics`). */
  registry?: Registry;
}

/** Runs escalation steps for the messages this node sent or received. */
export class Escalation {
  private readonly tracked = new Map<string, Tracked>();
  /** When each tracked message's next step (or retry) falls due. */
  private readonly due = new DueQueue();
  private unsubscribe: (() => void) | null = null;
  private unsubscribePolicies: (() => void) | null = null;
  private cancelWake: (() => void) | null = null;
  private wakeAtMs: number | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();
  private isStopped = false;
  /**
   * Whether a line is a closed hotline (FED1); set by the node before `start()`. Changes are
   * noticed when a `peer.unpaired` or `peer.paired` event commits on the line.
   */
  isLineClosed: (lineId: string) => boolean = () => false;
  private readonly raisedCounter: Counter<'side' | 'precedence'> | null;
  private readonly alertCounter: Counter<'channel' | 'outcome'> | null;

  constructor(private readonly options: EscalationOptions) {
    const registers = options.registry ? [options.registry] : [];
    this.raisedCounter = options.registry
      ? new Counter({
          name: 'liaison_escalations_total',
          help: 'Escalation steps run by this node (HOT4), by side and precedence.',
          labelNames: ['side', 'precedence'],
          registers,
        })
      : null;
    this.alertCounter = options.registry
      ? new Counter({
          name: 'liaison_alerts_total',
          help: 'Escalation alerts by webhook or e-mail, by channel and outcome (delivered, failed), per recipient.',
          labelNames: ['channel', 'outcome'],
          registers,
        })
      : null;
  }

  /** Reads what is pending from the record, then follows commits and runs due steps. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.isStopped = false;
    this.unsubscribe = this.options.ledger.onCommitted((batch) => this.observe(batch));
    this.unsubscribePolicies = this.options.policies.onChange(() => {
      for (const t of this.tracked.values()) this.schedule(t);
      this.kick();
    });
    await this.load();
    this.kick();
  }

  /** Stops the timer; waits for the step and alerts in flight. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribePolicies?.();
    this.unsubscribePolicies = null;
    this.cancelWake?.();
    this.cancelWake = null;
    await this.idle();
  }

  /** Resolves when no step is running and every alert started has finished (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.running;
      await running;
      await Promise.all(this.pending);
      if (running === this.running && this.pending.size === 0) return;
    }
  }

  /** The messages waiting for an acknowledgement here, with their last step (tests, diagnostics). */
  pendingMessages(): { id: string; lastStep: number }[] {
    return [...this.tracked.values()].map((t) => ({ id: t.id, lastStep: t.lastStep }));
  }

  private isOurs(line: string): boolean {
    const record = this.options.ledger.getLine(line);
    return Boolean(record && record.kind !== 'local' && record.members.includes(this.options.ledger.selfId));
  }

  private track(event: LiaisonEvent, lastStep = 0): void {
    if (this.tracked.has(event.id) || !this.isOurs(event.line)) return;
    const body = readMessageBody(event.body);
    if (!body) return;
    const tracked: Tracked = {
      id: event.id,
      line: event.line,
      origin: event.origin,
      author: event.author,
      precedence: body.precedence,
      deadline: body.deadline,
      deadlineMs: Date.parse(body.deadline),
      lastStep,
      retryAtMs: 0,
    };
    this.tracked.set(event.id, tracked);
    this.schedule(tracked);
  }

  /** Stops following a message (acknowledged, or gone). */
  private untrack(id: string): void {
    this.tracked.delete(id);
    this.due.set(id, null);
  }

  /** Puts a message's next step (or its retry, whichever is later) in the queue; none on a closed line. */
  private schedule(t: Tracked): void {
    if (this.isLineClosed(t.line)) {
      this.due.set(t.id, null);
      return;
    }
    const next = stepDueAt(this.options.policies.policies[t.precedence], t.deadlineMs, t.lastStep + 1);
    this.due.set(t.id, next === null ? null : Math.max(next, t.retryAtMs));
  }

  private observe(batch: CommittedBatch): void {
    const wakeBefore = this.due.peekAt();
    for (const { event } of batch.events) {
      if (event.type === 'message.posted') {
        this.track(event);
      } else if (event.type === 'message.acknowledged') {
        const target = readMarkTarget(event.body);
        const held = target ? this.tracked.get(target) : undefined;
        // An acknowledgement only counts on its message's own line (as in the projection).
        if (held && held.line === event.line) this.untrack(held.id);
      } else if (event.type === PEER_UNPAIRED || event.type === PEER_PAIRED) {
        // The line may have closed or reopened (the pairings follow commits before this).
        for (const t of this.tracked.values()) if (t.line === event.line) this.schedule(t);
      } else if (event.origin === this.options.ledger.selfId) {
        const raised = readEscalation(event);
        const held = raised ? this.tracked.get(raised.message) : undefined;
        if (raised && held && raised.step > held.lastStep) {
          held.lastStep = raised.step;
          this.schedule(held);
        }
      }
    }
    // Only a change of the earliest due time needs the timer moved.
    if (this.due.peekAt() !== wakeBefore) this.sleep();
  }

  /** The unacknowledged messages of each line and the steps already run for them. */
  private async load(): Promise<void> {
    const { ledger, store } = this.options;
    for (const line of ledger.listLines()) {
      if (!this.isOurs(line.id)) continue;
      const rows = await store.latestMessages(line.id, ESCALATION_SCAN_MESSAGES);
      const open = rows.filter((row) => row.ackedAt === null);
      if (open.length === 0) continue;
      for (const row of open) {
        const posted = await store.getEvent(row.id);
        if (posted) this.track(posted.event);
      }
      // This node's own chain holds every step it ran; read it in pages.
      const last = ledger.heldSeq(line.id, ledger.selfId);
      for (let from = 1; from <= last; from += 1000) {
        for (const stored of await store.eventsBySeqRange(line.id, ledger.selfId, from, from + 999)) {
          const raised = readEscalation(stored.event);
          const held = raised ? this.tracked.get(raised.message) : undefined;
          if (raised && held && raised.step > held.lastStep) {
            held.lastStep = raised.step;
            this.schedule(held);
          }
        }
      }
    }
  }

  /** Runs the due steps now (after the current run), then sleeps until the next one. */
  private kick(): void {
    if (this.isStopped) return;
    this.running = this.running
      .then(() => this.runDueSteps())
      .catch((error: Error) => this.options.logger.warn({ err: error.message }, 'escalation run failed'))
      .then(() => this.sleep());
  }

  /** Sets the timer for the earliest due step, if it moved. */
  private sleep(): void {
    if (this.isStopped) return;
    const next = this.due.peekAt();
    if (next === this.wakeAtMs && this.cancelWake) return;
    this.cancelWake?.();
    this.cancelWake = null;
    this.wakeAtMs = next;
    if (next !== null) {
      this.cancelWake = wakeAt(this.options.clock, next, () => {
        this.cancelWake = null;
        this.wakeAtMs = null;
        this.kick();
      });
    }
  }

  /** Runs the latest due step of every message whose time has come, then queues its next. */
  private async runDueSteps(): Promise<void> {
    const now = this.options.clock.now();
    const policies = this.options.policies.policies;
    const ran: Tracked[] = [];
    for (const id of this.due.takeDue(now)) {
      const t = this.tracked.get(id);
      if (!t) continue;
      if (this.isStopped) {
        this.schedule(t);
        continue;
      }
      const due = latestDueStep(policies[t.precedence], t.deadlineMs, now);
      if (due > t.lastStep && now >= t.retryAtMs) await this.raise(t, due);
      ran.push(t);
    }
    // Queued after the loop, so a step that could not move on is retried at the next wake, not now.
    for (const t of ran) if (this.tracked.get(t.id) === t) this.schedule(t);
  }

  /** Runs step `n` for a message: the event, then the alerts outside the console. */
  private async raise(t: Tracked, n: number): Promise<void> {
    const { ledger, store, logger } = this.options;
    const policy = this.options.policies.policies[t.precedence];
    const step = stepAt(policy, n);
    if (!step) return;
    const row = await store.getMessage(t.id);
    if (!row || row.ackedAt !== null) {
      this.untrack(t.id);
      return;
    }
    const side: EscalationSide = t.origin === ledger.selfId ? 'sender' : 'receiver';
    const body = {
      message: t.id,
      step: n,
      precedence: t.precedence,
      side,
      roles: step.roles,
      channels: step.channels,
      overdueAt: t.deadline,
    } satisfies JsonObject;
    let raised: StoredEvent;
    try {
      raised = await ledger.append(t.line, ledger.selfId, ESCALATION_RAISED, body);
    } catch (error) {
      t.retryAtMs = this.options.clock.now() + RETRY_MS;
      logger.warn(
        { err: (error as Error).message, message: t.id, step: n },
        'could not record an escalation step',
      );
      return;
    }
    t.lastStep = Math.max(t.lastStep, n);
    t.retryAtMs = 0;
    this.raisedCounter?.inc({ side, precedence: t.precedence });
    logger.warn(
      { message: t.id, line: t.line, step: n, side, roles: step.roles },
      'message overdue: escalated',
    );
    const notice: AlertNotice = {
      node: ledger.selfId,
      escalation: raised.event.id,
      message: t.id,
      line: t.line,
      precedence: t.precedence,
      author: t.author,
      deadline: t.deadline,
      step: n,
      side,
      roles: step.roles,
      channels: step.channels,
      overdueAt: t.deadline,
    };
    if (step.channels.some((c) => c !== 'console')) this.keepTrackOf(this.alert(notice));
  }

  private keepTrackOf(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Sends the webhook and e-mail alerts of a step; records each channel that failed. */
  private async alert(notice: AlertNotice): Promise<void> {
    const { ledger, logger, alerts } = this.options;
    const outcomes = alerts
      ? await alerts.send(notice).catch((error: Error) =>
          notice.channels
            .filter((c) => c !== 'console')
            .map((channel) => ({
              channel: channel as 'webhook' | 'email',
              delivered: 0,
              failed: 1,
              problems: [error.message],
            })),
        )
      : notice.channels
          .filter((c) => c !== 'console')
          .map((channel) => ({
            channel: channel as 'webhook' | 'email',
            delivered: 0,
            failed: 0,
            problems: ['no-recipients'],
          }));
    for (const outcome of outcomes) {
      this.alertCounter?.inc({ channel: outcome.channel, outcome: 'delivered' }, outcome.delivered);
      const isFailed = outcome.failed > 0 || outcome.delivered === 0;
      if (!isFailed) continue;
      this.alertCounter?.inc({ channel: outcome.channel, outcome: 'failed' }, Math.max(1, outcome.failed));
      // The reason goes into the record the peer holds: no addresses or URLs of ours in it.
      const reason =
        outcome.problems
          .join('; ')
          .replace(/[^\s<>]+@[^\s<>]+/g, '(address)')
          .replace(/[a-z]+:\/\/\S+/gi, '(url)')
          .slice(0, 500) || 'not delivered';
      logger.error(
        { message: notice.message, step: notice.step, channel: outcome.channel, reason },
        'an escalation alert was not delivered',
      );
      await ledger
        .append(notice.line, ledger.selfId, ESCALATION_FAILED, {
          escalation: notice.escalation,
          message: notice.message,
          step: notice.step,
          channel: outcome.channel,
          delivered: outcome.delivered,
          failed: outcome.failed,
          reason,
        })
        .catch((error: Error) =>
          logger.warn({ err: error.message, message: notice.message }, 'could not record a failed alert'),
        );
    }
  }
}
