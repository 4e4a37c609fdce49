/**
 * The node-to-node protocol (FED3–FED7, FED10): JSON text frames over one WebSocket per pair.
 *
 * Handshake: both sides send `hello` (protocol version, node id, a fresh nonce), then `proof`:
 * an Ed25519 signature over {purpose, signer, peer, nonce-of-the-other-side}. Only after a valid
 * proof does either side send `heads` (what it holds, FED5) and then `batch`es (FED3).
 * Each batch is answered by a signed `receipt`. `ping`/`pong` are the heartbeats (FED7).
 * Blobs travel apart from events (FED11): `blob.get {hash, offset, length}` is answered by
 * `blob.chunk {hash, offset, total, data}` (data in base64) or `blob.missing {hash}`.
 *
 * Call signalling (CALL1) is ephemeral and never stored: `call.invite`, `call.ringing`,
 * `call.accept`, `call.end` drive a call between two nodes' desks; `rtc.signal` carries one
 * WebRTC offer, answer or ICE candidate from a console at one node to a console at the other.
 * Video talks (CALL5) reuse `rtc.signal` (its session is the talk) between every pair of
 * participants, and announce who is in a talk with `talk.join`, `talk.leave` and `talk.roster`.
 *
 * Close codes (fatal, not retried until the next dial):
 *   4000 incompatible-protocol · 4001 unknown-node · 4002 bad-proof · 4003 protocol-error
 *   4004 duplicate-connection · 4005 flooding · 4006 heartbeat-timeout · 4007 bad-certificate
 *   4008 unpaired (this node unpaired the peer, FED1)
 *   1009 frame too big
 */
import { z } from 'zod';

/** The protocol version this node speaks (FED10). */
export const PROTOCOL_VERSION = 1;

/** Largest frame accepted from a peer, in bytes. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Events per batch, and a byte budget per batch, for the sender. */
export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** Batches a sender may have unacknowledged; a receiver closes a peer that exceeds twice this. */
export const MAX_IN_FLIGHT = 4;

export const CLOSE_CODES = {
  'incompatible-protocol': 4000,
  'unknown-node': 4001,
  'bad-proof': 4002,
  'protocol-error': 4003,
  'duplicate-connection': 4004,
  flooding: 4005,
  'heartbeat-timeout': 4006,
  'bad-certificate': 4007,
  unpaired: 4008,
} as const;
export type CloseReason = keyof typeof CLOSE_CODES;

const nodeId = z.string().regex(/^[a-z0-9-]{1,32}$/);
const b64u = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(200);
const headsSchema = z.record(
  z.string().max(64),
  z.record(nodeId, z.object({ seq: z.number().int().min(0), id: z.string().max(64) }).strict()),
);

/**
 * `timeZone`: the sender's IANA zone (CON2), optional so a node that does not announce one still
 * links; shown to duty officers only after the proof, and only when it is a zone `Intl` knows.
 */
export const helloFrame = z
  .object({
    t: z.literal('hello'),
    protocol: z.number().int(),
    node: nodeId,
    nonce: b64u,
    timeZone: z.string().max(64).optional(),
  })
  .strict();
/**
 * `rotations`: the prover's own `key.rotated` events (LOG5), so a peer that missed a rotation
 * follows its known key to the one that signs `sig`.
 */
export const proofFrame = z
  .object({ t: z.literal('proof'), sig: b64u, rotations: z.array(z.unknown()).max(16).optional() })
  .strict();
export const headsFrame = z.object({ t: z.literal('heads'), heads: headsSchema }).strict();
export const batchFrame = z
  .object({
    t: z.literal('batch'),
    n: z.number().int().min(0),
    events: z.array(z.unknown()).max(MAX_BATCH_EVENTS * 2),
  })
  .strict();
export const receiptBody = z
  .object({
    node: nodeId,
    peer: nodeId,
    n: z.number().int().min(0),
    at: z.string(),
    heads: headsSchema,
    rejected: z.array(
      z.object({ index: z.number().int(), id: z.string().nullable(), code: z.string() }).strict(),
    ),
  })
  .strict();
export const receiptFrame = z.object({ t: z.literal('receipt'), body: receiptBody, sig: b64u }).strict();
export const pingFrame = z.object({ t: z.literal('ping'), sentAt: z.number(), sig: b64u }).strict();
export const pongFrame = z.object({ t: z.literal('pong'), echo: z.number(), at: z.number() }).strict();
/** Largest chunk of a blob a peer may ask for in one `blob.get` (FED11). */
export const MAX_BLOB_CHUNK_BYTES = 1024 * 1024;
const blobName = z.string().regex(/^[0-9a-f]{64}$/);
export const blobGetFrame = z
  .object({
    t: z.literal('blob.get'),
    hash: blobName,
    offset: z.number().int().min(0),
    length: z.number().int().min(1).max(MAX_BLOB_CHUNK_BYTES),
  })
  .strict();
