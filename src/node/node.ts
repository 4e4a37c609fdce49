/**
 * The composition root: opens a node's folder (see folder.ts) and wires store → ledger →
 * hotline → federation → server. `startNode` is what `liaison serve` runs.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import pino, { type Logger as PinoLogger } from 'pino';
import { type Clock, isoTime, offsetClock, systemClock } from '../core/clock.ts';
import type { Signer } from '../core/sign.ts';
import { Drills } from '../federation/drills.ts';
import { Federation } from '../federation/federation.ts';
import { HeadsRecorder } from '../federation/headsRecorder.ts';
import { LinkEvents } from '../federation/linkEvents.ts';
import { Hotline } from '../hotline/messages.ts';
import { Ledger } from '../record/ledger.ts';
import { registerAdminRoutes } from '../server/adminRoutes.ts';
import { buildApp } from '../server/app.ts';
import { NodeMetrics } from '../server/metrics.ts';
import { Sessions } from '../server/sessions.ts';
import { StreamHub } from '../server/stream.ts';
import type { Store } from '../store/types.ts';
import {
  ConfigError,
  DEFAULT_DRILL_INTERVAL_MS,
  loadConfig,
  type NodeConfig,
  parseDeadlines,
} from './config.ts';
import { adminTokenPath, CONSOLE_DIR, loadSigner, loadTlsIdentity, openStore } from './folder.ts';
import { ResilientStdout } from './logDestination.ts';
import { importCard, parseCard } from './pairing.ts';
import { acquirePidFile, releasePidFile } from './pidfile.ts';
import { RESTORED_AT_KEY, RestoreGate } from './restoreGate.ts';

export interface StartOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** A pino logger; by default JSON lines on stdout at the configured level. */
  logger?: PinoLogger;
  /** Serve the console from this folder (default web/dist); null to serve none. */
  consoleDir?: string | null;
}

/** A running node. */
export interface RunningNode {
  config: NodeConfig;
  store: Store;
  ledger: Ledger;
  federation: Federation;
  hotline: Hotline;
  signer: Signer;
  headsRecorder: HeadsRecorder;
  drills: Drills;
  url: string;
  stop(): Promise<void>;
}

