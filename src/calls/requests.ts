/**
 * Call requests (HOT7): one desk asks the other for a call at a level (duty officer, director,
 * minister) with a topic and an urgency; the peer accepts, proposes a time or declines before a
 * deadline. Arranging a call, not placing it (that is CALL1, `calls.ts`).
 *
 * Bodies, both on the hotline, so every member holds them:
 * - `call.requested` `{request, level, topic, urgency, proposedAt?, deadline}` by the requester.
 *   `request` is a random id; `proposedAt` is when the requester would like the call; `deadline`
 *   is stamped by the requester (HOT2: the line's acknowledgement deadline for the urgency, unless
 *   the requester names one), so both sides judge the same instant, each on its own clock.
 * - `call.request.answered` `{request, answer, at?, reason?}`: `answer` is `accept`, `propose` or
 *   `decline`; `at` is the agreed time (accept) or the proposed one (propose, required).
 *
 * The state machine, computed from the events in LOG7 order (nothing is stored beside them):
 *
 *   open ──peer accepts──────────────▶ agreed     (at the time on the table, else `at`, else now)
 *   open ──peer proposes a time──────▶ proposed   (the requester's turn)
 *   open ──peer declines─────────────▶ declined
 *   open ──requester declines────────▶ cancelled  (the request is withdrawn)
 *   open ──deadline passes───────────▶ overdue    (no answer from the peer in time)
 *   proposed ──side whose turn it is accepts──▶ agreed (at the proposed time)
 *   proposed ──… proposes another time────────▶ proposed (the other side's turn)
 *   proposed ──… declines─────────────────────▶ declined
 *   proposed ──requester declines out of turn─▶ cancelled
 *
 * agreed, declined, cancelled and overdue are closed. An answer is taken only when it is on the
 * request's line, from the side whose turn it is (or the requester withdrawing), to an open
 * request; the peer's first answer counts only if dated by the deadline. Anything else (an
 * unknown request, the wrong side, a closed request, a body that does not read) is ignored by
 * readers and refused by this node's API, so a hostile or newer peer never breaks the view.
 * Concurrent answers (both sides at once) are settled by LOG7 order, the same on every node.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, isoTime } from '../core/clock.ts';
import { compareLog7 } from '../core/order.ts';
import { type JsonObject, type LiaisonEvent, PRECEDENCES, type Precedence } from '../core/types.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, Store, StoredEvent } from '../store/types.ts';

/** A desk asks for a call. */
export const CALL_REQUESTED = 'call.requested';
/** A side answers a call request. */
export const CALL_REQUEST_ANSWERED = 'call.request.answered';
/** The event types of call requests. */
export const CALL_REQUEST_TYPES = [CALL_REQUESTED, CALL_REQUEST_ANSWERED] as const;

/** The levels a call may be asked at. */
export const CALL_LEVELS = ['duty-officer', 'director', 'minister'] as const;
export type CallLevel = (typeof CALL_LEVELS)[number];

/** The answers to a request. */
export const CALL_ANSWERS = ['accept', 'propose', 'decline'] as const;
export type CallAnswer = (typeof CALL_ANSWERS)[number];

/** The states of a request; the last four are closed. */
export const CALL_REQUEST_STATES = [
  'open',
  'proposed',
  'agreed',
  'declined',
  'cancelled',
  'overdue',
] as const;
export type CallRequestState = (typeof CALL_REQUEST_STATES)[number];

/** The two sides of a request: the node that asked, and the other member(s) of the line. */
export type CallSide = 'requester' | 'peer';

export const MAX_TOPIC_LENGTH = 500;
export const MAX_REASON_LENGTH = 500;
/** A deadline the requester names is at most thirty days ahead, like a line's deadlines. */
export const MAX_DEADLINE_AHEAD_MS = 30 * 86_400_000;
/** A call is arranged at most ninety days ahead. */
export const MAX_CALL_AHEAD_MS = 90 * 86_400_000;
/**
 * A time chosen on a form may be this far in the past when it reaches the node (the officer
 * picked "now" and took a moment to send it).
 */
