/**
 * Setting up nodes offline, before they run: create a folder with its demo users, and pair two
 * folders by importing each one's card into the other. Used by the demo and by the tests that
 * start real node processes.
 */
import { existsSync } from 'node:fs';
import { isoTime, systemClock } from '../core/clock.ts';
import { ROLES } from '../core/types.ts';
import { Ledger } from '../record/ledger.ts';
import { configPath, loadConfig } from './config.ts';
import { loadSigner, nodeCard, openStore } from './folder.ts';
import { addUser, initNode, silentLogger } from './init.ts';
import { importCard, parseCard, safetyCode } from './pairing.ts';

export interface NodeSpec {
  nodeId: string;
  name: string;
  httpPort: number;
  federationPort?: number;
}

/**
 * Creates the node folder with one user per role (named after the role, no second factor) when
 * it does not exist yet; returns whether it created it.
 */
export async function prepareDemoNode(dir: string, spec: NodeSpec, password: string): Promise<boolean> {
  if (existsSync(configPath(dir))) return false;
  await initNode({ dataDir: dir, ...spec });
  const store = await openStore(dir);
  try {
    for (const role of ROLES)
      await addUser(store, spec.nodeId, { username: role, role, password, withoutTotp: true });
  } finally {
    await store.close();
  }
  return true;
}

/** Imports the card of the node in `fromDir` into the (stopped) node in `toDir`; returns the safety code. */
export async function importOffline(toDir: string, fromDir: string): Promise<string> {
  const config = loadConfig(toDir, {});
  const signer = loadSigner(toDir);
  const store = await openStore(toDir);
  try {
    const card = parseCard(nodeCard(fromDir));
    const known = await store.getNode(card.nodeId);
    if (known && known.tlsFingerprint === card.tlsFingerprint && known.federationUrl === card.federationUrl) {
      return safetyCode(signer.publicKey, card.publicKey);
    }
    const ledger = new Ledger({
      store,
      signer,
      selfId: config.nodeId,
      clock: systemClock,
      logger: silentLogger,
    });
    await ledger.open();
    const self = { nodeId: config.nodeId, name: config.name, publicKey: signer.publicKey };
    return (await importCard(card, self, store, ledger, isoTime(systemClock.now()))).safetyCode;
  } finally {
    await store.close();
  }
}

/** Pairs every two of these stopped nodes (FED9: each pair of members links directly). */
export async function pairAllOffline(dirs: string[]): Promise<void> {
  for (const a of dirs) for (const b of dirs) if (a !== b) await importOffline(a, b);
}