/** Starts a node from its folder: store, ledger, federation listener and dialers, HTTP server. */
export async function startNode(options: StartOptions): Promise<RunningNode> {
  const { dataDir } = options;
  const env = options.env ?? process.env;
  const config = loadConfig(dataDir, env);
  // `clockOffsetMs` is a test and diagnostic knob (FED7's skew alarm between real processes).
  const clock = options.clock ?? (config.clockOffsetMs ? offsetClock(config.clockOffsetMs) : systemClock);
  const logger =
    options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeId } }, new ResilientStdout());
  const signer = loadSigner(dataDir);
  acquirePidFile(dataDir);
  const store = await openStore(dataDir);
  try {
    const self = await store.getNode(config.nodeId);
    if (self && self.publicKey !== signer.publicKey) {
      throw new ConfigError(`node.key does not match the key this node registered for ${config.nodeId}`);
    }
    const ledger = new Ledger({ store, signer, selfId: config.nodeId, clock, logger });
    await ledger.open();
    const deadlines = parseDeadlines(config.ackDeadlines);
    const hotline = new Hotline(ledger, store, deadlines, clock);
    const metrics = new NodeMetrics(config.nodeId, clock);
    ledger.onCommitted((batch) => {
      for (const stored of batch.events) {
        if (stored.arrival === 0) continue;
        metrics.eventsStored.inc({ source: stored.event.origin === config.nodeId ? 'local' : 'peer' });
      }
    });
    ledger.onRejected((code) => metrics.eventsRejected.inc({ reason: code }));
    ledger.onEquivocation((proof) => metrics.equivocations.inc({ origin: proof.origin }));

    let peers = (await store.listNodes()).filter((n) => !n.isSelf);
    const federation = new Federation({
      selfId: config.nodeId,
      signer,
      ledger,
      store,
      clock,
      logger,
      listenHost: config.host,
      listenPort: config.federationPort,
      peers: () => peers,
      peerKey: (nodeId) => peers.find((p) => p.nodeId === nodeId)?.publicKey,
      peerCertificate: (nodeId) => peers.find((p) => p.nodeId === nodeId)?.tlsFingerprint ?? null,
      tls: loadTlsIdentity(dataDir, config.nodeId),
      sharedLines: (peer) =>
        ledger
          .listLines()
          .filter((l) => l.kind !== 'local' && l.members.includes(peer))
          .map((l) => l.id),
      peerHeadsArrived: (peer, heads) => restoreGate?.peerHeadsArrived(peer, heads),
    });

    // Delivery latency (for /metrics): from an own event's timestamp to the receipt naming it,
    // both read on this node's clock, so peer clock skew does not enter the figure.
    federation.onRefusal((_peer, code) => metrics.linkRefusals.inc({ reason: code }));
    const latestReceipted = new Map<string, number>();
    federation.onReceipt((peer, receipt) => {
      const now = clock.now();
      for (const [line, origins] of Object.entries(receipt.heads)) {
        const head = origins[config.nodeId];
        const key = `${peer}\u0000${line}`;
        if (!head || head.seq <= (latestReceipted.get(key) ?? 0)) continue;
        latestReceipted.set(key, head.seq);
        void store.getEventBySeq(line, config.nodeId, head.seq).then(
          (stored) => {
            if (stored)
              metrics.deliveryLatency.observe(Math.max(0, now - Date.parse(stored.event.ts)) / 1000);
          },
          () => undefined,
        );
      }
    });

    const adminToken = randomBytes(32).toString('base64url');
    writeFileSync(adminTokenPath(dataDir), `${adminToken}\n`, { mode: 0o600 });
    const sessions = new Sessions(store, config.nodeId, clock, adminToken);
    const stream = new StreamHub(store, ledger, hotline, federation, metrics, logger);
    const headsRecorder = new HeadsRecorder({ ledger, store, logger, intervalMs: config.headsIntervalMs });

    // LOG9: restored from a backup, the node appends nothing (heads.recorded included) until its
    // peers have returned its own latest events (restoreGate.ts).
    let stopped = false;
    const restoreGate = (await store.getMeta(RESTORED_AT_KEY))
      ? new RestoreGate({
          ledger,
          peers: peers.map((p) => p.nodeId),
          logger,
          onRelease: async () => {
            await store.setMeta(RESTORED_AT_KEY, '');
            if (!stopped) headsRecorder.start();
          },
        })
      : null;
    restoreGate?.hold();
    const linkEvents = new LinkEvents({ federation, ledger, logger });
    const drills = new Drills({
      ledger,
      store,
      clock,
      logger,
      intervalMs: config.drillIntervalMs ?? DEFAULT_DRILL_INTERVAL_MS,
    });

    const pair = async (cardText: string) => {
      const card = parseCard(cardText);
      const result = await importCard(
        card,
        { nodeId: config.nodeId, name: config.name, publicKey: signer.publicKey },
        store,
        ledger,
        isoTime(clock.now()),
      );
      peers = (await store.listNodes()).filter((n) => !n.isSelf);
      federation.addPeer(card.nodeId);
      return {
        peer: result.peer.nodeId,
        line: result.line.id,
        safetyCode: result.safetyCode,
        fingerprint: result.fingerprint,
      };
    };

    const app = await buildApp({
      nodeId: config.nodeId,
      nodeName: config.name,
      store,
      ledger,
      hotline,
      federation,
      sessions,
      signer,
      clock,
      pair,
      isHttps: config.publicUrl.startsWith('https:'),
      logger,
      metrics,
      stream,
      consoleDir: options.consoleDir === undefined ? CONSOLE_DIR : options.consoleDir,
      startedAt: clock.now(),
    });
    registerAdminRoutes(app, {
      releaseAppends: async () => {
        const reason = ledger.appendsHeldBecause;
        await restoreGate?.release('admin');
        ledger.releaseAppends();
        return { wasHeld: reason !== null, reason };
      },
    });
    linkEvents.start();
    drills.start();
    await federation.start();
    await app.listen({ host: config.host, port: config.httpPort });
    if (!restoreGate) headsRecorder.start();
    logger.info(
      { url: config.publicUrl, federation: config.federationUrl, peers: peers.map((p) => p.nodeId) },
      'node started',
    );

    return {
      config,
      store,
      ledger,
      federation,
      hotline,
      signer,
      headsRecorder,
      drills,
      url: `http://${config.host}:${config.httpPort}`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await headsRecorder.stop();
        // Before the links close, so a shutdown is not recorded as the link going down.
        await linkEvents.stop();
        await drills.stop();
        await federation.stop();
        await app.close();
        await ledger.idle();
        await store.close();
        rmSync(adminTokenPath(dataDir), { force: true });
        releasePidFile(dataDir);
      },
    };
  } catch (error) {
    await store.close();
    releasePidFile(dataDir);
    throw error;
  }
}
