/**
 * The blob exchange (FED11, LOG11): blobs travel apart from events, fetched by hash in chunks
 * over the federation link, and are checked against their hash before they are kept.
 *
 * Fetching. When an event naming `attachments` is stored here (pushed by a peer, at catch-up, or
 * found by the scan at start), every named blob this node lacks is wanted: an empty partial
 * file is made under `DATA/blobs/partial/` (so wanted blobs survive a restart) and the blob is
 * asked, one chunk at a time, from a peer that shares a line referencing it:
 * `blob.get {hash, offset, length}`, answered by `blob.chunk {hash, offset, total, data}` or
 * `blob.missing {hash}`. The offset is always the size of the partial file, so a fetch cut by a
 * lost link resumes where it stopped, from whichever peer is up. A finished blob is hashed; one
 * that does not hash to its name is refused, counted, logged and asked from another peer (or
 * the same one later). A peer that says it lacks the blob, or does not answer in time, is
 * asked again after `retryMs`.
 *
 * Events first: each link carries at most MAX_REQUESTS_PER_LINK chunk requests at a time, and
 * a chunk is only sent while the socket's unsent bytes are below SERVE_BUFFER_BYTES, so an
 * event batch never queues behind more than about one chunk.
 *
 * A hostile peer: a chunk for a blob not asked of it, at another offset, larger than asked, or
 * with a total that is too large or changes, is refused (counted in /metrics by reason and
 * logged) and nothing of it is written; the blob is asked elsewhere. A peer that queues more
 * than MAX_SERVE_QUEUE requests is cut off (flooding).
 *
 * Serving. A blob is given only to a peer that shares a line on which an event references it,
 * so a blob never leaves for a node that could not read the event naming it (local notes
 * included, SEC5). The references are learnt from every stored event: at start by a scan of the
 * record (in the background; requests wait for it), then as events are committed.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { attachmentsOf } from '../core/blobCheck.ts';
import type { Clock } from '../core/clock.ts';
import type { BlobStore } from '../node/blobStore.ts';
import type { Logger } from '../record/ledger.ts';
import type { BlobFrame, CloseReason } from './protocol.ts';

/** Default size of the chunks this node asks for. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Chunk requests one link carries at a time (several blobs may share them). */
export const MAX_REQUESTS_PER_LINK = 3;
/** A chunk waits while the link has more unsent bytes than this (events go first). */
export const SERVE_BUFFER_BYTES = 1024 * 1024;
/** Unanswered requests a peer may queue here before it is cut off. */
export const MAX_SERVE_QUEUE = 16;

/** What the exchange needs of a link (src/federation/link.ts's Link has it). */
export interface BlobPeerLink {
  readonly peerId: string | null;
  readonly isOpen: boolean;
  readonly bufferedBytes: number;
  sendBlobFrame(frame: BlobFrame): void;
  close(reason: CloseReason, message?: string): void;
}

/** Why a chunk or a blob from a peer was refused (label of `liaison_blob_refusals_total`). */
export type BlobRefusal =
  | 'unrequested'
  | 'wrong-offset'
  | 'oversized-chunk'
  | 'malformed-chunk'
  | 'bad-total'
  | 'too-large'
  | 'hash-mismatch';

export interface BlobExchangeOptions {
  blobs: BlobStore;
  logger: Logger;
  clock: Clock;
  /** Non-local lines this node shares with a peer. */
  sharedLines(peer: string): string[];
  /** The largest blob this node takes from a peer. */
  maxBlobBytes: number;
  chunkBytes?: number;
  /** How long a peer that lacks a blob (or served a bad one) is left alone; default 5 s. */
  retryMs?: number;
  /** How long a chunk request may stay unanswered; default 30 s. */
  requestTimeoutMs?: number;
  onRefused?(reason: BlobRefusal, peer: string): void;
  onFetched?(hash: string, size: number): void;
}

/** What the exchange reads of an event (a LiaisonEvent has it). */
export interface ReferencingEvent {
  line: string;
  body: unknown;
}

/** What the scan at start reads of the store (the Store has it). */
export interface RecordReader {
  eventsSince(
    cursor: number,
    limit: number,
    lines: null,
  ): Promise<readonly { arrival: number; event: ReferencingEvent }[]>;
}

interface Request {
  link: BlobPeerLink;
  offset: number;
  length: number;
  timer: NodeJS.Timeout;
}

