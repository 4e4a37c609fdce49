/**
 * A node's configuration: `DATA/config.json`, where every key can be overridden by an
 * environment variable `LIAISON_<KEY_IN_UPPER_SNAKE_CASE>` (the variable wins), e.g.
 * `LIAISON_HTTP_PORT=7811` or `LIAISON_ACK_DEADLINES="FLASH=10s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h"`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isKnownTimeZone } from '../core/timeZone.ts';
import { NODE_ID_PATTERN, PRECEDENCES, type Precedence, ROLES } from '../core/types.ts';

/** Drills every hour unless `drillIntervalMs` says otherwise (FED8). */
export const DEFAULT_DRILL_INTERVAL_MS = 3_600_000;

/** Blobs up to 50 MiB unless `maxBlobBytes` says otherwise (LOG11, SEC3). */
export const DEFAULT_MAX_BLOB_BYTES = 50 * 1024 * 1024;

/**
 * The API's rate limits (SEC4) unless `apiRateLimit` and `apiAddressRateLimit` say otherwise.
 * A person at a console makes a few requests a second at most, and a console opening or
 * reconnecting a few dozen at once: a session gets 50 a second with bursts of 500, an address
 * without a session (sign-in pages, logins) 20 a second with bursts of 200.
 */
export const DEFAULT_API_RATE_LIMIT = '50/s,500';
export const DEFAULT_API_ADDRESS_RATE_LIMIT = '20/s,200';
/** `RATE/s,BURST` (RATE may have decimals) or `off`. */
const RATE_LIMIT_PATTERN = /^(off|\d+(\.\d+)?\/s,\d+)$/;

/** Parses `RATE/s,BURST` into a rate limit; null for `off` (SEC4). */
export function parseRateLimit(text: string): { perSecond: number; burst: number } | null {
  const match = /^(\d+(?:\.\d+)?)\/s,(\d+)$/.exec(text.trim());
  if (text.trim() === 'off') return null;
  if (!match || Number(match[1]) <= 0 || Number(match[2]) < 1)
    throw new ConfigError(`"${text}" is not a rate limit (use e.g. 50/s,500, or off)`);
  return { perSecond: Number(match[1]), burst: Number(match[2]) };
}

