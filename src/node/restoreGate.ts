/**
 * The hold on a restored node's own appends (LOG9: "after a restore it asks its peers for its
 * own latest events before appending again").
 *
 * A backup is older than the node's last event: the peers may hold events this node signed
 * after the backup. Appending before they are back would sign a second, different event for a
 * seq already used — an equivocation. So `liaison restore` leaves the meta flag
 * `restored-at` in the store, and on the next start the node holds its appends until every
 * paired peer has connected, said what it holds (its FED5 `heads` frame names this node's own
 * events too) and pushed back what this node lacks: this node's own head on every line is then
 * at least what each peer holds of it. The hold then ends and the flag is cleared. An admin
 * may end it early (`liaison release-appends`) when a peer is gone for good.
 */
import type { WireHeads } from '../federation/protocol.ts';
import type { Ledger, Logger } from '../record/ledger.ts';

/** The store meta key `liaison restore` sets (an ISO time); empty or absent when not restored. */
export const RESTORED_AT_KEY = 'restored-at';

/** Why appends are held after a restore (shown in `/healthz` and in 503 `catching-up` answers). */
export const RESTORE_HOLD_REASON =
  "restored from a backup: waiting for peers to return this node's own latest events";

/** The part of the Ledger the gate uses. */
export type GateLedger = Pick<
  Ledger,
  'selfId' | 'heldSeq' | 'holdAppends' | 'releaseAppends' | 'onCommitted' | 'appendsHeldBecause'
>;

export interface RestoreGateOptions {
  ledger: GateLedger;
  /** The paired peers, each of which must report its heads before the hold ends. */
  peers: string[];
  logger: Logger;
  /** Runs once when the hold ends (clear the flag, start what waited for it). */
  onRelease(by: 'peers' | 'admin'): Promise<void> | void;
}

/** What the gate still waits for. */
export interface GateStatus {
  isHeld: boolean;
  /** Peers that have not yet said what they hold since this start. */
  waitingForPeers: string[];
  /** Lines where a peer holds more of this node's own events than this node. */
  missing: { line: string; held: number; peersHold: number }[];
}

export class RestoreGate {
  private readonly waitingFor: Set<string>;
  /** line → the highest seq of this node's own events that some peer said it holds. */
  private readonly required = new Map<string, number>();
  private isReleased = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: RestoreGateOptions) {
    this.waitingFor = new Set(options.peers);
  }

  /** Holds the ledger's appends; ends at once when there is no peer to wait for. */
  hold(): void {
    const { ledger, logger } = this.options;
    ledger.holdAppends(this.reason());
    this.unsubscribe = ledger.onCommitted(() => this.check());
    logger.warn({ waitingFor: [...this.waitingFor] }, RESTORE_HOLD_REASON);
    this.check();
  }

  /** A peer's `heads` frame arrived: note what it holds of this node's own events. */
  peerHeadsArrived(peer: string, heads: WireHeads): void {
    if (this.isReleased) return;
    const selfId = this.options.ledger.selfId;
    for (const [line, origins] of Object.entries(heads)) {
      const seq = origins[selfId]?.seq ?? 0;
      if (seq > (this.required.get(line) ?? 0)) this.required.set(line, seq);
    }
    this.waitingFor.delete(peer);
    this.check();
  }

  status(): GateStatus {
    const { ledger } = this.options;
    const missing: GateStatus['missing'] = [];
    for (const [line, peersHold] of this.required) {
      const held = ledger.heldSeq(line, ledger.selfId);
      if (held < peersHold) missing.push({ line, held, peersHold });
    }
    return { isHeld: !this.isReleased, waitingForPeers: [...this.waitingFor].sort(), missing };
  }

  /** Ends the hold (peers: everything is back; admin: an operator's override). */
  async release(by: 'peers' | 'admin'): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    const status = this.status();
    this.options.ledger.releaseAppends();
    // An override that ends the wait early may let this node reuse a seq: say so loudly.
    const isEarly = status.waitingForPeers.length > 0 || status.missing.length > 0;
    this.options.logger[isEarly ? 'warn' : 'info'](
      { by, waitingForPeers: status.waitingForPeers, missing: status.missing },
      'appends released after a restore',
    );
    await this.options.onRelease(by);
  }

  private check(): void {
    if (this.isReleased) return;
    const status = this.status();
    if (status.waitingForPeers.length === 0 && status.missing.length === 0) {
      void Promise.resolve(this.release('peers')).catch((error: Error) =>
        this.options.logger.error({ err: error.message }, 'could not end the restore hold'),
      );
      return;
    }
    const reason = this.reason(status);
    if (this.options.ledger.appendsHeldBecause !== reason) this.options.ledger.holdAppends(reason);
  }

  private reason(status: GateStatus = this.status()): string {
    const details: string[] = [];
    if (status.waitingForPeers.length > 0) details.push(`waiting for ${status.waitingForPeers.join(', ')}`);
    for (const m of status.missing) details.push(`${m.line}: ${m.held} of ${m.peersHold}`);
    return details.length > 0 ? `${RESTORE_HOLD_REASON} (${details.join('; ')})` : RESTORE_HOLD_REASON;
  }
}
