/**
 * The second factor (SEC2): enrolling a TOTP secret, and single-use recovery codes.
 *
 * A user who must enrol (no secret, not one of the demo's users) proves their password and
 * gets a short-lived enrolment token. With it the console shows the secret as a QR code and in
 * text; one code from the authenticator app confirms it, and only then is the secret stored,
 * with ten new recovery codes that are shown once. Only the SHA-256 of a recovery code is kept
 * (a code has 80 random bits, so a fast hash is enough); using one deletes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { Store, UserRecord } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

/** An enrolment token is good for this long after the password was checked. */
export const ENROLMENT_TTL_MS = 10 * 60_000;
/** Wrong codes an enrolment may take before it is void (the user signs in again). */
export const MAX_ENROLMENT_TRIES = 5;
/** Recovery codes a user gets at enrolment and at each renewal. */
export const RECOVERY_CODE_COUNT = 10;
/** Enrolments held in memory at most; the oldest go first. */
const MAX_PENDING = 1000;

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I). */
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const RECOVERY_CODE_LENGTH = 16;
/** A recovery code as typed: 16 of the alphabet, in groups of four, any case. */
const RECOVERY_CODE_SHAPE = /^[A-Za-z2-9]{4}(?:[- ]?[A-Za-z2-9]{4}){3}$/;

/** What `begin` hands out: the token for the next steps and when it expires. */
export interface EnrolmentOffer {
  enrolmentToken: string;
  expiresAt: string;
}

/** What an authenticator app needs, for the enrolment screen. */
export interface EnrolmentDetails {
  /** `user@node`, as the app will label the entry. */
  account: string;
  /** The base32 secret, for typing in by hand. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a QR code: an SVG image as a `data:` URL. */
  qrCode: string;
  expiresAt: string;
}

interface PendingEnrolment {
  username: string;
  secret: string;
  expiresAt: number;
  wrongCodes: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** A new recovery code, `XXXX-XXXX-XXXX-XXXX`. */
function newRecoveryCode(): string {
  // 256 is a multiple of 32, so each byte maps to a letter without bias.
  const letters = [...randomBytes(RECOVERY_CODE_LENGTH)].map(
    (byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length],
  );
  return [0, 4, 8, 12].map((start) => letters.slice(start, start + 4).join('')).join('-');
}

/** Whether text has the shape of a recovery code (and so is not a TOTP code). */
export function looksLikeRecoveryCode(text: string): boolean {
  return RECOVERY_CODE_SHAPE.test(text.trim());
}

/** The hash a recovery code is stored and looked up by: of the code without case or dashes. */
export function recoveryCodeHash(code: string): string {
  return sha256(code.replace(/[- ]/g, '').trim().toUpperCase());
}

/**
 * Takes a user's second factor away (`liaison user reset-2fa`, e.g. after a lost phone): the
 * secret and recovery codes go, every session ends, and the next sign-in enrols anew.
 * Returns false when there is no such user.
 */
export async function resetSecondFactor(store: Store, username: string): Promise<boolean> {
  const user = await store.getUser(username);
  if (!user) return false;
  await store.putUser({ ...user, totpSecret: null, totpExempt: false, failedLogins: 0, lockedUntil: null });
  await store.putRecoveryCodes(username, [], new Date().toISOString());
  await store.deleteSessionsOf(username);
  return true;
}

export class SecondFactor {
  /** Open enrolments by SHA-256 of their token. */
  private readonly pending = new Map<string, PendingEnrolment>();

  constructor(
    private readonly store: Store,
    private readonly nodeId: string,
    private readonly clock: Clock,
  ) {}

  /** Opens an enrolment for a user whose password (and current factor, if any) was just checked. */
  begin(username: string): EnrolmentOffer {
    const now = this.clock.now();
    this.prune(now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + ENROLMENT_TTL_MS;
    this.pending.set(sha256(token), { username, secret: newTotpSecret(), expiresAt, wrongCodes: 0 });
    return { enrolmentToken: token, expiresAt: isoTime(expiresAt) };
  }

  /** The secret of an open enrolment, as text, URI and QR code; 401 when the token is void. */
  async details(token: string): Promise<EnrolmentDetails> {
    const enrolment = this.open(token);
    const account = `${enrolment.username}@${this.nodeId}`;
    const uri = otpauthUri(enrolment.secret, account);
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      account,
      secret: enrolment.secret,
      otpauthUri: uri,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      expiresAt: isoTime(enrolment.expiresAt),
    };
  }

  /**
   * Confirms an enrolment with a code from the app: stores the secret (replacing any earlier
   * one), replaces the recovery codes, and returns the user and the new codes (shown once).
   */
  async confirm(token: string, code: string): Promise<{ user: UserRecord; recoveryCodes: string[] }> {
    const enrolment = this.open(token);
    if (!verifyTotp(enrolment.secret, code, this.clock.now())) {
      enrolment.wrongCodes += 1;
      if (enrolment.wrongCodes >= MAX_ENROLMENT_TRIES) this.pending.delete(sha256(token));
      throw new ApiError(
        400,
        'bad-totp',
        'the code does not match: check the clock of the device with the authenticator app and try the newest code',
      );
    }
    this.pending.delete(sha256(token));
    const user = await this.store.getUser(enrolment.username);
    if (!user) throw new ApiError(401, 'enrolment-expired', 'this user no longer exists');
    const enrolled: UserRecord = { ...user, totpSecret: enrolment.secret, totpExempt: false };
    await this.store.putUser(enrolled);
    const recoveryCodes = await this.renewRecoveryCodes(user.username);
    return { user: enrolled, recoveryCodes };
  }

  /** Replaces a user's recovery codes by ten new ones and returns them (shown once). */
  async renewRecoveryCodes(username: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.store.putRecoveryCodes(username, codes.map(recoveryCodeHash), isoTime(this.clock.now()));
    return codes;
  }

  /** Uses up one recovery code; false when it is not one of the user's unused codes. */
  redeemRecoveryCode(username: string, code: string): Promise<boolean> {
    if (!looksLikeRecoveryCode(code)) return Promise.resolve(false);
    return this.store.redeemRecoveryCode(username, recoveryCodeHash(code));
  }

  /** How many unused recovery codes a user has. */
  recoveryCodesLeft(username: string): Promise<number> {
    return this.store.countRecoveryCodes(username);
  }

  /** The open enrolment of a token, or 401 `enrolment-expired`. */
  private open(token: string): PendingEnrolment {
    const enrolment = this.pending.get(sha256(token));
    if (!enrolment || enrolment.expiresAt <= this.clock.now()) {
      throw new ApiError(
        401,
        'enrolment-expired',
        'this enrolment has expired or was ended after too many wrong codes: sign in again to start a new one',
      );
    }
    return enrolment;
  }

  /** Drops expired enrolments, and the oldest while there are too many. */
  private prune(now: number): void {
    for (const [hash, enrolment] of this.pending) if (enrolment.expiresAt <= now) this.pending.delete(hash);
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (oldest.done) break;
      this.pending.delete(oldest.value);
    }
  }
}
