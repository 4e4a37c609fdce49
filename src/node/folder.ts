/**
 * A node's folder: `config.json`, `node.key` (its Ed25519 seed, mode 0600), `liaison.db`
 * (SQLite), `admin.token` (lets the CLI act through the running node) and `liaison.pid`.
 * Light on imports, so CLI commands that only read a folder start fast.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Signer } from '../core/sign.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { ConfigError, type NodeConfig } from './config.ts';
import { makeCard } from './pairing.ts';

/** Where the built console lives (web/dist in the repository). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function keyPath(dataDir: string): string {
  return join(dataDir, 'node.key');
}
export function databasePath(dataDir: string): string {
  return join(dataDir, 'liaison.db');
}
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin.token');
}

/** Reads the node's signing key. */
export function loadSigner(dataDir: string): Signer {
  const path = keyPath(dataDir);
  if (!existsSync(path)) throw new ConfigError(`${path} is missing: this folder has no node key`);
  return new Signer(readFileSync(path, 'utf8').trim());
}

/** Opens the node's store (SQLite in its folder). */
export function openStore(dataDir: string): Promise<Store> {
  return openSqliteStore(databasePath(dataDir));
}

/** This node's signed card (FED1). */
export function nodeCard(config: NodeConfig, signer: Signer): string {
  const card = makeCard(
    {
      nodeId: config.nodeId,
      name: config.name,
      url: config.publicUrl,
      federationUrl: config.federationUrl,
      publicKey: signer.publicKey,
    },
    signer,
  );
  return `${JSON.stringify(card, null, 2)}\n`;
}
