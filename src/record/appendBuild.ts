/**
 * Building this node's own events for the Ledger: an append (LOG1, LOG2, LOG4, LOG6, LOG11) and a
 * key rotation (LOG5). Both work on the in-memory heads, inside a commit; each change pushes an
 * undo step, run when the commit fails.
 *
 * A rotation appends `key.rotated` on every line this node writes on whose genesis is held (its
 * local line included), each signed with the old key, then makes the new key the signer of every
 * later event.
 */
import { CanonicalizationError, canonicalBytes } from '../core/canonical.ts';
import { nextEnvelopeFields } from '../core/chain.ts';
import { isoTime } from '../core/clock.ts';
import { signEvent } from '../core/event.ts';
import { KEY_ROTATED_EVENT_TYPE, type KeyHistory, parseRotation, rotationBody } from '../core/keyHistory.ts';
import type { Signer } from '../core/sign.ts';
import {
  ENVELOPE_VERSION,
  EVENT_TYPE_PATTERN,
  type JsonObject,
  type LiaisonEvent,
  MAX_BODY_BYTES,
  MAX_EVENT_TYPE_LENGTH,
  type UnsignedEnvelope,
} from '../core/types.ts';
import type { LineRecord } from '../store/types.ts';
import type { HeadIndex } from './headIndex.ts';
import { RecordError } from './recordError.ts';

/** One event this node writes. */
export interface AppendRequest {
  line: string;
  author: string;
  type: string;
  body: JsonObject;
}

/** What the builder reads and updates of the Ledger's state (shared, not copied). */
export interface BuildContext {
  selfId: string;
  lines: ReadonlyMap<string, LineRecord>;
  keys: KeyHistory;
  index: HeadIndex;
}

/**
 * The canonical bytes of a body, or RecordError `unsignable-body` (a 400) when it has none: text
 * from a request with a lone surrogate, say, which RFC 8785 cannot sign (found by the fuzz suite,
 * SEC3). Checked before anything of the append changes, so nothing is left half done.
 */
function signableBytes(body: JsonObject): Uint8Array {
  try {
    return canonicalBytes(body);
  } catch (error) {
    if (!(error instanceof CanonicalizationError)) throw error;
    throw new RecordError(
      'unsignable-body',
      `the record cannot hold this (${error.message}): text must be valid Unicode`,
    );
  }
}

/** Builds this node's events; holds the key it signs with. */
export class EventBuilder {
  constructor(
    private readonly context: BuildContext,
    /** The key this node signs with now; a rotation replaces it. */
    public signer: Signer,
  ) {}

  /**
   * Builds, signs and indexes this node's next event on a line (LOG2, LOG4, LOG6); throws
   * RecordError when it may not be written.
   */
  buildAppend(job: AppendRequest, now: number, undo: (() => void)[]): LiaisonEvent {
    const line = this.context.lines.get(job.line);
    if (!line) throw new RecordError('unknown-line', `there is no line ${job.line}`);
    if (!line.members.includes(this.context.selfId))
      throw new RecordError('not-member', `this node is not a member of ${job.line}`);
    const isGenesis = job.type === 'line.created';
    if (!isGenesis && !this.context.index.isReady(job.line)) {
      throw new RecordError(
        'line-not-ready',
        `line ${job.line} has not received its genesis from its peer yet`,
      );
    }
    if (signableBytes(job.body).length > MAX_BODY_BYTES) {
      throw new RecordError('body-too-large', `an event body may hold at most ${MAX_BODY_BYTES} bytes`);
    }
    // The check every peer applies (LOG2): an event it would refuse must not be stored here either.
    if (job.type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(job.type)) {
      throw new RecordError(
        'bad-event-type',
        `${JSON.stringify(job.type)} is not a dotted lowercase event type`,
      );
    }
    const origins = this.context.index.origins(job.line);
    const ownHead = origins.get(this.context.selfId);
    const others = new Map<string, { id: string; seq: number; clock: number }>();
    for (const [origin, head] of origins) if (origin !== this.context.selfId) others.set(origin, head);
    const fields = nextEnvelopeFields(ownHead, others, this.context.selfId);
    const unsigned: UnsignedEnvelope = {
      v: ENVELOPE_VERSION,
      line: job.line,
      origin: this.context.selfId,
      seq: fields.seq,
      prev: fields.prev,
      clock: fields.clock,
      deps: fields.deps,
      ts: isoTime(now),
      author: job.author,
      type: job.type,
      body: job.body,
    };
    const event = signEvent(unsigned, this.signer);
    const depSeqs: Record<string, number> = {};
    for (const [origin, head] of others) depSeqs[origin] = head.seq;
    this.context.index.advance(event, depSeqs, undo);
    return event;
  }

  /**
   * Builds the `key.rotated` events of a rotation (one per line this node writes on), signed with
   * the old key, then makes the new key this node's signer for every later event (LOG5).
   */
  buildRotation(
    job: { signer: Signer; author: string },
    now: number,
    undo: (() => void)[],
    events: LiaisonEvent[],
  ): void {
    const oldSigner = this.signer;
    if (job.signer.publicKey === oldSigner.publicKey)
      throw new RecordError('same-key', 'the new key is the key in use');
    const lines = [...this.context.lines.values()]
      .filter((line) => line.members.includes(this.context.selfId) && this.context.index.isReady(line.id))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const line of lines) {
      const seq = (this.context.index.get(line.id, this.context.selfId)?.seq ?? 0) + 1;
      const body = rotationBody(line.id, this.context.selfId, seq, oldSigner.publicKey, job.signer);
      const event = this.buildAppend(
        { line: line.id, author: job.author, type: KEY_ROTATED_EVENT_TYPE, body },
        now,
        undo,
      );
      const rotation = parseRotation(event);
      if (typeof rotation === 'string') throw new Error(`own rotation does not parse: ${rotation}`);
      undo.push(this.context.keys.add(rotation).undo);
      events.push(event);
    }
    this.signer = job.signer;
    undo.push(() => {
      this.signer = oldSigner;
    });
  }
}
