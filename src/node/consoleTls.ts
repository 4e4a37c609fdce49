/**
 * HTTPS for the console and API (SEC2: "HTTPS for the console everywhere but loopback").
 *
 * A node whose `host` is not a loopback address serves its console and API over TLS only; on
 * loopback plain HTTP stays allowed (the demo, the tests), and the config key `https: true`
 * turns TLS on there too. A node on another host with `https: false` refuses to start.
 *
 * The certificate: either the admin's own, from their CA (config keys `httpsCertFile` and
 * `httpsKeyFile`, both PEM), or the self-signed ECDSA P-256 one that `liaison init` writes to
 * `https.crt` and `https.key` in the node's folder, naming the node's host, the host of its
 * public URL, `localhost`, 127.0.0.1 and ::1 (src/federation/certificate.ts). Browsers cannot
 * check a self-signed certificate by themselves: a person compares its SHA-256 fingerprint,
 * printed by `liaison init` and `liaison fingerprint`, with the one the browser shows.
 *
 * The federation's certificate (tls.crt, Ed25519) is a different one: browsers do not take
 * Ed25519 for TLS, and peers pin that one through the card (FED2).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  certificateFingerprint,
  createConsoleCertificate,
  isMatchingPair,
  type TlsIdentity,
} from '../federation/certificate.ts';
import { ConfigError, type NodeConfig } from './config.ts';
import { writeSecretFile } from './keyFile.ts';

/** The console's HTTPS identity, and where it came from. */
export interface ConsoleTls extends TlsIdentity {
  /** `self-signed` (made by Liaison in the folder) or `configured` (the admin's own files). */
  source: 'self-signed' | 'configured';
  /** When the certificate stops being valid. */
  validTo: Date;
}

export function httpsKeyPath(dataDir: string): string {
  return join(dataDir, 'https.key');
}
export function httpsCertificatePath(dataDir: string): string {
  return join(dataDir, 'https.crt');
}

/** Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Whether the node serves its console over HTTPS: `https` when set, else all but loopback. */
export function isHttpsOn(config: Pick<NodeConfig, 'host' | 'https'>): boolean {
  return config.https ?? !isLoopbackHost(config.host);
}

/** The names the self-signed certificate carries: the host, the public URL's, and loopback. */
export function consoleHostNames(config: Pick<NodeConfig, 'host' | 'publicUrl'>): string[] {
  const names = [config.host.replace(/^\[(.*)\]$/, '$1')];
  try {
    names.push(new URL(config.publicUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    // A bad public URL is the config schema's to report.
  }
  return [...new Set([...names, 'localhost', '127.0.0.1', '::1'])];
}

/** Writes a new self-signed console certificate and its key (at `liaison init`, or to renew). */
export function createConsoleTlsFiles(dataDir: string, config: NodeConfig): TlsIdentity {
  const identity = createConsoleCertificate(config.nodeId, consoleHostNames(config));
  writeSecretFile(httpsKeyPath(dataDir), identity.keyPem);
  writeFileSync(httpsCertificatePath(dataDir), identity.certPem);
  return identity;
}

/** The files the console's HTTPS reads: the configured ones or the folder's. */
export function consoleTlsFiles(dataDir: string, config: NodeConfig): { keyFile: string; certFile: string } {
  const { httpsCertFile, httpsKeyFile } = config;
  if ((httpsCertFile === undefined) !== (httpsKeyFile === undefined)) {
    throw new ConfigError('httpsCertFile and httpsKeyFile go together: set both, or neither');
  }
  if (httpsCertFile !== undefined && httpsKeyFile !== undefined)
    return { keyFile: httpsKeyFile, certFile: httpsCertFile };
  return { keyFile: httpsKeyPath(dataDir), certFile: httpsCertificatePath(dataDir) };
}

function readIdentity(keyFile: string, certFile: string, source: ConsoleTls['source']): ConsoleTls {
  for (const file of [keyFile, certFile])
    if (!existsSync(file)) throw new ConfigError(`the console's HTTPS file ${file} does not exist`);
  const keyPem = readFileSync(keyFile, 'utf8');
  const certPem = readFileSync(certFile, 'utf8');
  let isPair: boolean;
  try {
    isPair = isMatchingPair(keyPem, certPem);
  } catch (error) {
    throw new ConfigError(
      `${certFile} or ${keyFile} is not a PEM certificate and key: ${(error as Error).message}`,
    );
  }
  if (!isPair) throw new ConfigError(`the certificate ${certFile} does not belong to the key ${keyFile}`);
  const validTo = new Date(new X509Certificate(certPem).validTo);
  return { keyPem, certPem, fingerprint: certificateFingerprint(certPem), source, validTo };
}

/**
 * The console's HTTPS identity, or null for plain HTTP on loopback. Throws `ConfigError` for a
 * node on a non-loopback host with `https: false`, and for configured files that are missing or
 * do not match. A folder made before HTTPS gets its self-signed certificate now.
 */
export function loadConsoleTls(dataDir: string, config: NodeConfig): ConsoleTls | null {
  if (!isHttpsOn(config)) {
    if (!isLoopbackHost(config.host)) {
      throw new ConfigError(
        `this node listens on ${config.host}, which is not a loopback address, and https is false: ` +
          'the console and API are served over HTTPS everywhere but loopback (SEC2). Remove "https": false ' +
          'from config.json (or LIAISON_HTTPS) to use the certificate made at init, set httpsCertFile and ' +
          'httpsKeyFile to your own, or listen on 127.0.0.1 behind your own TLS proxy',
      );
    }
    return null;
  }
  const { keyFile, certFile } = consoleTlsFiles(dataDir, config);
  const isConfigured = config.httpsCertFile !== undefined;
  if (!isConfigured && (!existsSync(keyFile) || !existsSync(certFile)))
    createConsoleTlsFiles(dataDir, config);
  return readIdentity(keyFile, certFile, isConfigured ? 'configured' : 'self-signed');
}

/** The console certificate's fingerprint as the node would serve it, or null when it has none yet. */
export function consoleFingerprint(dataDir: string, config: NodeConfig): string | null {
  const { certFile } = consoleTlsFiles(dataDir, config);
  if (!existsSync(certFile)) return null;
  return certificateFingerprint(readFileSync(certFile, 'utf8'));
}