/** A mail address as the escalation e-mail sends to (no spaces, brackets or line breaks). */
const MAIL_ADDRESS = /^[^\s<>()",;:\\@]+@[A-Za-z0-9.-]+$/;

/** Default acknowledgement deadlines (HOT2). */
export const DEFAULT_ACK_DEADLINES: Record<Precedence, string> = {
  FLASH: '10m',
  IMMEDIATE: '30m',
  PRIORITY: '3h',
  ROUTINE: '6h',
};

const configSchema = z
  .object({
    nodeId: z.string().regex(NODE_ID_PATTERN, 'a node id is 1–32 of a-z, 0-9 and -'),
    name: z.string().min(1).max(100),
    host: z.string().min(1).default('127.0.0.1'),
    httpPort: z.coerce.number().int().min(1).max(65535),
    federationPort: z.coerce.number().int().min(1).max(65535),
    publicUrl: z.string().url(),
    federationUrl: z.string().url(),
    ackDeadlines: z.string().default(''),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    headsIntervalMs: z.coerce.number().int().min(10).default(1000),
    // The two keys below are optional, not defaulted, so configs written before them (and the
    // NodeConfig objects `liaison init` writes) read back unchanged; node.ts applies defaults.
    /**
     * How often each hotline is drilled (FED8), default DEFAULT_DRILL_INTERVAL_MS; 0 sends no
     * drills (answers are still given).
     */
    drillIntervalMs: z.coerce
      .number()
      .int()
      .refine((ms) => ms === 0 || ms >= 1000, 'a drill interval is 0 (off) or at least 1000 ms')
      .optional(),
    /**
     * Test and diagnostic knob: shifts this node's clock by this many ms (default 0), to show
     * what skewed clocks do (FED7's skew alarm). Never set it on a real node.
     */
    clockOffsetMs: z.coerce.number().int().optional(),
    /**
     * Who escalation alerts reach outside the console, per role (HOT4):
     * `{"supervisor": {"email": ["desk@example.org"], "webhook": ["https://…"]}}`. In the
     * environment (`LIAISON_ESCALATION_CONTACTS`) it is the same JSON as a string.
     */
    escalationContacts: z
      .preprocess(
        (value) => {
          if (typeof value !== 'string') return value;
          try {
            return JSON.parse(value) as unknown;
          } catch {
            return value;
          }
        },
        z.partialRecord(
          z.enum(ROLES),
          z
            .object({
              email: z.array(z.string().regex(MAIL_ADDRESS, 'not a mail address')).max(50).optional(),
              webhook: z
                .array(
                  z
                    .string()
                    .url()
                    .regex(/^https?:/, 'an http(s) URL'),
                )
                .max(20)
                .optional(),
            })
            .strict(),
        ),
      )
      .optional(),
    /** HMAC key signing escalation webhooks (`x-liaison-signature`); unsigned when unset. */
    escalationWebhookSecret: z.string().min(16, 'at least 16 characters').optional(),
    /** The mail relay for escalation e-mail, `smtp://host:port` (no AUTH, no TLS: a trusted relay). */
    smtpUrl: z
      .string()
      .regex(/^smtp:\/\/[^/\s]+$/, 'smtp://host[:port]')
      .optional(),
    /** The sender address of escalation e-mail (default `liaison@<nodeId>.invalid`). */
    smtpFrom: z.string().regex(MAIL_ADDRESS, 'not a mail address').optional(),
    /** Largest blob accepted by `POST /api/v1/blobs` and from peers (LOG11), default 50 MiB. */
    maxBlobBytes: z.coerce.number().int().min(1).optional(),
    /**
     * This node's IANA time zone (CON2), announced to peers so their consoles show times in it
     * on hover; default the machine's zone.
     */
    timeZone: z.string().refine(isKnownTimeZone, 'not a known IANA time zone, e.g. Asia/Tokyo').optional(),
    /**
     * STUN and TURN servers handed to this node's consoles for calls (CALL3), as
     * RTCPeerConnection takes them: `[{"urls": "turn:turn.example.org:3478", "username": "u",
     * "credential": "p"}]`. In the environment (`LIAISON_ICE_SERVERS`) the same JSON as a string.
     * Default none: calls then connect only where the consoles reach each other directly.
     */
    iceServers: z
      .preprocess(
        (value) => {
          if (typeof value !== 'string') return value;
          try {
            return JSON.parse(value) as unknown;
          } catch {
            return value;
          }
        },
        z
          .array(
            z
              .object({
                urls: z.union([
                  z.string().regex(/^(stun|stuns|turn|turns):/, 'a stun:, stuns:, turn: or turns: URL'),
                  z
                    .array(
                      z.string().regex(/^(stun|stuns|turn|turns):/, 'a stun:, stuns:, turn: or turns: URL'),
                    )
                    .min(1),
                ]),
                username: z.string().max(256).optional(),
                credential: z.string().max(256).optional(),
              })
              .strict(),
          )
          .max(10),
      )
      .optional(),
    /** `relay` makes consoles use only TURN relays (CALL3), e.g. where direct paths are barred. */
    iceTransportPolicy: z.enum(['all', 'relay']).optional(),
    /** How long a call rings before it is missed (CALL2), e.g. `45s`; default 60s. */
    ringTimeout: z
      .string()
      .refine((text) => /^\d+(\.\d+)?(ms|s|m)$/.test(text.trim()), 'a duration such as 45s or 2m')
      .optional(),
    /**
     * Serve the console and API over HTTPS (SEC2). Default: on for every host but a loopback
     * one; a node on a non-loopback host with `https: false` refuses to start. Tests turn it on
     * for loopback nodes. In the environment `LIAISON_HTTPS=true|false`.
     */
    https: z
      .preprocess(
        (value) => (value === 'true' ? true : value === 'false' ? false : value),
        z.boolean({ error: 'true or false' }),
      )
      .optional(),
    /**
     * A certificate (PEM, chain included) and its private key from the admin's own CA for the
     * console's HTTPS; both or neither. Default: the self-signed `https.crt` and `https.key` that
     * `liaison init` made in the node's folder (src/node/consoleTls.ts).
     */
    httpsCertFile: z.string().min(1).optional(),
    httpsKeyFile: z.string().min(1).optional(),
    /**
     * A file whose first line is the passphrase of an encrypted `node.key` (src/node/keyFile.ts);
     * `LIAISON_KEY_PASSPHRASE` gives the passphrase itself instead.
     */
    keyPassphraseFile: z.string().min(1).optional(),
    /**
     * The API's rate limit per session or token (SEC4): `RATE/s,BURST`, default
     * DEFAULT_API_RATE_LIMIT, or `off`. In the environment `LIAISON_API_RATE_LIMIT`.
     */
    apiRateLimit: z.string().regex(RATE_LIMIT_PATTERN, 'RATE/s,BURST such as 50/s,500, or off').optional(),
    /**
     * The API's rate limit per address for requests without a valid session, logins included
     * (SEC4): `RATE/s,BURST`, default DEFAULT_API_ADDRESS_RATE_LIMIT, or `off`.
     */
    apiAddressRateLimit: z
      .string()
      .regex(RATE_LIMIT_PATTERN, 'RATE/s,BURST such as 20/s,200, or off')
      .optional(),
    /** Size of the chunks blobs are fetched from peers in (FED11), default 256 KiB. */
    blobChunkBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .optional(),
  })
  .strict();

export type NodeConfig = z.infer<typeof configSchema>;

/** A configuration problem a person can fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `httpPort` → `LIAISON_HTTP_PORT`. */
export function envName(key: string): string {
  return `LIAISON_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export function configPath(dataDir: string): string {
  return join(dataDir, 'config.json');
}

/** Reads `DATA/config.json` and applies environment overrides. */
export function loadConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const path = configPath(dataDir);
  if (!existsSync(path)) {
    throw new ConfigError(
      `${dataDir} is not a Liaison node folder (no config.json). Create one with: liaison init --data ${dataDir}`,
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`bad configuration in ${path} or LIAISON_* variables: ${problems}`);
  }
  parseDeadlines(parsed.data.ackDeadlines);
  for (const limit of [parsed.data.apiRateLimit, parsed.data.apiAddressRateLimit])
    if (limit !== undefined) parseRateLimit(limit);
  return parsed.data;
}

/** Writes a new configuration file. */
export function writeConfig(dataDir: string, config: NodeConfig): void {
  writeFileSync(configPath(dataDir), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** Parses a duration like `10s`, `30m`, `3h`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new ConfigError(`"${text}" is not a duration (use e.g. 500ms, 10s, 30m, 3h)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(Number(match[1]) * unit);
}

/** Parses `FLASH=10s,IMMEDIATE=30s,…` over the defaults (HOT2); empty text gives the defaults. */
export function parseDeadlines(text: string): Record<Precedence, number> {
  const result = {} as Record<Precedence, number>;
  for (const p of PRECEDENCES) result[p] = parseDuration(DEFAULT_ACK_DEADLINES[p]);
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, duration] = part.split('=');
    if (!name || !duration || !(PRECEDENCES as readonly string[]).includes(name.trim())) {
      throw new ConfigError(`"${part}" is not PRECEDENCE=DURATION with one of ${PRECEDENCES.join(', ')}`);
    }
    result[name.trim() as Precedence] = parseDuration(duration);
  }
  return result;
}