// The chunk's own size is checked by the fetcher against what it asked for (a refusal it
// counts), so the schema bounds it only as far as the frame limit does.
export const blobChunkFrame = z
  .object({
    t: z.literal('blob.chunk'),
    hash: blobName,
    offset: z.number().int().min(0),
    total: z.number().int().min(0),
    data: z.string().max(MAX_FRAME_BYTES),
  })
  .strict();
export const blobMissingFrame = z.object({ t: z.literal('blob.missing'), hash: blobName }).strict();
/** A session (call or talk) id and a console's id: random base64url, never a secret. */
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const author = z.string().regex(/^[a-z0-9._-]{1,64}@[a-z0-9-]{1,32}$/);
/** Largest WebRTC signal payload (an SDP offer with many candidates stays well under it). */
export const MAX_SIGNAL_BYTES = 32 * 1024;
export const CALL_MEDIA = ['voice', 'video'] as const;
/** Why a call ended (CALL2). */
export const CALL_END_REASONS = [
  'hangup',
  'cancelled',
  'declined',
  'busy',
  'glare',
  'missed',
  'link-lost',
  'media-failed',
  'unreachable',
] as const;
export const callInviteFrame = z
  .object({
    t: z.literal('call.invite'),
    call: sessionId,
    line: z.string().max(64),
    media: z.enum(CALL_MEDIA),
    from: author,
    client: clientId,
  })
  .strict();
export const callRingingFrame = z.object({ t: z.literal('call.ringing'), call: sessionId }).strict();
export const callAcceptFrame = z
  .object({ t: z.literal('call.accept'), call: sessionId, by: author, client: clientId })
  .strict();
export const callEndFrame = z
  .object({ t: z.literal('call.end'), call: sessionId, reason: z.enum(CALL_END_REASONS) })
  .strict();
export const rtcSignalFrame = z
  .object({
    t: z.literal('rtc.signal'),
    session: sessionId,
    from: clientId,
    to: clientId,
    kind: z.enum(['offer', 'answer', 'ice']),
    data: z.string().max(MAX_SIGNAL_BYTES),
  })
  .strict();
/** A UTC instant as nodes write them (`isoTime`): when a console joined a talk, by its node. */
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
/** Live participants of a video talk (CALL5) one node announces: a console and its person. */
const talkParticipant = z.object({ client: clientId, user: author, joinedAt: instant }).strict();
/** Most consoles one node may announce in one talk. */
export const MAX_TALK_PARTICIPANTS_PER_NODE = 32;
export const talkJoinFrame = z
  .object({ t: z.literal('talk.join'), talk: sessionId, client: clientId, user: author, joinedAt: instant })
  .strict();
export const talkLeaveFrame = z
  .object({ t: z.literal('talk.leave'), talk: sessionId, client: clientId })
  .strict();
export const talkRosterFrame = z
  .object({
    t: z.literal('talk.roster'),
    talk: sessionId,
    participants: z.array(talkParticipant).max(MAX_TALK_PARTICIPANTS_PER_NODE),
  })
  .strict();
export const errorFrame = z.object({ t: z.literal('error'), code: z.string(), message: z.string() }).strict();

export const frameSchema = z.discriminatedUnion('t', [
  helloFrame,
  proofFrame,
  headsFrame,
  batchFrame,
  receiptFrame,
  pingFrame,
  pongFrame,
  errorFrame,
  blobGetFrame,
  blobChunkFrame,
  blobMissingFrame,
  callInviteFrame,
  callRingingFrame,
  callAcceptFrame,
  callEndFrame,
  rtcSignalFrame,
  talkJoinFrame,
  talkLeaveFrame,
  talkRosterFrame,
]);
export type Frame = z.infer<typeof frameSchema>;
export type ReceiptBody = z.infer<typeof receiptBody>;
export type WireHeads = z.infer<typeof headsSchema>;
/** The frames of the blob exchange (FED11). */
export type BlobFrame = Extract<Frame, { t: 'blob.get' | 'blob.chunk' | 'blob.missing' }>;
/** The frames of call signalling (CALL1) and video talk presence (CALL5), relayed and never stored. */
export type CallFrame = Extract<
  Frame,
  {
    t:
      | 'call.invite'
      | 'call.ringing'
      | 'call.accept'
      | 'call.end'
      | 'rtc.signal'
      | 'talk.join'
      | 'talk.leave'
      | 'talk.roster';
  }
>;
/** The frames of video talk presence (CALL5). */
export type TalkFrame = Extract<Frame, { t: 'talk.join' | 'talk.leave' | 'talk.roster' }>;
export type CallEndReason = (typeof CALL_END_REASONS)[number];
export type CallMedia = (typeof CALL_MEDIA)[number];

/** Parses a frame from a peer; returns null for anything malformed. */
export function parseFrame(text: string): Frame | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = frameSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The bytes a side signs to prove it holds its key (handshake). */
export function proofPayload(signer: string, peer: string, nonce: string): object {
  return { purpose: 'liaison-link-v1', signer, peer, nonce };
}

/** The bytes a heartbeat's signature covers (FED7). */
export function heartbeatPayload(node: string, sentAt: number): object {
  return { purpose: 'liaison-heartbeat-v1', node, sentAt };
}
