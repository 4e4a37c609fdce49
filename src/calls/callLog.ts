/**
 * The call log (CALL2, CALL4): each call's record folded from its `call.*` events, the same on
 * every node that holds them. Pure: the events in LOG7 order in, the records out, newest first.
 *
 * Where both nodes recorded an end (a call hung up on both sides while their link was down),
 * the first `call.ended` in LOG7 order stands. A body that does not read is skipped, so a
 * hostile or newer peer's event never breaks the log.
 */
import type { LiaisonEvent } from '../core/types.ts';
import { CALL_END_REASONS, CALL_MEDIA, type CallEndReason, type CallMedia } from '../federation/protocol.ts';

/** The event types of the call record. */
export const CALL_EVENT_TYPES = [
  'call.started',
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.recorded',
] as const;

/** A recording of a call (CALL4): a blob named by its SHA-256. */
export interface CallRecording {
  blob: string;
  bytes: number;
  durationMs: number;
  mime: string;
  by: string;
  at: string;
}

/** One call as the log shows it. */
export interface CallRecord {
  id: string;
  line: string;
  media: CallMedia;
  /** `user@node` who placed the call. */
  caller: string;
  /** The node called. */
  callee: string;
  startedAt: string;
  ringingAt: string | null;
  answeredAt: string | null;
  answeredBy: string | null;
  endedAt: string | null;
  endedBy: string | null;
  endReason: CallEndReason | null;
  /** From the answer to the end, by the clock of the node that ended it. */
  durationMs: number | null;
  recordings: CallRecording[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CALL_ID = /^[A-Za-z0-9_-]{8,64}$/;
const BLOB = /^[0-9a-f]{64}$/;

function callIdOf(body: unknown): string | null {
  return isRecord(body) && typeof body.call === 'string' && CALL_ID.test(body.call) ? body.call : null;
}

function readRecording(event: LiaisonEvent): CallRecording | null {
  const { body } = event;
  if (!isRecord(body)) return null;
  const { blob, bytes, durationMs, mime } = body;
  if (typeof blob !== 'string' || !BLOB.test(blob)) return null;
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) return null;
  if (!Number.isSafeInteger(durationMs) || (durationMs as number) < 0) return null;
  if (typeof mime !== 'string' || mime.length > 100) return null;
  return {
    blob,
    bytes: bytes as number,
    durationMs: durationMs as number,
    mime,
    by: event.author,
    at: event.ts,
  };
}

/** Folds call events (in LOG7 order) into call records, newest call first. */
export function foldCallLog(events: readonly LiaisonEvent[]): CallRecord[] {
  const calls = new Map<string, CallRecord>();
  for (const event of events) {
    const id = callIdOf(event.body);
    if (!id) continue;
    if (event.type === 'call.started') {
      const body = event.body as Record<string, unknown>;
      const media = body.media;
      const callee = body.callee;
      if (calls.has(id) || typeof callee !== 'string') continue;
      if (typeof media !== 'string' || !(CALL_MEDIA as readonly string[]).includes(media)) continue;
      calls.set(id, {
        id,
        line: event.line,
        media: media as CallMedia,
        caller: event.author,
        callee,
        startedAt: event.ts,
        ringingAt: null,
        answeredAt: null,
        answeredBy: null,
        endedAt: null,
        endedBy: null,
        endReason: null,
        durationMs: null,
        recordings: [],
      });
      continue;
    }
    const call = calls.get(id);
    // Only events on the call's own line count, as for messages.
    if (!call || call.line !== event.line) continue;
    switch (event.type) {
      case 'call.ringing':
        call.ringingAt ??= event.ts;
        break;
      case 'call.answered':
        if (call.answeredAt === null) {
          call.answeredAt = event.ts;
          call.answeredBy = event.author;
        }
        break;
      case 'call.ended': {
        const body = event.body as Record<string, unknown>;
        const reason = body.reason;
        if (call.endedAt !== null) break;
        if (typeof reason !== 'string' || !(CALL_END_REASONS as readonly string[]).includes(reason)) break;
        call.endedAt = event.ts;
        call.endedBy = event.author;
        call.endReason = reason as CallEndReason;
        const duration = body.durationMs;
        call.durationMs =
          Number.isSafeInteger(duration) && (duration as number) >= 0 ? (duration as number) : null;
        break;
      }
      case 'call.recorded': {
        const recording = readRecording(event);
        if (recording) call.recordings.push(recording);
        break;
      }
    }
  }
  return [...calls.values()].reverse();
}

/** Whether an event belongs to the call record. */
export function isCallEvent(type: string): boolean {
  return (CALL_EVENT_TYPES as readonly string[]).includes(type);
}
