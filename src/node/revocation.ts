/**
 * Revoking a compromised signing key (`liaison key revoke`; LOG5, FED1, issue 7 part 6).
 *
 * A key that may have been copied cannot vouch for its successor by itself: a thief holding it
 * could rotate to a key of their own just as well. So a revocation is a rotation (a `key.rotated`
 * event on every line this node writes on, signed by the old key and proved by the new one, as
 * keyRotation.ts makes it, so exports verify unchanged) plus a new card, signed by the new key,
 * whose `revokes` names the old key and, per line, the seq and id of that event: the revocation
 * point. The peer's admin imports the card with the safety code heard by voice from this node's
 * admin (pairing.ts); from then on the peer refuses, on each line, any other event at that seq
 * and any event after it signed with the old key (keyHistory.ts, receiveCheck.ts).
 *
 * The point is a seq, not a time: LOG5 says `ts` never decides validity, and a thief can write
 * any `ts`. "Events signed by the old key after its revocation time are refused" therefore reads
 * "after the revocation point the card names on each line".
 *
 * It runs on a stopped node (the folder's keys are replaced): besides the signing key, the
 * federation TLS key (tls.key, FED2) and the self-signed console HTTPS key (https.key, SEC2) live
 * in the same folder and are taken as compromised too, so both are made anew; the card names the
 * new TLS fingerprint, and peers refuse the old certificate once they import it.
 */
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { Ledger } from '../record/ledger.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createConsoleTlsFiles } from './consoleTls.ts';
import { cardText, createTlsFiles, loadSigner, openStore } from './folder.ts';
import { silentLogger } from './init.ts';
import { KeyRotator } from './keyRotation.ts';
import { safetyCode } from './pairing.ts';
import { runningPid } from './pidfile.ts';

/** What `revokeKey` did, and what the admin hands on. */
export interface RevocationResult {
  /** The new card (JSON text), with `revokes`, to send to every peer's admin. */
  card: string;
  previousFingerprint: string;
  fingerprint: string;
  /** The revocation point on each line: the seq and id of its `key.rotated` event. */
  lines: { line: string; seq: number; id: string }[];
  /** Per peer, the new safety code to read to its admin by voice. */
  safetyCodes: { nodeId: string; name: string; safetyCode: string }[];
  /** The new federation TLS certificate's fingerprint (FED2). */
  tlsFingerprint: string;
  /** The new self-signed console certificate's fingerprint, or null with the admin's own certificate. */
  consoleFingerprint: string | null;
}

/** Revokes the signing key of a stopped node; see the file comment. */
export async function revokeKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  clock: Clock = systemClock,
): Promise<RevocationResult> {
  const pid = runningPid(dataDir);
  if (pid !== null)
    throw new ConfigError(`a node runs on ${dataDir} (process ${pid}): stop it, then revoke its key`);
  const config = loadConfig(dataDir, env);
  const store = await openStore(dataDir);
  try {
    const ledger = new Ledger({
      store,
      signer: loadSigner(dataDir, env),
      selfId: config.nodeId,
      clock,
      logger: silentLogger,
    });
    await ledger.open();
    const revokedKey = ledger.publicKey;
    const rotator = new KeyRotator({ dataDir, ledger, logger: silentLogger, rotated: () => undefined });
    const rotation = await rotator.rotate(config.nodeId);
    await ledger.idle();
    const lines: RevocationResult['lines'] = [];
    for (const { line, seq } of rotation.lines) {
      const stored = await store.getEventBySeq(line, config.nodeId, seq);
      if (!stored) throw new Error(`the key.rotated event ${line}/${seq} is not in the store`);
      lines.push({ line, seq, id: stored.event.id });
    }
    const signer = loadSigner(dataDir, env);
    const tls = createTlsFiles(dataDir, config.nodeId);
    const isSelfSigned = config.httpsCertFile === undefined;
    const consoleTls = isSelfSigned ? createConsoleTlsFiles(dataDir, config) : null;
    const self = await store.getNode(config.nodeId);
    if (self) await store.putNode({ ...self, publicKey: signer.publicKey, tlsFingerprint: tls.fingerprint });
    const peers = (await store.listNodes()).filter((n) => !n.isSelf);
    // The card names only the lines peers share: the local line never leaves the node (SEC5).
    const shared = lines.filter((l) => ledger.getLine(l.line)?.kind !== 'local');
    return {
      card: cardText(
        config,
        signer,
        tls.fingerprint,
        shared.length > 0 ? { key: revokedKey, lines: shared } : undefined,
      ),
      previousFingerprint: rotation.previousFingerprint,
      fingerprint: rotation.fingerprint,
      lines: shared,
      safetyCodes: peers.map((p) => ({
        nodeId: p.nodeId,
        name: p.name,
        safetyCode: safetyCode(signer.publicKey, p.publicKey),
      })),
      tlsFingerprint: tls.fingerprint,
      consoleFingerprint: consoleTls?.fingerprint ?? null,
    };
  } finally {
    await store.close();
  }
}
