/**
 * The node's self-signed TLS certificates, built here with a minimal DER encoder (RFC 5280 §4.1),
 * so nothing outside Node is needed (no OpenSSL):
 *
 * - for node-to-node links (FED2): an X.509 v3 certificate over a dedicated Ed25519 key
 *   (RFC 8410), made at `liaison init`. Peers do not trust it through a CA: they pin its SHA-256
 *   fingerprint, which travels in the node's signed card. TBSCertificate {version 3, serial,
 *   Ed25519, issuer = subject = CN=<node id>, validity, subjectPublicKeyInfo}, signed with the
 *   same key.
 * - for the console and API over HTTPS (SEC2): browsers do not take Ed25519 for TLS, so this one
 *   is ECDSA P-256 signed with SHA-256 (RFC 5480, RFC 5758), with the extensions browsers ask
 *   of a server certificate: subjectAltName (the node's host names and IP addresses, RFC 5280
 *   §4.2.1.6), basicConstraints CA:false, keyUsage digitalSignature and extKeyUsage serverAuth.
 *   A person checks it in the browser by its SHA-256 fingerprint (`liaison fingerprint`).
 */

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { isIP } from 'node:net';

/** A node's TLS identity: PEM key and certificate, and the fingerprint peers pin. */
export interface TlsIdentity {
  keyPem: string;
  certPem: string;
  fingerprint: string;
}

const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];
const COMMON_NAME_OID = [0x06, 0x03, 0x55, 0x04, 0x03];
/** ecdsa-with-SHA256, 1.2.840.10045.4.3.2 (RFC 5758 §3.2: no parameters). */
const ECDSA_SHA256_OID = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const SUBJECT_ALT_NAME_OID = [0x06, 0x03, 0x55, 0x1d, 0x11];
const BASIC_CONSTRAINTS_OID = [0x06, 0x03, 0x55, 0x1d, 0x13];
const KEY_USAGE_OID = [0x06, 0x03, 0x55, 0x1d, 0x0f];
const EXT_KEY_USAGE_OID = [0x06, 0x03, 0x55, 0x1d, 0x25];
/** id-kp-serverAuth, 1.3.6.1.5.5.7.3.1. */
const SERVER_AUTH_OID = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const BOOLEAN_TRUE = [0x01, 0x01, 0xff];

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, content: number[] | Uint8Array): number[] {
  const bytes = [...content];
  return [tag, ...length(bytes.length), ...bytes];
}

const sequence = (...parts: number[][]) => tlv(0x30, parts.flat());
const set = (...parts: number[][]) => tlv(0x31, parts.flat());

function integer(bytes: Uint8Array): number[] {
  const content = [...bytes];
  if ((content[0] ?? 0) & 0x80) content.unshift(0);
  return tlv(0x02, content);
}

