/**
 * `/metrics` in Prometheus text format: events stored and refused (by reason), delivery latency,
 * peer link state, queue (count and age of the oldest event, FED6), RTT and clock skew alarm,
 * stream clients, and the process defaults.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type Clock, systemClock } from '../core/clock.ts';
import { LINK_STATES } from '../core/types.ts';
import type { PeerStatus } from '../federation/federation.ts';

export class NodeMetrics {
  readonly registry = new Registry();
  readonly eventsStored: Counter<'source'>;
  readonly eventsRejected: Counter<'reason'>;
  readonly deliveryLatency: Histogram;
  readonly peerState: Gauge<'peer' | 'state'>;
  readonly peerQueue: Gauge<'peer'>;
  readonly peerQueueOldest: Gauge<'peer'>;
  readonly peerSkewAlarm: Gauge<'peer'>;
  readonly peerRtt: Gauge<'peer'>;
  readonly streamClients: Gauge;
  readonly httpErrors: Counter<'code'>;
  readonly linkRefusals: Counter<'reason'>;
  readonly equivocations: Counter<'origin'>;

  /** `clock` dates the age of queued events (the node's clock). */
  constructor(
    nodeId: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry, prefix: 'liaison_process_' });
    this.eventsStored = new Counter({
      name: 'liaison_events_stored_total',
      help: 'Events stored, by source (local: appended here; peer: received).',
      labelNames: ['source'],
      registers: [this.registry],
    });
    this.eventsRejected = new Counter({
      name: 'liaison_events_rejected_total',
      help: 'Events from peers refused, by reason code (LOG8).',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.deliveryLatency = new Histogram({
      name: 'liaison_delivery_latency_seconds',
      help: "Time from an own event's timestamp to the peer's signed receipt for it.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    this.peerState = new Gauge({
      name: 'liaison_peer_state',
      help: 'Link state per peer: 1 for the current state, 0 for the others (FED7).',
      labelNames: ['peer', 'state'],
      registers: [this.registry],
    });
    this.peerQueue = new Gauge({
      name: 'liaison_peer_queue_events',
      help: 'Events the peer is not known to hold.',
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.peerQueueOldest = new Gauge({
      name: 'liaison_peer_queue_oldest_seconds',
      help: 'Age of the oldest event the peer is not known to hold (by its ts), 0 when none (FED6).',
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.peerSkewAlarm = new Gauge({
      name: 'liaison_peer_clock_skew_alarm',
      help: "1 while the peer's clock was last measured more than 2 s off ours, else 0 (FED7).",
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.peerRtt = new Gauge({
      name: 'liaison_peer_rtt_seconds',
      help: 'Round-trip time of the last heartbeat.',
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.streamClients = new Gauge({
      name: 'liaison_stream_clients',
      help: 'Open console WebSocket streams.',
      registers: [this.registry],
    });
    this.equivocations = new Counter({
      name: 'liaison_equivocations_total',
      help: 'Equivocations detected (two signed events for one seq), by origin (LOG9). Alarm on any.',
      labelNames: ['origin'],
      registers: [this.registry],
    });
    this.linkRefusals = new Counter({
      name: 'liaison_link_refusals_total',
      help: 'Federation links refused (wrong certificate or key, stranger, protocol), by reason (FED2).',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.httpErrors = new Counter({
      name: 'liaison_http_errors_total',
      help: 'API requests answered with an error, by code.',
      labelNames: ['code'],
      registers: [this.registry],
    });
  }

  /** Sets the peer gauges from the current statuses. */
  observePeers(peers: PeerStatus[]): void {
    for (const peer of peers) {
      for (const state of LINK_STATES)
        this.peerState.set({ peer: peer.nodeId, state }, peer.state === state ? 1 : 0);
      this.peerQueue.set({ peer: peer.nodeId }, peer.queue);
      const oldestMs = peer.oldestQueuedAt === null ? null : Date.parse(peer.oldestQueuedAt);
      this.peerQueueOldest.set(
        { peer: peer.nodeId },
        oldestMs === null || Number.isNaN(oldestMs) ? 0 : Math.max(0, this.clock.now() - oldestMs) / 1000,
      );
      this.peerSkewAlarm.set({ peer: peer.nodeId }, peer.skewAlarm ? 1 : 0);
      if (peer.rttMs !== null) this.peerRtt.set({ peer: peer.nodeId }, peer.rttMs / 1000);
    }
  }
}