export const PAST_GRACE_MS = 60_000;

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Whether `value` is an instant as the record writes them (`isoTime`: UTC, milliseconds). */
export function isRecordTime(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 24) return false;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && isoTime(ms) === value;
}

/** Whether `value` is a request id. */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

/** A `call.requested` event as read. */
export interface RequestFacts {
  request: string;
  line: string;
  event: string;
  /** The requesting node: the event's origin. */
  requester: string;
  requestedBy: string;
  requestedAt: string;
  level: CallLevel;
  topic: string;
  urgency: Precedence;
  proposedAt: string | null;
  deadline: string;
}

/** A `call.request.answered` event as read. */
export interface AnswerFacts {
  request: string;
  line: string;
  event: string;
  /** The answering node: the event's origin. */
  node: string;
  by: string;
  at: string;
  answer: CallAnswer;
  /** The time it names (agreed or proposed), or null. */
  time: string | null;
  reason: string | null;
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max;
}

/** Reads a `call.requested` event, or null when it is not one or its body does not read. */
export function readCallRequest(event: LiaisonEvent): RequestFacts | null {
  if (event.type !== CALL_REQUESTED) return null;
  const { request, level, topic, urgency, proposedAt, deadline } = event.body;
  if (!isRequestId(request)) return null;
  if (!CALL_LEVELS.some((known) => known === level)) return null;
  if (!isText(topic, MAX_TOPIC_LENGTH)) return null;
  if (!PRECEDENCES.some((known) => known === urgency)) return null;
  if (proposedAt !== undefined && !isRecordTime(proposedAt)) return null;
  if (!isRecordTime(deadline)) return null;
  return {
    request,
    line: event.line,
    event: event.id,
    requester: event.origin,
    requestedBy: event.author,
    requestedAt: event.ts,
    level: level as CallLevel,
    topic,
    urgency: urgency as Precedence,
    proposedAt: proposedAt ?? null,
    deadline,
  };
}

/** Reads a `call.request.answered` event, or null when it is not one or its body does not read. */
export function readCallAnswer(event: LiaisonEvent): AnswerFacts | null {
  if (event.type !== CALL_REQUEST_ANSWERED) return null;
  const { request, answer, at, reason } = event.body;
  if (!isRequestId(request)) return null;
  if (!CALL_ANSWERS.some((known) => known === answer)) return null;
  if (at !== undefined && !isRecordTime(at)) return null;
  if (answer === 'propose' && at === undefined) return null;
  if (answer === 'decline' && at !== undefined) return null;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH)) return null;
  return {
    request,
    line: event.line,
    event: event.id,
    node: event.origin,
    by: event.author,
    at: event.ts,
    answer: answer as CallAnswer,
    time: at ?? null,
    reason: typeof reason === 'string' && reason.trim() !== '' ? reason : null,
  };
}

/** One answer taken into a request's history. */
export interface TakenAnswer {
  event: string;
  node: string;
  side: CallSide;
  by: string;
  at: string;
  answer: CallAnswer;
  time: string | null;
  reason: string | null;
}

/** A request and where it stands, the same on every node holding the same events. */
export interface CallRequestView extends RequestFacts {
  state: CallRequestState;
  /** The side whose answer is awaited (open, proposed), else null. */
  turn: CallSide | null;
  /** The time on the table: the requester's, the latest proposal's, or the agreed one. */
  time: string | null;
  /** The time of the call once agreed, else null. */
  agreedTime: string | null;
  /** The answers taken, in order. */
  answers: TakenAnswer[];
  /** When it closed: the closing answer's time, or the deadline when overdue. */
  closedAt: string | null;
  /** Who closed it (`user@node`), or null (open, proposed, overdue). */
  closedBy: string | null;
}

/** Whether a request in `state` takes no more answers. */
export function isClosed(state: CallRequestState): boolean {
  return state === 'agreed' || state === 'declined' || state === 'cancelled' || state === 'overdue';
}

/**
 * The answers `side` may give now: every answer on its turn; the requester may also withdraw
 * (decline) while the peer is to answer; nothing once closed.
 */
