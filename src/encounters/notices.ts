/**
 * Activity notices (ENC3): a side announces exercises, firings, launches or flight operations in
 * an area (polygon or circle), a time window and an altitude band, with a contact point; the peer
 * acknowledges; both consoles show the area on the map while it is in force, and an encounter
 * inside a notified area and window says so on both sides.
 *
 * Issuing writes, on the hotline: the item the peer acknowledges (a `notice.activity.area`
 * phrasebook message, PRIORITY unless given, so its deadline, state and escalation are a
 * message's, readable in each reader's language), then `notice.issued {notice, …}` with the
 * structured notice. The notice's id is that item's event id. `notice.withdrawn {notice}` ends it
 * early. Views are computed from the events (no projection table).
 */
import type { Clock } from '../core/clock.ts';
import { type FieldIssue, type NoticeInput, noticeProblems, noticeSchema } from '../core/encounter.ts';
import { type Area, isInsideArea, type LatLon } from '../core/geo.ts';
import { sortLog7 } from '../core/order.ts';
import type { JsonObject, LiaisonEvent, Precedence } from '../core/types.ts';
import type { Hotline, MessageView } from '../hotline/messages.ts';
import { type Ledger, RecordError } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { InvalidReport } from './encounters.ts';
import { openHotline } from './hotlines.ts';

export const NOTICE_EVENT_TYPES = ['notice.issued', 'notice.withdrawn'] as const;

/** A notice as the API and the map show it. */
export interface NoticeView extends NoticeInput {
  id: string;
  line: string;
  origin: string;
  author: string;
  issuedAt: string;
  withdrawnAt: string | null;
  /** In force now: inside its window and not withdrawn. */
  inForce: boolean;
  /** The item the peer acknowledges. */
  acknowledgement: MessageView | null;
}

interface Folded extends NoticeInput {
  id: string;
  line: string;
  origin: string;
  author: string;
  issuedAt: string;
  withdrawnAt: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Folds notice events (LOG7 order); a body that does not read is skipped. */
export function foldNotices(events: readonly LiaisonEvent[]): Map<string, Folded> {
  const notices = new Map<string, Folded>();
  for (const event of events) {
    const body = event.body;
    if (!isRecord(body) || typeof body.notice !== 'string') continue;
    if (event.type === 'notice.issued') {
      const { notice, ...fields } = body;
      const parsed = noticeSchema.safeParse(fields);
      if (!parsed.success || notices.has(body.notice)) continue;
      notices.set(body.notice, {
        ...parsed.data,
        id: body.notice,
        line: event.line,
        origin: event.origin,
        author: event.author,
        issuedAt: event.ts,
        withdrawnAt: null,
      });
      void notice;
    } else if (event.type === 'notice.withdrawn') {
      const held = notices.get(body.notice);
      // Only the issuing node withdraws its notice.
      if (held && held.origin === event.origin && held.line === event.line) held.withdrawnAt ??= event.ts;
    }
  }
  return notices;
}

/** Whether a notice covers a place at a time: inside its area and window, not withdrawn by then. */
export function covers(notice: Folded | NoticeView, position: LatLon, at: string): boolean {
  const time = Date.parse(at);
  if (time < Date.parse(notice.from) || time >= Date.parse(notice.until)) return false;
  if (notice.withdrawnAt && Date.parse(notice.withdrawnAt) <= time) return false;
  return isInsideArea(position, notice.area as Area);
}

/** Validates a notice from the API. */
export function checkNotice(input: unknown): NoticeInput {
  const parsed = noticeSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidReport(
      parsed.error.issues.map((issue) => ({
        path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
        message: issue.message,
      })),
    );
  }
  const problems: FieldIssue[] = noticeProblems(parsed.data);
  if (problems.length > 0) throw new InvalidReport(problems);
  return parsed.data;
}

export interface NoticesContext {
  selfId: string;
  ledger: Ledger;
  store: Store;
  hotline: Hotline;
  clock: Clock;
}

export class Notices {
  constructor(private readonly context: NoticesContext) {}

  /** Every notice held here, newest first. */
  async list(): Promise<NoticeView[]> {
    const folded = await this.folded();
    const now = this.context.clock.now();
    const views: NoticeView[] = [];
    for (const notice of folded.values()) {
      const inForce =
        notice.withdrawnAt === null && Date.parse(notice.from) <= now && now < Date.parse(notice.until);
      views.push({ ...notice, inForce, acknowledgement: await this.context.hotline.view(notice.id) });
    }
    return views.sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  }

  /**
   * Reads the notices once; the function names those that covered a place at a time (an
   * encounter inside a notified area, ENC3).
   */
  async matcher(): Promise<(position: LatLon, at: string) => string[]> {
    const notices = [...(await this.folded()).values()];
    return (position, at) => notices.filter((n) => covers(n, position, at)).map((n) => n.id);
  }

  private async folded(): Promise<Map<string, Folded>> {
    const stored = await this.context.store.eventsOfTypes(NOTICE_EVENT_TYPES);
    return foldNotices(sortLog7(stored.map((s) => s.event)));
  }

  /** Issues a notice on a hotline (the node's only open one when `line` is not given). */
  async issue(
    author: string,
    notice: NoticeInput,
    line?: string,
    precedence: Precedence = 'PRIORITY',
  ): Promise<NoticeView> {
    const hotline = openHotline(this.context.ledger, this.context.hotline, line).id;
    const item = await this.context.hotline.post(hotline, author, {
      template: 'notice.activity.area',
      params: { title: notice.title, from: notice.from, until: notice.until },
      precedence,
    });
    await this.context.ledger.append(hotline, author, 'notice.issued', {
      notice: item.event.id,
      ...(notice as unknown as JsonObject),
    });
    const view = (await this.list()).find((n) => n.id === item.event.id);
    if (!view) throw new RecordError('unknown-notice', 'the notice was not read back');
    return view;
  }

  /** Withdraws one of this node's notices. */
  async withdraw(id: string, author: string): Promise<NoticeView> {
    const held = (await this.list()).find((n) => n.id === id);
    if (!held) throw new RecordError('unknown-notice', `there is no notice ${id}`);
    if (held.origin !== this.context.selfId) {
      throw new RecordError('not-our-notice', 'only the side that issued a notice withdraws it');
    }
    if (held.withdrawnAt) return held;
    await this.context.ledger.append(held.line, author, 'notice.withdrawn', { notice: id });
    return (await this.list()).find((n) => n.id === id) ?? held;
  }
}
