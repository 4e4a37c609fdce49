/**
 * Video talks in the record (CALL5): each talk folded from its `talk.*` events, the same on every
 * member node. Pure: the events in LOG7 order in, the talks out, soonest first.
 *
 * A talk lives on its own thread line (FED9), whose genesis names the member nodes:
 * - `talk.scheduled {talk, title, startsAt, durationMin, agenda: [{title, presenter?, minutes?}],
 *   participants: [{name, node, role?}]}` by the person who scheduled it;
 * - `talk.cancelled {talk, reason?}` by a person of any member node;
 * - `talk.joined {talk}` / `talk.left {talk}` by each person as they join and leave, appended by
 *   their own node.
 *
 * The first `talk.scheduled` of an id stands, and only events on its line count for it. A body
 * that does not read is skipped, so a hostile or newer peer's event never breaks the list.
 */
import { z } from 'zod';
import type { LiaisonEvent } from '../core/types.ts';

/** The event types of video talks. */
export const TALK_EVENT_TYPES = ['talk.scheduled', 'talk.cancelled', 'talk.joined', 'talk.left'] as const;

/** Limits of what a talk may hold (the schedule route and the fold use the same). */
export const TALK_LIMITS = {
  title: 200,
  agendaItems: 30,
  agendaTitle: 200,
  presenter: 100,
  itemMinutes: 480,
  participants: 60,
  participantName: 100,
  participantRole: 100,
  minDurationMin: 5,
  maxDurationMin: 720,
  reason: 500,
} as const;

/** A talk id: random base64url, as call ids (it is the signalling session of the talk). */
export const TALK_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** A node id (FED2). */
const NODE_ID_PATTERN = /^[a-z0-9-]{1,32}$/;
/** An ISO 8601 instant with its zone: `2026-11-27T14:00:00Z`, `…+09:00`, seconds optional. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** One item of a talk's agenda. */
export const agendaItemSchema = z.object({
  title: z.string().trim().min(1, 'an agenda item needs a title').max(TALK_LIMITS.agendaTitle),
  presenter: z.string().trim().min(1).max(TALK_LIMITS.presenter).optional(),
  minutes: z.number().int().min(1).max(TALK_LIMITS.itemMinutes).optional(),
});

/** One person expected at a talk: a name, the node they join from, and their role in it. */
export const plannedParticipantSchema = z.object({
  name: z.string().trim().min(1, 'a participant needs a name').max(TALK_LIMITS.participantName),
  node: z.string().regex(NODE_ID_PATTERN, 'not a node id'),
  role: z.string().trim().min(1).max(TALK_LIMITS.participantRole).optional(),
});

/** The body of `talk.scheduled` as it is read back (unknown fields are ignored). */
const scheduledBodySchema = z.object({
  talk: z.string().regex(TALK_ID_PATTERN),
  title: z.string().min(1).max(TALK_LIMITS.title),
  startsAt: z.string().regex(INSTANT_PATTERN),
  durationMin: z.number().int().min(TALK_LIMITS.minDurationMin).max(TALK_LIMITS.maxDurationMin),
  agenda: z.array(agendaItemSchema).max(TALK_LIMITS.agendaItems),
  participants: z.array(plannedParticipantSchema).max(TALK_LIMITS.participants),
});

export type AgendaItem = z.infer<typeof agendaItemSchema>;
export type PlannedParticipant = z.infer<typeof plannedParticipantSchema>;
export type ScheduledTalkBody = z.infer<typeof scheduledBodySchema>;

/** One time a person was in a talk, from the record. */
export interface TalkAttendance {
  /** `user@node`. */
  user: string;
  joinedAt: string;
  /** Null while no `talk.left` followed (still in, or their node lost them). */
  leftAt: string | null;
}

/** One talk as the record tells it. */
export interface TalkRecord {
  id: string;
  line: string;
  title: string;
  startsAt: string;
  durationMin: number;
  agenda: AgendaItem[];
  participants: PlannedParticipant[];
  scheduledBy: string;
  scheduledAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  attendance: TalkAttendance[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The talk an event names, or null. */
export function talkIdOf(body: unknown): string | null {
  return isRecord(body) && typeof body.talk === 'string' && TALK_ID_PATTERN.test(body.talk)
    ? body.talk
    : null;
}

/** The body of a `talk.scheduled` event, or null when it does not read. */
export function readScheduled(event: LiaisonEvent): ScheduledTalkBody | null {
  if (event.type !== 'talk.scheduled') return null;
  const parsed = scheduledBodySchema.safeParse(event.body);
  return parsed.success && Number.isFinite(Date.parse(parsed.data.startsAt)) ? parsed.data : null;
}

function newRecord(event: LiaisonEvent, body: ScheduledTalkBody): TalkRecord {
  return {
    id: body.talk,
    line: event.line,
    title: body.title,
    startsAt: body.startsAt,
    durationMin: body.durationMin,
    agenda: body.agenda,
    participants: body.participants,
    scheduledBy: event.author,
    scheduledAt: event.ts,
    cancelledAt: null,
    cancelledBy: null,
    cancelReason: null,
    attendance: [],
  };
}

/** Applies a cancel, join or leave to its talk. */
function applyToTalk(talk: TalkRecord, event: LiaisonEvent): void {
  switch (event.type) {
    case 'talk.cancelled': {
      if (talk.cancelledAt !== null) return;
      const reason = isRecord(event.body) ? event.body.reason : undefined;
      talk.cancelledAt = event.ts;
      talk.cancelledBy = event.author;
      talk.cancelReason =
        typeof reason === 'string' && reason.length <= TALK_LIMITS.reason && reason !== '' ? reason : null;
      return;
    }
    case 'talk.joined':
      talk.attendance.push({ user: event.author, joinedAt: event.ts, leftAt: null });
      return;
    case 'talk.left': {
      const open = talk.attendance.findLast((entry) => entry.user === event.author && entry.leftAt === null);
      if (open) open.leftAt = event.ts;
      return;
    }
  }
}

/** Folds talk events (in LOG7 order) into talks, soonest start first. */
export function foldTalks(events: readonly LiaisonEvent[]): TalkRecord[] {
  const talks = new Map<string, TalkRecord>();
  for (const event of events) {
    const id = talkIdOf(event.body);
    if (!id) continue;
    if (event.type === 'talk.scheduled') {
      const body = readScheduled(event);
      if (body && !talks.has(id)) talks.set(id, newRecord(event, body));
      continue;
    }
    const talk = talks.get(id);
    // Only events on the talk's own line count, as for calls and messages.
    if (talk && talk.line === event.line) applyToTalk(talk, event);
  }
  return [...talks.values()].sort(
    (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || (a.id < b.id ? -1 : 1),
  );
}
