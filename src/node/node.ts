/**
 * The composition root: opens a node's folder (see folder.ts) and wires store → ledger →
 * hotline → federation → server. `startNode` is what `liaison serve` runs.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger as PinoLogger } from 'pino';
import { CallRequests } from '../calls/requests.ts';
import { type Clock, isoTime, offsetClock, systemClock } from '../core/clock.ts';
import type { Signer } from '../core/sign.ts';
import { machineTimeZone } from '../core/timeZone.ts';
import { Encounters } from '../encounters/encounters.ts';
import { Notices } from '../encounters/notices.ts';
import { BlobExchange, blobMetrics } from '../federation/blobs.ts';
import { Drills } from '../federation/drills.ts';
import { Federation } from '../federation/federation.ts';
import { PeerFrameLimits } from '../federation/frameLimits.ts';
import { HeadsRecorder } from '../federation/headsRecorder.ts';
import { LinkEvents } from '../federation/linkEvents.ts';
import { Hotline } from '../hotline/messages.ts';
import { Ledger } from '../record/ledger.ts';
import { registerAdminRoutes } from '../server/adminRoutes.ts';
import { buildApp } from '../server/app.ts';
import { AuditLog } from '../server/audit.ts';
import { registerAuditRoutes } from '../server/auditRoutes.ts';
import { registerCallRoutes } from '../server/callRoutes.ts';
import { registerDossierRoutes } from '../server/dossierRoutes.ts';
import { registerEncounterRoutes } from '../server/encounterRoutes.ts';
import { ApiError } from '../server/errors.ts';
import { registerEscalationRoutes } from '../server/escalationRoutes.ts';
import { NodeMetrics } from '../server/metrics.ts';
import { installRateLimits } from '../server/rateLimits.ts';
import { registerRecordingRoutes } from '../server/recordingRoutes.ts';
import { Sessions } from '../server/sessions.ts';
import { StreamHub } from '../server/stream.ts';
import { registerTalkRoutes } from '../server/talkRoutes.ts';
import { UserAdmin } from '../server/userAdmin.ts';
import { registerUserRoutes } from '../server/userRoutes.ts';
import type { Store } from '../store/types.ts';
import { BlobStore, blobsDir } from './blobStore.ts';
import { callWiring } from './callWiring.ts';
import {
  ConfigError,
  DEFAULT_API_ADDRESS_RATE_LIMIT,
  DEFAULT_API_RATE_LIMIT,
  DEFAULT_DRILL_INTERVAL_MS,
  DEFAULT_MAX_BLOB_BYTES,
  loadConfig,
  type NodeConfig,
  parseDeadlines,
  parseRateLimit,
} from './config.ts';
import { loadConsoleTls } from './consoleTls.ts';
import { escalationParts } from './escalationWiring.ts';
import { adminTokenPath, CONSOLE_DIR, loadSigner, loadTlsIdentity, openStore } from './folder.ts';
import { checkSecretFiles, writeSecretFile } from './keyFile.ts';
import { recoverKeyRotation } from './keyRotation.ts';
import { keyServices, OwnRotations, peerProofKey } from './keyWiring.ts';
import { ResilientStdout } from './logDestination.ts';
import { CardError, importCard, parseCard } from './pairing.ts';
import { acquirePidFile, releasePidFile } from './pidfile.ts';
import { RESTORED_AT_KEY, RestoreGate } from './restoreGate.ts';
import { talkWiring } from './talkWiring.ts';
import { Pairings } from './unpairing.ts';

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
  /** The HTTP app, for in-process requests (`app.inject`) by the hostile input suite (SEC3). */
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** A card's HTTP status (SEC3): 400 for a bad or forged one, 409 for one at odds with what is held. */
function cardErrorStatus(code: string): number {
  return code === 'key-mismatch' ? 409 : 400;
}

