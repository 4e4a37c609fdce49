/**
 * Creating a node's folder (`liaison init`) and its users (`liaison user add`). `liaison init`
 * never overwrites a key: a folder that holds a config or a `node.key` is refused. It writes the
 * signing key mode 0600, encrypted when given a passphrase (keyFile.ts), and the console's
 * self-signed HTTPS certificate (SEC2, consoleTls.ts) next to the federation's (FED2).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isoTime, systemClock } from '../core/clock.ts';
import type { Language } from '../core/phrasebook/types.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import { ROLES, type Role } from '../core/types.ts';
import { Ledger } from '../record/ledger.ts';
import { hashPassword } from '../server/passwords.ts';
import { newTotpSecret, otpauthUri } from '../server/totp.ts';
import type { Store } from '../store/types.ts';
import { ConfigError, configPath, type NodeConfig, writeConfig } from './config.ts';
import { createConsoleTlsFiles, isHttpsOn } from './consoleTls.ts';
import { createTlsFiles, keyPath, openStore } from './folder.ts';
import { encryptKeyText, writeSecretFile } from './keyFile.ts';

export interface InitOptions {
  dataDir: string;
  nodeId: string;
  name: string;
  host?: string;
  httpPort: number;
  /** Defaults to httpPort + 100 (External interface). */
  federationPort?: number;
  publicUrl?: string;
  federationUrl?: string;
  /** Encrypts `node.key` with this passphrase (scrypt + AES-256-GCM); plain when not given. */
  passphrase?: string | null;
}

/** Creates a node folder: config, signing key, store with this node registered. */
export async function initNode(options: InitOptions): Promise<NodeConfig> {
  if (existsSync(configPath(options.dataDir))) {
    throw new ConfigError(`${options.dataDir} already holds a node (config.json exists)`);
  }
  if (existsSync(keyPath(options.dataDir))) {
    throw new ConfigError(
      `${keyPath(options.dataDir)} exists: liaison init never overwrites a node's key (move it away first if it is really not needed)`,
    );
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const host = options.host ?? '127.0.0.1';
  const federationPort = options.federationPort ?? options.httpPort + 100;
  const scheme = isHttpsOn({ host }) ? 'https' : 'http';
  const config: NodeConfig = {
    nodeId: options.nodeId,
    name: options.name,
    host,
    httpPort: options.httpPort,
    federationPort,
    publicUrl: options.publicUrl ?? `${scheme}://${urlHost(host)}:${options.httpPort}`,
    federationUrl: options.federationUrl ?? `wss://${urlHost(host)}:${federationPort}`,
    ackDeadlines: '',
    logLevel: 'info',
    headsIntervalMs: 1000,
  };
  const keys = generateKeyPair();
  const keyText = options.passphrase
    ? encryptKeyText(keys.privateKey, options.passphrase)
    : `${keys.privateKey}\n`;
  writeSecretFile(keyPath(options.dataDir), keyText);
  writeConfig(options.dataDir, config);
  const tls = createTlsFiles(options.dataDir, config.nodeId);
  createConsoleTlsFiles(options.dataDir, config);
  const store = await openStore(options.dataDir);
  try {
    await store.putNode({
      nodeId: config.nodeId,
      name: config.name,
      url: config.publicUrl,
      federationUrl: config.federationUrl,
      publicKey: keys.publicKey,
      isSelf: true,
      addedAt: isoTime(systemClock.now()),
      tlsFingerprint: tls.fingerprint,
    });
    const localLine = `local-${config.nodeId}`;
    const ledger = new Ledger({
      store,
      signer: new Signer(keys.privateKey),
      selfId: config.nodeId,
      clock: systemClock,
      logger: silentLogger,
    });
    await ledger.open();
    await ledger.addLine({
      id: localLine,
      kind: 'local',
      title: `${config.name} (local notes)`,
      members: [config.nodeId],
      createdAt: isoTime(systemClock.now()),
    });
    await ledger.append(localLine, config.nodeId, 'line.created', {
      kind: 'local',
      title: `${config.name} (local notes)`,
      members: [config.nodeId],
    });
  } finally {
    await store.close();
  }
  return config;
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** A logger that drops everything (offline CLI work). */
export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface AddUserOptions {
  username: string;
  role: Role;
  password: string;
  /** Demo users only: no second factor, and none asked for at login (SEC2). */
  withoutTotp?: boolean;
  /** The language they read templated messages in (HOT6); English when not given. */
  language?: Language;
}

const USERNAME = /^[a-z0-9._-]{1,64}$/;

/** Adds a user; returns the otpauth:// URI of their TOTP secret (null without one). */
export async function addUser(store: Store, nodeId: string, options: AddUserOptions): Promise<string | null> {
  if (!USERNAME.test(options.username))
    throw new ConfigError('a user name is 1–64 of a-z, 0-9, ".", "_" and "-"');
  if (!(ROLES as readonly string[]).includes(options.role))
    throw new ConfigError(`the role must be one of ${ROLES.join(', ')}`);
  if (options.password.length < 8) throw new ConfigError('a password needs at least 8 characters');
  if (await store.getUser(options.username)) throw new ConfigError(`user ${options.username} already exists`);
  const totpSecret = options.withoutTotp ? null : newTotpSecret();
  await store.putUser({
    username: options.username,
    role: options.role,
    passwordHash: await hashPassword(options.password),
    totpSecret,
    createdAt: isoTime(systemClock.now()),
    failedLogins: 0,
    lockedUntil: null,
    language: options.language ?? 'en',
    totpExempt: options.withoutTotp === true,
  });
  return totpSecret ? otpauthUri(totpSecret, `${options.username}@${nodeId}`) : null;
}
