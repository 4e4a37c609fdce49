/**
 * The timeline of an encounter's thread for its dossier (ENC5): every event of the thread, in
 * the LOG7 order the export holds them, as one entry each: when, which node and person, what
 * happened in the reader's words, and its details — the report submitted, who saw and who
 * acknowledged the item (within its deadline or after it), consultation, each message (templated
 * ones rendered in the reader's language, HOT6; free text as written), each translation, the
 * close with its outcome, delivery records, link states, escalations and calls.
 *
 * Messages are numbered M1, M2 … in the order they appear, so a seen mark, an acknowledgement or a
 * translation names the message it is about. Pure: events in, entries out. A body that does not
 * read gives an entry without details rather than an error (a peer's newer or hostile event).
 */
import { formatTime } from '../core/phrasebook/format.ts';
import { readTemplateRef, tryRenderTemplate } from '../core/phrasebook/render.ts';
import { isLanguage, type Language } from '../core/phrasebook/types.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { readMarkTarget, readMessageBody } from '../record/projection.ts';
import { codeName, DOSSIER_WORDS } from './dossierStrings.ts';

/** One line of the timeline. */
export interface TimelineEntry {
  /** The event's time (its node's clock). */
  at: string;
  origin: string;
  author: string;
  /** What happened, in the reader's language. */
  label: string;
  /** Further lines: the message's text, the reply, the outcome … (plain text, not HTML). */
  details: string[];
  /** The report's item to acknowledge (shown apart). */
  isItem: boolean;
}

/** What the timeline needs to know about the encounter. */
export interface TimelineContext {
  language: Language;
  /** The event id of the report's item to acknowledge, if any. */
  itemId: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(body: unknown, name: string): string | null {
  return isRecord(body) && typeof body[name] === 'string' ? body[name] : null;
}

/** A message's text for a reader: a templated one rendered in their language, else as written. */
export function messageText(body: Record<string, unknown>, language: Language): string {
  const ref = readTemplateRef(body);
  const rendered = ref ? tryRenderTemplate(ref.template, ref.params, language, { timeZone: 'UTC' }) : null;
  return rendered ?? (typeof body.text === 'string' ? body.text : '');
}

/** Builds the timeline from the thread's events in LOG7 order. */
export function buildTimeline(events: readonly LiaisonEvent[], context: TimelineContext): TimelineEntry[] {
  const { language } = context;
  const words = DOSSIER_WORDS[language].timeline;
  /** message id → its number and deadline. */
  const messages = new Map<string, { name: string; deadline: string | null }>();
  const nameOf = (id: string | null) => (id ? (messages.get(id)?.name ?? `…${id.slice(-8)}`) : '?');

  const detailsOf = (event: LiaisonEvent): { details: string[]; label?: string } => {
    const body = event.body;
    switch (event.type) {
      case 'line.created': {
        const members = Array.isArray(body.members) ? body.members.filter((m) => typeof m === 'string') : [];
        return { details: [words.threadMembers(members.join(', '))] };
      }
      case 'message.posted': {
        const posted = readMessageBody(body);
        const name = `M${messages.size + 1}`;
        messages.set(event.id, { name, deadline: posted?.deadline ?? null });
        const head = posted
          ? `${name} · ${posted.precedence} · ${DOSSIER_WORDS[language].fields.deadline}: ${formatTime(language, posted.deadline)}`
          : name;
        const attachments = Array.isArray(body.attachments)
          ? body.attachments.filter((a) => typeof a === 'string')
          : [];
        return {
          details: [head, messageText(body, language), ...attachments.map((a) => `📎 ${a}`)],
          ...(event.id === context.itemId
            ? { label: `${words.events['message.posted']} — ${words.item}` }
            : {}),
        };
      }
      case 'encounter.submitted':
        return { details: [words.reportRef(stringField(body, 'ref') ?? '?')] };
      case 'message.seen':
        return { details: [words.onMessage(nameOf(readMarkTarget(body)))] };
      case 'message.acknowledged': {
        const target = readMarkTarget(body);
        const deadline = target ? messages.get(target)?.deadline : null;
        const timing = deadline
          ? Date.parse(event.ts) <= Date.parse(deadline)
            ? DOSSIER_WORDS[language].values.inTime
            : DOSSIER_WORDS[language].values.late
          : null;
        const reply = stringField(body, 'text');
        return {
          details: [
            [words.onMessage(nameOf(target)), timing].filter((part) => part !== null).join(' · '),
            ...(reply ? [`${words.reply}: ${reply}`] : []),
          ],
        };
      }
      case 'message.translated': {
        const into = isLanguage(body.language)
          ? words.into(DOSSIER_WORDS[language].languageNames[body.language])
          : null;
        return {
          details: [
            [words.onMessage(nameOf(readMarkTarget(body))), into].filter((part) => part !== null).join(' · '),
            stringField(body, 'text') ?? '',
          ],
        };
      }
      case 'encounter.state':
        return body.state === 'consultation'
          ? { details: [] }
          : { details: [String(body.state ?? '')], label: event.type };
      case 'encounter.closed':
        return {
          details: [`${DOSSIER_WORDS[language].fields.outcome}: ${stringField(body, 'outcome') ?? ''}`],
        };
      case 'heads.recorded': {
        const heads = isRecord(body.heads) ? body.heads : {};
        return {
          details: Object.entries(heads)
            .filter(([origin]) => origin !== event.origin)
            .map(([origin, head]) => words.holds(origin, isRecord(head) ? Number(head.seq) : Number.NaN)),
        };
      }
      case 'escalation.raised': {
        const roles = Array.isArray(body.roles) ? body.roles.filter((r) => typeof r === 'string') : [];
        const step = typeof body.step === 'number' ? body.step : 0;
        return {
          details: [
            `${words.onMessage(nameOf(readMarkTarget(body)))} · ${words.escalation(step, roles.join(', '))}`,
          ],
        };
      }
      case 'call.started':
        return {
          details: [
            [stringField(body, 'media'), stringField(body, 'callee')]
              .filter((part) => part !== null)
              .map((part) => codeName(language, part))
              .join(' → '),
          ],
        };
      case 'call.ended': {
        const reason = stringField(body, 'reason');
        return { details: reason ? [codeName(language, reason)] : [] };
      }
      case 'key.rotated':
        return { details: [words.keyRotated] };
      case 'link.state': {
        const [peer, state] = [stringField(body, 'peer'), stringField(body, 'state')];
        return { details: peer && state ? [`${event.origin} → ${peer}: ${codeName(language, state)}`] : [] };
      }
      case 'link.skew': {
        const offset = typeof body.clockOffsetMs === 'number' ? `${Math.round(body.clockOffsetMs)} ms` : '';
        return { details: [[stringField(body, 'peer'), offset].filter((part) => part).join(': ')] };
      }
      default:
        return { details: [] };
    }
  };

  return events.map((event) => {
    const { details, label } = detailsOf(event);
    return {
      at: event.ts,
      origin: event.origin,
      author: event.author,
      label: label ?? words.events[event.type] ?? event.type,
      details: details.filter((line) => line !== ''),
      isItem: event.type === 'message.posted' && event.id === context.itemId,
    };
  });
}