/** Parses a card given to the API; a bad one is a 400 `bad-card`. */
function parseCardForApi(cardText: string) {
  try {
    return parseCard(cardText);
  } catch (error) {
    if (error instanceof CardError) throw new ApiError(400, error.code, error.message);
    throw error;
  }
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
  // SEC2: HTTPS everywhere but loopback; keys at rest mode 0600 (refused otherwise, keyFile.ts).
  const consoleTls = loadConsoleTls(dataDir, config);
  checkSecretFiles(
    dataDir,
    [config.httpsKeyFile, config.keyPassphraseFile].filter((f): f is string => f !== undefined),
  );
  if (consoleTls && consoleTls.validTo.getTime() - clock.now() < 30 * 86_400_000)
    logger.warn(
      { validTo: consoleTls.validTo, source: consoleTls.source },
      'the console certificate expires soon',
    );
  loadSigner(dataDir, env); // a folder without a key, or a wrong passphrase, fails before anything is opened
  acquirePidFile(dataDir);
  const store = await openStore(dataDir);
  try {
    // LOG5: a key rotation cut short by a crash is finished (or undone) before the key is read.
    const recovery = await recoverKeyRotation(dataDir, store, config.nodeId);
    if (recovery !== 'none') logger.warn({ recovery }, 'key rotation recovered at start');
    // The key the node signs with; a rotation replaces it (keyWiring.ts).
    let signer = loadSigner(dataDir, env);
    const ledger = new Ledger({ store, signer, selfId: config.nodeId, clock, logger });
    await ledger.open();
    const registeredKey = ledger.nodeKey(config.nodeId);
    if (registeredKey !== undefined && registeredKey !== signer.publicKey) {
      throw new ConfigError(`node.key does not match the key this node registered for ${config.nodeId}`);
    }
    // FED1: unpaired peers and their closed hotlines, from the record.
    const pairings = new Pairings({ selfId: config.nodeId, ledger, store, logger });
    await pairings.start();
    const ownRotations = new OwnRotations(config.nodeId, ledger);
    await ownRotations.load(store);
    const deadlines = parseDeadlines(config.ackDeadlines);
    const metrics = new NodeMetrics(config.nodeId, clock);
    // HOT2, HOT4: a line's own deadlines over the node's; escalation steps when they pass.
    const escalation = escalationParts({
      config,
      ledger,
      store,
      clock,
      logger,
      registry: metrics.registry,
      nodeDeadlines: deadlines,
    });
    // FED1: no escalation on a hotline closed by an unpairing.
    escalation.escalation.isLineClosed = (line) => pairings.isLineClosed(line);
    const hotline = new Hotline(ledger, store, (line) => escalation.lineSettings.effective(line), clock);
    ledger.onCommitted((batch) => {
      for (const stored of batch.events) {
        if (stored.arrival === 0) continue;
        metrics.eventsStored.inc({ source: stored.event.origin === config.nodeId ? 'local' : 'peer' });
      }
    });
    ledger.onRejected((code) => metrics.eventsRejected.inc({ reason: code }));

    // Blobs (LOG11, FED11): files in DATA/blobs whatever the store; fetched from peers by hash.
    const blobStore = new BlobStore(blobsDir(dataDir));
    const maxBlobBytes = config.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
    const blobExchange: BlobExchange = new BlobExchange({
      blobs: blobStore,
      logger,
      clock,
      maxBlobBytes,
      ...(config.blobChunkBytes ? { chunkBytes: config.blobChunkBytes } : {}),
      sharedLines: (peer) => federationLines(peer),
      ...blobMetrics(metrics.registry, () => blobExchange.wantedCount),
    });
    ledger.onCommitted((batch) => blobExchange.noteEvents(batch.events.map((s) => s.event)));
    hotline.isBlobHeld = (hash) => blobStore.has(hash);
    hotline.isLineClosed = (line) => pairings.isLineClosed(line);
    // HOT7: call requests, their deadlines stamped as a message's (HOT2).
    const callRequests = new CallRequests({
      ledger,
      store,
      clock,
      deadlines: (line) => escalation.lineSettings.effective(line),
      isLineClosed: (line) => pairings.isLineClosed(line),
    });
    ledger.onEquivocation((proof) => metrics.equivocations.inc({ origin: proof.origin }));

    // CALL5: video talks, whose frames share the calls' hooks on the federation link.
    const talkParts = talkWiring({ selfId: config.nodeId, ledger, store, clock, logger });
    // CALL1–CALL3: live calls between the desks, relayed over the federation link.
    const callParts = callWiring({
      config,
      ledger,
      store,
      clock,
      logger,
      isLineClosed: (line) => pairings.isLineClosed(line),
      talks: talkParts.linkHooks,
    });

    let peers = (await store.listNodes()).filter((n) => !n.isSelf);
    const federationLines = (peer: string) =>
      ledger
        .listLines()
        .filter((l) => l.kind !== 'local' && l.members.includes(peer))
        .map((l) => l.id);
    const federation = new Federation({
      selfId: config.nodeId,
      get signer() {
        return signer;
      },
      ledger,
      store,
      clock,
      logger,
      listenHost: config.host,
      listenPort: config.federationPort,
      // Announced in the hello so the peer's consoles show our zone on hover (CON2).
      timeZone: config.timeZone ?? machineTimeZone(),
      peers: () => peers,
      // The key the rotations held reach (LOG5), for paired nodes only.
      peerKey: (nodeId) => (peers.some((p) => p.nodeId === nodeId) ? ledger.nodeKey(nodeId) : undefined),
      peerProofKey: (nodeId, rotations) =>
        peers.some((p) => p.nodeId === nodeId) ? peerProofKey(ledger, nodeId, rotations) : undefined,
      ownRotations: () => ownRotations.list(),
      isUnpaired: (nodeId) => pairings.isUnpaired(nodeId),
      peerCertificate: (nodeId) => peers.find((p) => p.nodeId === nodeId)?.tlsFingerprint ?? null,
      tls: loadTlsIdentity(dataDir, config.nodeId),
      sharedLines: (peer) => federationLines(peer),
      blobs: blobExchange,
      calls: callParts.linkHooks,
      peerHeadsArrived: (peer, heads) => restoreGate?.peerHeadsArrived(peer, heads),
      // SEC4: each peer's frame-rate limits, kept across its reconnects.
      frameLimits: new PeerFrameLimits(clock),
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
    writeSecretFile(adminTokenPath(dataDir), `${adminToken}\n`);
    const sessions = new Sessions(store, config.nodeId, clock, adminToken);
    const stream = new StreamHub(store, ledger, hotline, federation, metrics, logger);
    const calls = callParts.attach({ federation, stream, hotline });
    const talks = await talkParts.attach({ federation, stream });
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
    // FED1: a closed hotline gets no drills and no link events but the link's end.
    const isLineClosed = (line: string) => pairings.isLineClosed(line);
    const linkEvents = new LinkEvents({ federation, ledger, logger, isLineClosed });
    const drills = new Drills({
      ledger,
      store,
      clock,
      logger,
      intervalMs: config.drillIntervalMs ?? DEFAULT_DRILL_INTERVAL_MS,
      isLineClosed,
    });

    const pair = async (cardText: string, safetyCode?: string) => {
      const card = parseCardForApi(cardText);
      const result = await importCard(
        card,
        { nodeId: config.nodeId, name: config.name, publicKey: signer.publicKey },
        store,
        ledger,
        isoTime(clock.now()),
        { safetyCode },
      ).catch((error: unknown) => {
        if (error instanceof CardError)
          throw new ApiError(cardErrorStatus(error.code), error.code, error.message);
        throw error;
      });
      peers = (await store.listNodes()).filter((n) => !n.isSelf);
      // FED1: importing the card of an unpaired peer re-pairs; the same hotline reopens.
      await pairings.repair(card.nodeId, config.nodeId);
      // LOG5: a revoked key's links (its old TLS certificate) end; the new card's are dialed.
      if (result.revokedLines > 0) federation.removePeer(card.nodeId, `${card.nodeId}'s key was revoked`);
      federation.addPeer(card.nodeId);
      return {
        peer: result.peer.nodeId,
        line: result.line.id,
        safetyCode: result.safetyCode,
        fingerprint: result.fingerprint,
        revokedLines: result.revokedLines,
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
      get signer() {
        return signer;
      },
      clock,
      pair,
      isHttps: consoleTls !== null,
      https: consoleTls,
      logger,
      metrics,
      stream,
      consoleDir: options.consoleDir === undefined ? CONSOLE_DIR : options.consoleDir,
      startedAt: clock.now(),
      blobs: { blobs: blobStore, maxBlobBytes, isWanted: (hash) => blobExchange.isWanted(hash) },
      callRequests,
      keys: keyServices({
        dataDir,
        selfId: config.nodeId,
        ledger,
        logger,
        pairings,
        federation,
        setSigner: (next) => {
          signer = next;
        },
      }),
    });
    // SEC4: the API's rate limits, after app.ts's hook that finds each request's session.
    installRateLimits(app, {
      perSession: parseRateLimit(config.apiRateLimit ?? DEFAULT_API_RATE_LIMIT),
      perAddress: parseRateLimit(config.apiAddressRateLimit ?? DEFAULT_API_ADDRESS_RATE_LIMIT),
      clock,
    });
    // SEC5, SEC1: the audit log on the local line; the admin's user routes.
    const audit = new AuditLog({ ledger, store, clock, logger });
    registerAuditRoutes(app, { nodeId: config.nodeId, store, audit });
    registerUserRoutes(app, { nodeId: config.nodeId, users: new UserAdmin(store, clock), sessions, stream });
    registerAdminRoutes(app, {
      releaseAppends: async () => {
        const reason = ledger.appendsHeldBecause;
        await restoreGate?.release('admin');
        ledger.releaseAppends();
        return { wasHeld: reason !== null, reason };
      },
    });
    registerEscalationRoutes(app, { ledger, logger, ...escalation });
    registerCallRoutes(app, { calls, store, ice: callParts.ice, ringTimeoutMs: callParts.ringTimeoutMs });
    registerTalkRoutes(app, {
      selfId: config.nodeId,
      talks,
      store,
      ledger,
      clock,
      isPairedPeer: (nodeId) => peers.some((p) => p.nodeId === nodeId) && !pairings.isUnpaired(nodeId),
    });
    // ENC1–ENC3: encounter reports on their own threads, activity notices on the hotline.
    const notices = new Notices({ selfId: config.nodeId, ledger, store, hotline, clock });
    const encounters = new Encounters({
      selfId: config.nodeId,
      ledger,
      store,
      hotline,
      clock,
      noticeMatcher: () => notices.matcher(),
    });
    registerEncounterRoutes(app, { encounters, notices, nowMs: () => clock.now() });
    // ENC5: an encounter's dossier (JSONL, HTML, PDF); its browser closes with the app.
    registerDossierRoutes(app, {
      nodeId: config.nodeId,
      nodeName: config.name,
      store,
      ledger,
      clock,
      signer: () => signer,
      encounters,
      notices,
    });
    registerRecordingRoutes(app, {
      calls,
      policy: callParts.recordingPolicy,
      ledger,
      store,
      blobs: blobStore,
    });
    linkEvents.start();
    drills.start();
    await escalation.start();
    await callParts.recordingPolicy.start();
    void blobExchange.start(store);
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
      get signer() {
        return signer;
      },
      headsRecorder,
      drills,
      url: `${consoleTls ? 'https' : 'http'}://${config.host}:${config.httpPort}`,
      app,
      async stop() {
        if (stopped) return;
        stopped = true;
        await headsRecorder.stop();
        await escalation.stop();
        calls.stop();
        talks.stop();
        callParts.recordingPolicy.stop();
        // Before the links close, so a shutdown is not recorded as the link going down.
        await linkEvents.stop();
        await drills.stop();
        blobExchange.stop();
        await federation.stop();
        await app.close();
        await audit.stop();
        pairings.stop();
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
