/**
 * The node's TLS certificate for node-to-node links (FED2): a self-signed X.509 v3 certificate
 * over a dedicated Ed25519 key, made at `liaison init`. Peers do not trust it through a CA:
 * they pin its SHA-256 fingerprint, which travels in the node's signed card.
 *
 * The certificate is built here with a minimal DER encoder (RFC 5280 §4.1, RFC 8410 for
 * Ed25519): TBSCertificate {version 3, serial, Ed25519, issuer = subject = CN=<node id>,
 * validity, subjectPublicKeyInfo}, signed with the same key.
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

/** A node's TLS identity: PEM key and certificate, and the fingerprint peers pin. */
export interface TlsIdentity {
  keyPem: string;
  certPem: string;
  fingerprint: string;
}

const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];
const COMMON_NAME_OID = [0x06, 0x03, 0x55, 0x04, 0x03];

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
  const serial = randomBytes(16);
  // Positive, and with a non-zero first byte: DER forbids a leading zero byte in an INTEGER.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const algorithm = sequence(ED25519_OID);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, [2])),
    integer(serial),
    algorithm,
    name(commonName),
    sequence(generalizedTime(notBefore), generalizedTime(notAfter)),
    name(commonName),
    [...spki],
  );
  const signature = sign(null, Buffer.from(tbs), privateKey);
  const der = Buffer.from(sequence(tbs, algorithm, tlv(0x03, [0, ...signature])));
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  const certPem = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
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