/** GeneralizedTime, as RFC 5280 requires for dates from 2050 on (and allows for all here). */
function generalizedTime(date: Date): number[] {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

/** UTCTime before 2050 and GeneralizedTime after, as RFC 5280 §4.1.2.5 asks (browsers check). */
function certificateTime(date: Date): number[] {
  if (date.getUTCFullYear() >= 2050) return generalizedTime(date);
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${iso}Z`, 'ascii'));
}

/** A random positive serial number of 16 bytes. */
function serialNumber(): Uint8Array {
  const serial = randomBytes(16);
  // Positive, and with a non-zero first byte: DER forbids a leading zero byte in an INTEGER.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

/** A DER certificate as PEM text. */
function certificatePem(der: Buffer): string {
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function name(commonName: string): number[] {
  return sequence(set(sequence(COMMON_NAME_OID, tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** SHA-256 of the certificate's DER bytes, as uppercase hex pairs separated by ':' (like Node prints it). */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** Makes a new Ed25519 key and a self-signed certificate for it, valid from yesterday for `years`. */
export function createTlsIdentity(commonName: string, now: Date = new Date(), years = 20): TlsIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + years * 365 * 86_400_000);
  const algorithm = sequence(ED25519_OID);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, [2])),
    integer(serialNumber()),
    algorithm,
    name(commonName),
    sequence(generalizedTime(notBefore), generalizedTime(notAfter)),
    name(commonName),
    [...spki],
  );
  const signature = sign(null, Buffer.from(tbs), privateKey);
  const der = Buffer.from(sequence(tbs, algorithm, tlv(0x03, [0, ...signature])));
  const certPem = certificatePem(der);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, certPem, fingerprint: certificateFingerprint(certPem) };
}

/** How long the console's self-signed certificate is valid: 825 days, the most Apple's systems take. */
export const CONSOLE_CERTIFICATE_DAYS = 825;

/** One subjectAltName entry: an IP address (iPAddress, [7]) or a host name (dNSName, [2]). */
function generalName(hostName: string): number[] {
  const version = isIP(hostName);
  if (version === 4) return tlv(0x87, hostName.split('.').map(Number));
  if (version === 6) return tlv(0x87, ipv6Bytes(hostName));
  return tlv(0x82, Buffer.from(hostName.toLowerCase(), 'ascii'));
}

/** The 16 bytes of an IPv6 address (`::` expanded; no embedded IPv4 form). */
function ipv6Bytes(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((g) => Number.parseInt(g, 16)));
  const front = groups(head);
  const back = address.includes('::') ? groups(tail) : [];
  const middle = new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...middle, ...back].flatMap((g) => [g >> 8, g & 0xff]);
}

function extension(oid: number[], value: number[], isCritical = false): number[] {
  return sequence(oid, isCritical ? BOOLEAN_TRUE : [], tlv(0x04, value));
}

/**
 * Makes a new ECDSA P-256 key and a self-signed certificate for the console's HTTPS (SEC2),
 * naming `hostNames` (host names and IP addresses, e.g. the node's host and `localhost`) in its
 * subjectAltName, valid from yesterday for CONSOLE_CERTIFICATE_DAYS.
 */
export function createConsoleCertificate(
  commonName: string,
  hostNames: readonly string[],
  now: Date = new Date(),
): TlsIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + CONSOLE_CERTIFICATE_DAYS * 86_400_000);
  const names = [...new Set(hostNames.filter((n) => n !== '' && n !== '0.0.0.0' && n !== '::'))];
  const algorithm = sequence(ECDSA_SHA256_OID);
  const extensions = sequence(
    extension(SUBJECT_ALT_NAME_OID, sequence(...names.map(generalName))),
    extension(BASIC_CONSTRAINTS_OID, sequence(), true),
    // keyUsage: digitalSignature only (bit 0 of a BIT STRING with 7 unused bits).
    extension(KEY_USAGE_OID, [0x03, 0x02, 0x07, 0x80], true),
    extension(EXT_KEY_USAGE_OID, sequence(SERVER_AUTH_OID)),
  );
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, [2])),
    integer(serialNumber()),
    algorithm,
    name(commonName),
    sequence(certificateTime(notBefore), certificateTime(notAfter)),
    name(commonName),
    [...spki],
    tlv(0xa3, extensions),
  );
  // node:crypto signs ECDSA as the DER SEQUENCE {r, s} that X.509 carries (RFC 5480 §2.2.3).
  const signature = sign('sha256', Buffer.from(tbs), privateKey);
  const certPem = certificatePem(Buffer.from(sequence(tbs, algorithm, tlv(0x03, [0, ...signature]))));
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, certPem, fingerprint: certificateFingerprint(certPem) };
}

/** Whether a certificate's key matches a private key (a folder whose files were mixed up). */
export function isMatchingPair(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return (
    createHash('sha256').update(fromKey).digest('hex') === createHash('sha256').update(fromCert).digest('hex')
  );
}
