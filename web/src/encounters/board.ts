/**
 * The encounter board's rules (ENC1, ENC2; CON1): which encounters show under which state, in
 * what order, which pass the filters and the search, and the acknowledgement of each in words
 * with its tone for the icon — overdue said in words, never by colour alone.
 *
 * Pure: the current time and this node's id are arguments.
 */
import type { Language } from '../../../src/core/phrasebook/types.ts';
import type { Domain, Encounter, EncounterState, Severity } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatSpan } from '../time.ts';

/** The event types that change what the board shows, counted on the stream to re-read it. */
export const ENCOUNTER_TRIGGER_TYPES: readonly string[] = [
  'encounter.drafted',
  'encounter.submitted',
  'encounter.state',
  'encounter.closed',
  'message.acknowledged',
];

/** The board's sections, in order; drafts of this node come apart, first. */
export const BOARD_STATES = ['submitted', 'acknowledged', 'consultation', 'closed'] as const;

export type BoardState = (typeof BOARD_STATES)[number];

/** `all` or one value. */
export interface BoardFilters {
  state: EncounterState | 'all';
  severity: Severity | 'all';
  domain: Domain | 'all';
  /** Words to find in the ref, the platforms and the narrative. */
  query: string;
}

export const NO_FILTERS: BoardFilters = { state: 'all', severity: 'all', domain: 'all', query: '' };

/** The text the search looks in: ref, platforms (kind, name, hull, tail, call sign), narrative. */
export function searchableText(encounter: Encounter): string {
  const { report } = encounter;
  const platforms = [...report.ownPlatforms, ...report.otherPlatforms].flatMap((p) => [
    p.kind,
    p.name,
    p.hull ?? '',
    p.tail ?? '',
    p.callSign ?? '',
  ]);
  return [encounter.ref, ...platforms, report.narrative].join('\n').toLocaleLowerCase();
}

/** Whether an encounter passes the filters; every word of the query must be found. */
export function matchesFilters(encounter: Encounter, filters: BoardFilters): boolean {
  if (filters.state !== 'all' && encounter.state !== filters.state) return false;
  if (filters.severity !== 'all' && encounter.report.severity !== filters.severity) return false;
  if (filters.domain !== 'all' && encounter.report.domain !== filters.domain) return false;
  const words = filters.query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = searchableText(encounter);
  return words.every((word) => text.includes(word));
}

/** What the board lists: this node's drafts, then each state's encounters. */
export interface BoardSections {
  drafts: Encounter[];
  byState: Record<BoardState, Encounter[]>;
}

const byAgeOldestFirst = (a: Encounter, b: Encounter) => Date.parse(a.at) - Date.parse(b.at);
const byNewestFirst = (a: Encounter, b: Encounter) => Date.parse(b.at) - Date.parse(a.at);

/**
 * Sorts the encounters that pass the filters into sections: open ones oldest first (the one
 * waiting longest on top), closed ones newest first. A peer's draft never reaches a board (the
 * node never sends one); a draft of ours shows in its own section.
 */
export function boardSections(encounters: readonly Encounter[], filters: BoardFilters): BoardSections {
  const shown = encounters.filter((encounter) => matchesFilters(encounter, filters));
  const inState = (state: BoardState) => shown.filter((encounter) => encounter.state === state);
  return {
    drafts: shown.filter((encounter) => encounter.state === 'draft').sort(byNewestFirst),
    byState: {
      submitted: inState('submitted').sort(byAgeOldestFirst),
      acknowledged: inState('acknowledged').sort(byAgeOldestFirst),
      consultation: inState('consultation').sort(byAgeOldestFirst),
      closed: inState('closed').sort(byNewestFirst),
    },
  };
}

/**
 * How long ago an encounter was reported ("3 h 05 min ago"); a peer's clock a little ahead of
 * ours never makes it "in 0 s".
 */
export function ageText(at: string, nowMs: number): string {
  return t('time.ago', { span: formatSpan(Math.max(0, nowMs - Date.parse(at))) });
}

/** The tone of an acknowledgement, for its icon. */
export type AckTone = 'none' | 'awaiting' | 'acknowledged' | 'overdue';

export interface AckWords {
  tone: AckTone;
  text: string;
}

/** Whether the item is past its deadline without an acknowledgement, on the reader's clock. */
export function isAckOverdue(encounter: Encounter, nowMs: number): boolean {
  const item = encounter.acknowledgement;
  if (item === null || item.state === 'acknowledged') return false;
  return item.state === 'overdue' || nowMs > Date.parse(item.deadline);
}

/**
 * The acknowledgement in words: by whom and when; or, while awaited, who owes it and the time
 * left; or that it is overdue and by how long. `selfId` tells our reports from the peer's.
 */
export function acknowledgementWords(encounter: Encounter, selfId: string, nowMs: number): AckWords {
  const item = encounter.acknowledgement;
  if (item === null) return { tone: 'none', text: t('encounters.ack.none') };
  const isOurs = encounter.origin === selfId;
  if (item.state === 'acknowledged') {
    return {
      tone: 'acknowledged',
      text: t('encounters.ack.acknowledged', {
        who: item.ackedBy ?? '—',
        time: item.ackedAt === null ? '—' : formatDualTime(item.ackedAt, new Date(nowMs)),
      }),
    };
  }
  const deadlineMs = Date.parse(item.deadline);
  if (isAckOverdue(encounter, nowMs)) {
    const span = formatSpan(Math.max(0, nowMs - deadlineMs));
    return {
      tone: 'overdue',
      text: isOurs ? t('encounters.ack.overdueOurs', { span }) : t('encounters.ack.overdueTheirs', { span }),
    };
  }
  const span = formatSpan(Math.max(0, deadlineMs - nowMs));
  return {
    tone: 'awaiting',
    text: isOurs ? t('encounters.ack.awaitingPeer', { span }) : t('encounters.ack.toAcknowledge', { span }),
  };
}

/** How many reports of the peer still await this node's acknowledgement. */
export function awaitingOurAcknowledgement(encounters: readonly Encounter[], selfId: string): number {
  return encounters.filter(
    (encounter) =>
      encounter.origin !== selfId &&
      encounter.acknowledgement !== null &&
      encounter.acknowledgement.state !== 'acknowledged',
  ).length;
}

/** Open encounters: submitted, acknowledged or in consultation. */
export function openCount(encounters: readonly Encounter[]): number {
  return encounters.filter((e) => e.state !== 'draft' && e.state !== 'closed').length;
}

/** A behaviour's name in a language, or its code when the list does not know it. */
export function behaviourName(
  behaviours: readonly { code: string; name: Record<Language, string> }[],
  code: string,
  language: Language,
): string {
  return behaviours.find((b) => b.code === code)?.name[language] ?? code;
}