export function allowedAnswers(view: CallRequestView, side: CallSide): CallAnswer[] {
  if (isClosed(view.state)) return [];
  if (view.turn === side) return [...CALL_ANSWERS];
  return side === 'requester' ? ['decline'] : [];
}

/** Takes `answer` from `side` into `view` when the rules allow it; false when it is ignored. */
function applyAnswer(view: CallRequestView, answer: AnswerFacts, side: CallSide): boolean {
  if (!allowedAnswers(view, side).includes(answer.answer)) return false;
  // The peer's first answer must come by the deadline (HOT7); later the deadline is met.
  if (view.state === 'open' && answer.at > view.deadline) return false;
  const isOwnTurn = view.turn === side;
  if (answer.answer === 'accept') {
    // An accept names the time on the table, or sets it when none is.
    if (view.time !== null && answer.time !== null && answer.time !== view.time) return false;
    view.agreedTime = view.time ?? answer.time ?? answer.at;
    view.time = view.agreedTime;
    view.state = 'agreed';
  } else if (answer.answer === 'propose') {
    view.time = answer.time;
    view.state = 'proposed';
    view.turn = side === 'requester' ? 'peer' : 'requester';
  } else {
    view.state = isOwnTurn ? 'declined' : 'cancelled';
  }
  if (isClosed(view.state)) {
    view.turn = null;
    view.closedAt = answer.at;
    view.closedBy = answer.by;
  }
  view.answers.push({
    event: answer.event,
    node: answer.node,
    side,
    by: answer.by,
    at: answer.at,
    answer: answer.answer,
    time: answer.time,
    reason: answer.reason,
  });
  return true;
}

/**
 * Every request in `events` (any order; other types are skipped) with its state at `nowMs`,
 * newest request first. The first `call.requested` of an id in LOG7 order stands.
 */
export function computeCallRequests(events: readonly LiaisonEvent[], nowMs: number): CallRequestView[] {
  const views = new Map<string, CallRequestView>();
  for (const event of [...events].sort(compareLog7)) {
    const request = readCallRequest(event);
    if (request !== null) {
      if (views.has(request.request)) continue;
      views.set(request.request, {
        ...request,
        state: 'open',
        turn: 'peer',
        time: request.proposedAt,
        agreedTime: null,
        answers: [],
        closedAt: null,
        closedBy: null,
      });
      continue;
    }
    const answer = readCallAnswer(event);
    if (answer === null) continue;
    const view = views.get(answer.request);
    if (view === undefined || view.line !== answer.line) continue;
    applyAnswer(view, answer, answer.node === view.requester ? 'requester' : 'peer');
  }
  const nowIso = isoTime(nowMs);
  for (const view of views.values()) {
    if (view.state === 'open' && nowIso > view.deadline) {
      view.state = 'overdue';
      view.turn = null;
      view.closedAt = view.deadline;
    }
  }
  return [...views.values()].reverse();
}

/** A refused request or answer, with the code the API reports. */
export class CallRequestError extends Error {
  constructor(
    readonly code:
      | 'unknown-line'
      | 'not-a-hotline'
      | 'line-closed'
      | 'unknown-request'
      | 'request-closed'
      | 'not-your-turn'
      | 'time-mismatch'
      | 'time-passed'
      | 'invalid-time',
    message: string,
    /** The input field at fault, for `invalid-time`. */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'CallRequestError';
  }
}

/** What a desk asks for (`POST /api/v1/call-requests`). */
export interface CallRequestInput {
  line: string;
  level: CallLevel;
  topic: string;
  urgency: Precedence;
  /** Any ISO 8601 instant; stored as the record writes times. */
  proposedAt?: string;
  deadline?: string;
}

/** An answer (`POST /api/v1/call-requests/:id/answer`). */
export interface CallAnswerInput {
  answer: CallAnswer;
  at?: string;
  reason?: string;
}

/** A request as this node's API shows it: its view, and what this node may do with it. */
export interface CallRequestListing extends CallRequestView {
  /** This node's side. */
  side: CallSide;
  /** The nodes whose answer is awaited now (empty once closed). */
  awaiting: string[];
  /** The answers this node may give now. */
  mayAnswer: CallAnswer[];
}

