/**
 * Puts the link into the record (FED7): when a peer's link state changes (up, degraded, down),
 * this node appends `link.state` on every line it shares with that peer; when the peer's clock
 * is measured more than 2 s off, it appends `link.skew` once for the episode, and a `link.skew`
 * with `cleared: true` when a measurement comes back within 2 s.
 *
 * Bodies (author = this node's id):
 * - `link.state` `{peer, state, previous, since, rttMs, clockOffsetMs}`: `since` is when the
 *   link entered `state` (RFC 3339, this node's clock); `rttMs` and `clockOffsetMs` are null
 *   without a measurement.
 * - `link.skew` `{peer, clockOffsetMs}`, then `{peer, clockOffsetMs, cleared: true}`.
 *
 * Only real transitions are recorded: the Federation tells of every change of state or alarm,
 * and this class compares with what it last recorded for the peer. Local lines are never
 * written, nor lines whose genesis has not arrived yet (those transitions are skipped, not
 * queued); when a genesis is stored, the links to that line's members that are up or degraded
 * are recorded on it at once, from `down`. An append that fails (e.g. appends held after a restore) is logged and dropped.
 * On a closed hotline (FED1: the peer is unpaired) only the link going `down` is recorded — the
 * link's end, without which the reliability report (HOT8) would count the unpaired time as
 * uptime; `up`, `degraded` and `link.skew` are not. What was last recorded lives in memory: after a restart the first transition is taken from
 * `down`, and a skew that persists opens a new episode.
 */
import type { JsonObject, LinkState } from '../core/types.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { PeerStatus } from './federation.ts';

/** The part of the Federation this class listens to (a fake in tests). */
export interface PeerStatusSource {
  onPeerStatus(listener: (status: PeerStatus) => void): () => void;
  status(): PeerStatus[];
}

export interface LinkEventsOptions {
  federation: PeerStatusSource;
  ledger: Ledger;
  logger: Logger;
  /** Whether a line is a closed hotline (FED1, `Pairings.isLineClosed`). */
  isLineClosed?: (lineId: string) => boolean;
}

export class LinkEvents {
  /** The last state recorded per peer. */
  private readonly states = new Map<string, LinkState>();
  /** Peers whose skew episode is open (a `link.skew` without `cleared` was recorded). */
  private readonly skewing = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: LinkEventsOptions) {}

  /** Starts listening; the peers' current states are taken as already known. */
  start(): void {
    if (this.unsubscribe) return;
    for (const status of this.options.federation.status()) this.states.set(status.nodeId, status.state);
    const stopStatus = this.options.federation.onPeerStatus((status) => this.onStatus(status));
    const stopCommits = this.options.ledger.onCommitted((batch) => {
      for (const { event, arrival } of batch.events)
        if (arrival > 0 && event.type === 'line.created') this.onLineOpened(event.line);
    });
    this.unsubscribe = () => {
      stopStatus();
      stopCommits();
    };
  }

  /** Stops listening (before the Federation stops, so closing links is not recorded as down). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.idle();
  }

  /**
   * A line's genesis has just been stored: the links to its members that are already up (or
   * degraded) go into it now, taken from `down`. Otherwise a line opened, or reaching this node,
   * while the link was up would show no link state until the next change (HOT8 uptime).
   */
  private onLineOpened(lineId: string): void {
    const { ledger, logger, isLineClosed } = this.options;
    const line = ledger.getLine(lineId);
    if (!line || line.kind === 'local' || !line.members.includes(ledger.selfId) || isLineClosed?.(lineId))
      return;
    for (const status of this.options.federation.status()) {
      if (status.state === 'down' || !line.members.includes(status.nodeId)) continue;
      const body = {
        peer: status.nodeId,
        state: status.state,
        previous: 'down',
        since: status.since,
        rttMs: status.rttMs,
        clockOffsetMs: status.clockOffsetMs,
      } satisfies JsonObject;
      const appended: Promise<void> = ledger.append(lineId, ledger.selfId, 'link.state', body).then(
        () => undefined,
        (error: Error) =>
          logger.warn(
            { err: error.message, line: lineId, peer: status.nodeId },
            'could not record a link event',
          ),
      );
      this.pending.add(appended);
      void appended.finally(() => this.pending.delete(appended));
    }
  }

  /** Resolves when every append started so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private onStatus(status: PeerStatus): void {
    const peer = status.nodeId;
    const previous = this.states.get(peer) ?? 'down';
    if (status.state !== previous) {
      this.states.set(peer, status.state);
      this.appendOnSharedLines(peer, 'link.state', status.state === 'down', {
        peer,
        state: status.state,
        previous,
        since: status.since,
        rttMs: status.rttMs,
        clockOffsetMs: status.clockOffsetMs,
      });
    }
    if (status.skewAlarm && !this.skewing.has(peer)) {
      this.skewing.add(peer);
      this.appendOnSharedLines(peer, 'link.skew', false, { peer, clockOffsetMs: status.clockOffsetMs });
    } else if (!status.skewAlarm && this.skewing.has(peer)) {
      this.skewing.delete(peer);
      this.appendOnSharedLines(peer, 'link.skew', false, {
        peer,
        clockOffsetMs: status.clockOffsetMs,
        cleared: true,
      });
    }
  }

  /** Lines that carry a peer's link events: shared, not local, genesis held. */
  private linesWith(peer: string): string[] {
    const { ledger } = this.options;
    return ledger
      .listLines()
      .filter(
        (line) =>
          line.kind !== 'local' &&
          line.members.includes(peer) &&
          line.members.includes(ledger.selfId) &&
          ledger.isReady(line.id),
      )
      .map((line) => line.id)
      .sort();
  }

  /** @param isForClosedLines whether closed hotlines get it too (only the link going down). */
  private appendOnSharedLines(peer: string, type: string, isForClosedLines: boolean, body: JsonObject): void {
    const { ledger, logger, isLineClosed } = this.options;
    for (const line of this.linesWith(peer)) {
      if (!isForClosedLines && isLineClosed?.(line)) continue;
      const appended: Promise<void> = ledger.append(line, ledger.selfId, type, body).then(
        () => undefined,
        (error: Error) =>
          logger.warn({ err: error.message, line, peer, type }, 'could not record a link event'),
      );
      this.pending.add(appended);
      void appended.finally(() => this.pending.delete(appended));
    }
  }
}