interface Want {
  hash: string;
  request: Request | null;
  /** Hashing and moving the finished blob: no requests meanwhile. */
  isCompleting: boolean;
  /** The peer the last chunk came from, and the total it claimed. */
  source: BlobPeerLink | null;
  total: number | null;
  /** peer → until when it is not asked for this blob (it lacked it, or served it wrong). */
  resting: Map<string, number>;
}

interface LinkSlot {
  requests: number;
  serveQueue: Extract<BlobFrame, { t: 'blob.get' }>[];
  isServing: boolean;
}

export class BlobExchange {
  private readonly refs = new Map<string, Set<string>>();
  private readonly wanted = new Map<string, Want>();
  private readonly links = new Map<BlobPeerLink, LinkSlot>();
  private readonly chunkBytes: number;
  private readonly retryMs: number;
  private readonly requestTimeoutMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = Number.POSITIVE_INFINITY;
  private scanned: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: BlobExchangeOptions) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.retryMs = options.retryMs ?? 5_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Blobs wanted and not yet held. */
  get wantedCount(): number {
    return this.wanted.size;
  }

  /** Whether a blob is wanted (being fetched). */
  isWanted(hash: string): boolean {
    return this.wanted.has(hash);
  }

  /**
   * Learns the references of the whole record (in the background) and resumes the fetches the
   * partial files name. Requests from peers wait until it is done.
   */
  start(store: RecordReader): Promise<void> {
    this.scanned = (async () => {
      let cursor = 0;
      for (;;) {
        if (this.stopped) return;
        const page = await store.eventsSince(cursor, 1000, null);
        if (page.length === 0) break;
        this.noteEvents(page.map((s) => s.event));
        cursor = page[page.length - 1]?.arrival ?? cursor;
      }
      // A partial file that no held event references is left from a record since replaced.
      for (const hash of this.options.blobs.listPartial()) {
        if (!this.refs.has(hash)) this.options.blobs.dropPartial(hash);
      }
    })().catch((error: Error) =>
      this.options.logger.error({ err: error.message }, 'could not scan the record for blobs'),
    );
    return this.scanned;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const want of this.wanted.values()) if (want.request) clearTimeout(want.request.timer);
  }

  /** Called with every committed batch: learns references and wants the blobs not held. */
  noteEvents(events: readonly ReferencingEvent[]): void {
    let isNew = false;
    for (const event of events) {
      for (const hash of attachmentsOf(event.body)) {
        const lines = this.refs.get(hash) ?? new Set<string>();
        lines.add(event.line);
        this.refs.set(hash, lines);
        if (this.wanted.has(hash) || this.options.blobs.has(hash)) continue;
        this.options.blobs.partialSize(hash); // marks it wanted on disk
        this.wanted.set(hash, {
          hash,
          request: null,
          isCompleting: false,
          source: null,
          total: null,
          resting: new Map(),
        });
        isNew = true;
      }
    }
    if (isNew) this.pump();
  }

  // --- LinkContext.blobs hooks ---

  opened(link: BlobPeerLink): void {
    this.links.set(link, { requests: 0, serveQueue: [], isServing: false });
    this.pump();
  }

  closed(link: BlobPeerLink): void {
    this.links.delete(link);
    for (const want of this.wanted.values()) {
      if (want.request?.link === link) this.endRequest(want);
      if (want.source === link) want.source = null;
    }
    this.pump();
  }

  frame(link: BlobPeerLink, frame: BlobFrame): void {
    if (this.stopped) return;
    switch (frame.t) {
      case 'blob.get':
        this.queueServe(link, frame);
        return;
      case 'blob.chunk':
        this.onChunk(link, frame);
        return;
      case 'blob.missing':
        this.onMissing(link, frame.hash);
        return;
    }
  }

  // --- Fetching ---

  /** Asks for the next chunk of every wanted blob that has no request out, while links allow. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const want of this.wanted.values()) {
      if (want.request || want.isCompleting) continue;
      const lines = this.refs.get(want.hash);
      let chosen: BlobPeerLink | null = null;
      for (const [link, slot] of this.links) {
        const peer = link.peerId;
        if (!peer || !link.isOpen || slot.requests >= MAX_REQUESTS_PER_LINK) continue;
        if (!lines || !this.options.sharedLines(peer).some((line) => lines.has(line))) continue;
        const restUntil = want.resting.get(peer) ?? 0;
        if (restUntil > now) {
          nextRetry = Math.min(nextRetry, restUntil);
          continue;
        }
        // Stay with the peer that served the last chunk, so its total keeps meaning something.
        if (!chosen || link === want.source) chosen = link;
      }
      if (chosen) this.request(want, chosen);
    }
    if (nextRetry < this.retryAt) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryAt = nextRetry;
      this.retryTimer = setTimeout(
        () => {
          this.retryTimer = null;
          this.retryAt = Number.POSITIVE_INFINITY;
          this.pump();
        },
        Math.max(10, nextRetry - now),
      );
      this.retryTimer.unref();
    }
  }

  private request(want: Want, link: BlobPeerLink): void {
    const slot = this.links.get(link);
    if (!slot) return;
    const offset = this.options.blobs.partialSize(want.hash);
    const timer = setTimeout(() => {
      if (want.request?.timer !== timer) return;
      this.options.logger.warn(
        { peer: link.peerId, hash: want.hash, offset },
        'blob chunk not answered in time',
      );
      this.rest(want, link);
      this.endRequest(want);
      this.pump();
    }, this.requestTimeoutMs);
    timer.unref();
    want.request = { link, offset, length: this.chunkBytes, timer };
    slot.requests += 1;
    link.sendBlobFrame({ t: 'blob.get', hash: want.hash, offset, length: this.chunkBytes });
  }

  private endRequest(want: Want): void {
    const request = want.request;
    if (!request) return;
    clearTimeout(request.timer);
    want.request = null;
    const slot = this.links.get(request.link);
    if (slot) slot.requests = Math.max(0, slot.requests - 1);
  }

  private rest(want: Want, link: BlobPeerLink): void {
    if (link.peerId) want.resting.set(link.peerId, this.options.clock.now() + this.retryMs);
  }

  private refuse(want: Want | undefined, link: BlobPeerLink, reason: BlobRefusal, detail: object): void {
    const peer = link.peerId ?? '?';
    this.options.logger.warn({ peer, reason, ...detail }, 'refused a blob chunk from a peer');
    this.options.onRefused?.(reason, peer);
    if (!want) return;
    this.rest(want, link);
    if (want.source === link) {
      want.source = null;
      want.total = null;
    }
    if (want.request?.link === link) this.endRequest(want);
    this.pump();
  }

  private onMissing(link: BlobPeerLink, hash: string): void {
    const want = this.wanted.get(hash);
    if (!want || want.request?.link !== link) return; // an answer to nothing asked: nothing to do
    this.options.logger.info({ peer: link.peerId, hash }, 'peer does not hold the blob; asking elsewhere');
    this.rest(want, link);
    this.endRequest(want);
    this.pump();
  }

  private onChunk(link: BlobPeerLink, frame: Extract<BlobFrame, { t: 'blob.chunk' }>): void {
    const { hash, offset, total } = frame;
    const want = this.wanted.get(hash);
    const request = want?.request;
    if (!want || !request || request.link !== link) {
      this.refuse(undefined, link, 'unrequested', { hash, offset });
      return;
    }
    if (offset !== request.offset) {
      this.refuse(want, link, 'wrong-offset', { hash, offset, asked: request.offset });
      return;
    }
    if (total > this.options.maxBlobBytes) {
      this.refuse(want, link, 'too-large', { hash, total, limit: this.options.maxBlobBytes });
      return;
    }
    if (want.source === link && want.total !== null && want.total !== total) {
      this.refuse(want, link, 'bad-total', { hash, total, before: want.total });
      return;
    }
    // Base64 of `length` bytes is at most this long: anything longer is refused undecoded.
    if (frame.data.length > Math.ceil(request.length / 3) * 4) {
      this.refuse(want, link, 'oversized-chunk', { hash, offset, chars: frame.data.length });
      return;
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(frame.data) || frame.data.length % 4 !== 0) {
      this.refuse(want, link, 'malformed-chunk', { hash, offset });
      return;
    }
    const data = Buffer.from(frame.data, 'base64');
    if (data.byteLength > request.length) {
      this.refuse(want, link, 'oversized-chunk', { hash, offset, bytes: data.byteLength });
      return;
    }
    if (offset > total) {
      // What was fetched before is longer than the blob: start it again.
      this.endRequest(want);
      this.options.blobs.dropPartial(hash);
      this.options.blobs.partialSize(hash);
      this.pump();
      return;
    }
    if (offset + data.byteLength > total || (data.byteLength === 0 && offset < total)) {
      this.refuse(want, link, 'bad-total', { hash, offset, bytes: data.byteLength, total });
      return;
    }
    this.endRequest(want);
    want.source = link;
    want.total = total;
    if (!this.options.blobs.appendPartial(hash, offset, data)) {
      this.pump(); // the file moved on (or was dropped): ask again from its size
      return;
    }
    if (offset + data.byteLength < total) {
      this.pump();
      return;
    }
    want.isCompleting = true;
    void this.complete(want, link, total);
  }

  private async complete(want: Want, link: BlobPeerLink, total: number): Promise<void> {
    let isWhole = false;
    try {
      isWhole = await this.options.blobs.completePartial(want.hash);
    } catch (error) {
      this.options.logger.error({ hash: want.hash, err: (error as Error).message }, 'could not store a blob');
    }
    want.isCompleting = false;
    if (isWhole) {
      this.wanted.delete(want.hash);
      this.options.logger.info({ hash: want.hash, size: total, peer: link.peerId }, 'blob fetched');
      this.options.onFetched?.(want.hash, total);
      this.pump();
      return;
    }
    // completePartial dropped the bytes; fetching starts again from 0, from another peer first.
    this.options.blobs.partialSize(want.hash);
    this.options.logger.error(
      { peer: link.peerId, hash: want.hash, size: total },
      'a fetched blob does not hash to its name (LOG11): refused',
    );
    this.refuse(want, link, 'hash-mismatch', { hash: want.hash });
  }

  // --- Serving ---

  private queueServe(link: BlobPeerLink, frame: Extract<BlobFrame, { t: 'blob.get' }>): void {
    const slot = this.links.get(link);
    if (!slot) return;
    if (slot.serveQueue.length >= MAX_SERVE_QUEUE) {
      link.close('flooding', 'too many unanswered blob requests');
      return;
    }
    slot.serveQueue.push(frame);
    if (!slot.isServing) void this.serve(link, slot);
  }

  /** Answers a link's requests in order, each chunk only once the link's send buffer drained. */
  private async serve(link: BlobPeerLink, slot: LinkSlot): Promise<void> {
    slot.isServing = true;
    try {
      await this.scanned;
      for (;;) {
        const frame = slot.serveQueue[0];
        if (!frame || !link.isOpen || this.stopped) break;
        while (link.isOpen && link.bufferedBytes > SERVE_BUFFER_BYTES) await sleep(20);
        slot.serveQueue.shift();
        if (!link.isOpen) break;
        link.sendBlobFrame(this.answer(link.peerId ?? '', frame));
      }
    } catch (error) {
      this.options.logger.error(
        { peer: link.peerId, err: (error as Error).message },
        'could not serve a blob',
      );
    } finally {
      slot.isServing = false;
    }
  }

  private answer(peer: string, frame: Extract<BlobFrame, { t: 'blob.get' }>): BlobFrame {
    const { hash, offset } = frame;
    const lines = this.refs.get(hash);
    const isShared = lines !== undefined && this.options.sharedLines(peer).some((line) => lines.has(line));
    const range = isShared ? this.options.blobs.readRange(hash, offset, frame.length) : null;
    if (!range) return { t: 'blob.missing', hash };
    return { t: 'blob.chunk', hash, offset, total: range.total, data: range.data.toString('base64') };
  }
}

/**
 * The exchange's figures in /metrics: `liaison_blob_refusals_total{reason, peer}`,
 * `liaison_blobs_fetched_total` and `liaison_blobs_wanted`. Returns the callbacks to give the
 * exchange.
 */
export function blobMetrics(
  registry: Registry,
  wantedCount: () => number,
): Required<Pick<BlobExchangeOptions, 'onRefused' | 'onFetched'>> {
  const refusals = new Counter({
    name: 'liaison_blob_refusals_total',
    help: 'Blob chunks or whole blobs from peers refused, by reason (FED11, LOG11).',
    labelNames: ['reason', 'peer'],
    registers: [registry],
  });
  const fetched = new Counter({
    name: 'liaison_blobs_fetched_total',
    help: 'Blobs fetched from peers and checked against their hash (FED11).',
    registers: [registry],
  });
  new Gauge({
    name: 'liaison_blobs_wanted',
    help: 'Blobs referenced by held events that this node does not hold yet (FED11).',
    registers: [registry],
    collect() {
      this.set(wantedCount());
    },
  });
  return {
    onRefused: (reason, peer) => refusals.inc({ reason, peer }),
    onFetched: () => fetched.inc(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