/** What call requests need of the node. */
export interface CallRequestDeps {
  ledger: Ledger;
  store: Store;
  clock: Clock;
  /** The acknowledgement deadlines of a line (HOT2, `LineSettings.effective`), in ms. */
  deadlines(line: string): Record<Precedence, number>;
  /** Whether a line is closed to appends (a hotline whose pairing ended, FED1). */
  isLineClosed?: ((line: string) => boolean) | null;
}

/**
 * This node's call requests: asks and answers as events, and reads every request from the
 * events held (read once, then followed as they are committed).
 */
export class CallRequests {
  private readonly events = new Map<string, LiaisonEvent>();
  private loaded: Promise<void> | null = null;
  /** Answers run one at a time, so each sees the state the last one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CallRequestDeps) {
    deps.ledger.onCommitted((batch) => {
      for (const stored of batch.events) this.keep(stored.event);
    });
  }

  private keep(event: LiaisonEvent): void {
    if (event.type === CALL_REQUESTED || event.type === CALL_REQUEST_ANSWERED)
      this.events.set(event.id, event);
  }

  private load(): Promise<void> {
    this.loaded ??= this.deps.store.eventsOfTypes(CALL_REQUEST_TYPES).then(
      (stored) => {
        for (const { event } of stored) this.keep(event);
      },
      (error: unknown) => {
        this.loaded = null;
        throw error;
      },
    );
    return this.loaded;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every request on the hotlines this node is a member of (or on `line`), newest first. */
  async list(line?: string): Promise<CallRequestListing[]> {
    await this.load();
    const { ledger, clock } = this.deps;
    const lines = new Map(
      ledger
        .listLines()
        .filter((l) => l.kind === 'hotline' && l.members.includes(ledger.selfId))
        .map((l) => [l.id, l]),
    );
    return computeCallRequests([...this.events.values()], clock.now())
      .filter((view) => (line === undefined ? lines.has(view.line) : view.line === line))
      .flatMap((view) => {
        const record = lines.get(view.line);
        return record === undefined ? [] : [this.listing(view, record)];
      });
  }

  /** One request, or null when none has this id. */
  async get(request: string): Promise<CallRequestListing | null> {
    return (await this.list()).find((view) => view.request === request) ?? null;
  }

  private listing(view: CallRequestView, line: LineRecord): CallRequestListing {
    const side: CallSide = view.requester === this.deps.ledger.selfId ? 'requester' : 'peer';
    const peers = line.members.filter((member) => member !== view.requester);
    const awaiting = view.turn === null ? [] : view.turn === 'requester' ? [view.requester] : peers;
    return { ...view, side, awaiting, mayAnswer: allowedAnswers(view, side) };
  }

  /** The hotline `id` this node may ask on now, or a refusal. */
  private hotline(id: string): LineRecord {
    const { ledger, isLineClosed } = this.deps;
    const line = ledger.getLine(id);
    if (line === undefined || !line.members.includes(ledger.selfId))
      throw new CallRequestError('unknown-line', `there is no line ${id}`);
    if (line.kind !== 'hotline')
      throw new CallRequestError('not-a-hotline', `${id} is not a hotline: calls are asked for on hotlines`);
    if (isLineClosed?.(id))
      throw new CallRequestError('line-closed', `line ${id} is closed: the pairing with its peer was ended`);
    return line;
  }

  /** An instant from the API as the record writes it, checked to lie within [now − grace, now + max]. */
  private instant(value: string, field: string, maxAheadMs: number): string {
    const ms = Date.parse(value);
    const now = this.deps.clock.now();
    if (!Number.isFinite(ms)) throw new CallRequestError('invalid-time', `${value} is not a time`, field);
    if (ms < now - PAST_GRACE_MS)
      throw new CallRequestError('invalid-time', `${value} has passed: choose a later time`, field);
    if (ms > now + maxAheadMs) {
      const days = Math.round(maxAheadMs / 86_400_000);
      throw new CallRequestError('invalid-time', `${value} is more than ${days} days ahead`, field);
    }
    return isoTime(ms);
  }

  /**
   * `author` asks for a call on a hotline; resolves with the durable `call.requested` event
   * (LOG10). The deadline is the line's acknowledgement deadline for the urgency (HOT2) unless
   * the input names one.
   */
  async request(author: string, input: CallRequestInput): Promise<StoredEvent> {
    const line = this.hotline(input.line);
    const now = this.deps.clock.now();
    const deadline =
      input.deadline === undefined
        ? isoTime(now + this.deps.deadlines(line.id)[input.urgency])
        : this.instant(input.deadline, 'deadline', MAX_DEADLINE_AHEAD_MS);
    if (Date.parse(deadline) <= now)
      throw new CallRequestError('invalid-time', 'the deadline must be in the future', 'deadline');
    const body: JsonObject = {
      request: randomBytes(12).toString('base64url'),
      level: input.level,
      topic: input.topic,
      urgency: input.urgency,
      deadline,
    };
    if (input.proposedAt !== undefined)
      body.proposedAt = this.instant(input.proposedAt, 'proposedAt', MAX_CALL_AHEAD_MS);
    const stored = await this.deps.ledger.append(line.id, author, CALL_REQUESTED, body);
    this.keep(stored.event);
    return stored;
  }

  /**
   * `author` of this node answers a request; resolves with the durable answer and the request
   * after it. Refuses an unknown request, a closed one, the wrong side's answer, and an accept
   * of a time that is not the one on the table or has passed.
   */
  answer(
    request: string,
    author: string,
    input: CallAnswerInput,
  ): Promise<{ stored: StoredEvent; view: CallRequestListing }> {
    return this.serially(async () => {
      const view = await this.get(request);
      if (view === null) throw new CallRequestError('unknown-request', `there is no call request ${request}`);
      this.hotline(view.line);
      if (isClosed(view.state))
        throw new CallRequestError('request-closed', `the call request is ${view.state} already`);
      if (!view.mayAnswer.includes(input.answer)) {
        const whose = view.turn === 'requester' ? 'the requesting desk' : 'the peer';
        throw new CallRequestError('not-your-turn', `it is for ${whose} to answer this call request now`);
      }
      const body: JsonObject = { request, answer: input.answer };
      const time = this.answerTime(view, input);
      if (time !== null) body.at = time;
      if (input.reason !== undefined && input.reason.trim() !== '') body.reason = input.reason.trim();
      const stored = await this.deps.ledger.append(view.line, author, CALL_REQUEST_ANSWERED, body);
      this.keep(stored.event);
      const after = await this.get(request);
      // The deadline may have passed between the check and the stamp: the answer then does not count.
      if (after === null || !after.answers.some((taken) => taken.event === stored.event.id))
        throw new CallRequestError(
          'request-closed',
          `the call request was ${after?.state ?? 'closed'} first`,
        );
      return { stored, view: after };
    });
  }

  /** The time an answer records: the proposal's, or the agreed one for an accept; null for a decline. */
  private answerTime(view: CallRequestView, input: CallAnswerInput): string | null {
    if (input.answer === 'decline') return null;
    if (input.answer === 'propose') {
      if (input.at === undefined) throw new CallRequestError('invalid-time', 'a proposal needs a time', 'at');
      return this.instant(input.at, 'at', MAX_CALL_AHEAD_MS);
    }
    if (view.time === null)
      return input.at === undefined
        ? isoTime(this.deps.clock.now())
        : this.instant(input.at, 'at', MAX_CALL_AHEAD_MS);
    if (input.at !== undefined && Date.parse(input.at) !== Date.parse(view.time))
      throw new CallRequestError(
        'time-mismatch',
        `the time on the table is ${view.time}: accept it, or propose ${input.at} instead`,
      );
    if (Date.parse(view.time) < this.deps.clock.now() - PAST_GRACE_MS)
      throw new CallRequestError('time-passed', `${view.time} has passed: propose a new time instead`);
    return view.time;
  }
}
