/**
 * Encounter reports and their workflow (ENC1, ENC2, HOT1).
 *
 * A draft is an `encounter.drafted {encounter, report}` event on the node's local line, never sent;
 * a later draft of the same id replaces it. Submitting opens a thread line for the encounter with
 * the hotline's members (HOT1: the encounter's own line, where it is discussed) and writes on it,
 * in order:
 * 1. the item the peer must acknowledge: a `notice.encounter.sea|air` phrasebook message with the
 *    precedence of the report's severity (critical → FLASH …), so its deadline, state (HOT3) and
 *    escalation (HOT4) are those of any message, and each reader sees it in their language;
 * 2. `encounter.submitted {encounter, ref, report, message}`: the report itself, naming that item.
 * The encounter's id is its thread line's id. The peer acknowledges by acknowledging the item;
 * either side then moves it to consultation (`encounter.state {encounter, state}`) and closes it
 * with an outcome (`encounter.closed {encounter, outcome}`). Every step is a signed event on the
 * thread, and the state is computed from them (no projection table, so it survives a rebuild).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import {
  type EncounterReport,
  encounterReportSchema,
  type FieldIssue,
  type RecordedReport,
  reportProblems,
  SEVERITY_PRECEDENCE,
} from '../core/encounter.ts';
import type { LatLon } from '../core/geo.ts';
import { sortLog7 } from '../core/order.ts';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import type { Hotline, MessageView } from '../hotline/messages.ts';
import { type Ledger, RecordError } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { type Approach, encounterApproach } from './approach.ts';
import { openHotline } from './hotlines.ts';

export const ENCOUNTER_EVENT_TYPES = [
  'encounter.drafted',
  'encounter.submitted',
  'encounter.state',
  'encounter.closed',
] as const;

export type EncounterState = 'draft' | 'submitted' | 'acknowledged' | 'consultation' | 'closed';

/** An encounter as the API and the board show it. */
export interface EncounterView {
  id: string;
  /** A short reference both sides quote, e.g. `ALPHA-20261127-3F2A`. */
  ref: string;
  state: EncounterState;
  /** The thread line (null for a draft). */
  line: string | null;
  origin: string;
  author: string;
  /** When it was submitted (or last drafted). */
  at: string;
  report: RecordedReport;
  /** The item the peer acknowledges (HOT3 state, deadline, who acknowledged). */
  acknowledgement: MessageView | null;
  approach: Approach | null;
  /** The activity notices whose area and window held the encounter (ENC3). */
  inNotifiedAreas: string[];
  consultationAt: string | null;
  closedAt: string | null;
  outcome: string | null;
}

/** A report that does not pass its checks: each field's problem (SEC3). */
export class InvalidReport extends Error {
  constructor(readonly fields: FieldIssue[]) {
    super(fields[0] ? `${fields[0].path}: ${fields[0].message}` : 'the report is not valid');
    this.name = 'InvalidReport';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a recorded report (a peer's included); null when it does not pass the schema. */
export function readReport(value: unknown): RecordedReport | null {
  const parsed = encounterReportSchema.safeParse(value);
  if (!parsed.success) return null;
  const { draft: _draft, ...report } = parsed.data;
  return report;
}

/** Validates a report from the API: the schema, then the checks across fields. */
export function checkReport(input: unknown, nowMs: number): EncounterReport {
  const parsed = encounterReportSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidReport(
      parsed.error.issues.map((issue) => ({
        path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
        message: issue.message,
      })),
    );
  }
  const problems = reportProblems(parsed.data, nowMs);
  if (problems.length > 0) throw new InvalidReport(problems);
  return parsed.data;
}

interface Folded {
  id: string;
  ref: string;
  line: string | null;
  origin: string;
  author: string;
  at: string;
  report: RecordedReport;
  message: string | null;
  isDraft: boolean;
  consultationAt: string | null;
  closedAt: string | null;
  outcome: string | null;
}

/**
 * Folds encounter events (in LOG7 order) into encounters; a body that does not read is skipped.
 * A draft counts only on its origin's own local line; a submission only on a thread line
 * (`isThread`, the line's kind as this node holds it), never on a hotline; a submission naming
 * the draft it came from (`fromDraft`) retires that draft.
 */
export function foldEncounters(
  events: readonly LiaisonEvent[],
  isThread: (line: string) => boolean = (line) => line.startsWith('line-'),
): Map<string, Folded> {
  const encounters = new Map<string, Folded>();
  for (const event of events) {
    const body = event.body;
    if (!isRecord(body) || typeof body.encounter !== 'string') continue;
    const id = body.encounter;
    switch (event.type) {
      case 'encounter.drafted': {
        const report = readReport(body.report);
        const held = encounters.get(id);
        if (!report || (held && !held.isDraft) || event.line !== `local-${event.origin}`) break;
        encounters.set(id, {
          id,
          ref: typeof body.ref === 'string' ? body.ref : id,
          line: null,
          origin: event.origin,
          author: event.author,
          at: event.ts,
          report,
          message: null,
          isDraft: true,
          consultationAt: null,
          closedAt: null,
          outcome: null,
        });
        break;
      }
      case 'encounter.submitted': {
        const report = readReport(body.report);
        // The encounter is its thread: the report must be on the line it names.
        if (!report || id !== event.line || !isThread(event.line) || encounters.get(id)?.isDraft === false)
          break;
        const draft = typeof body.fromDraft === 'string' ? encounters.get(body.fromDraft) : undefined;
        if (draft?.isDraft && draft.origin === event.origin) encounters.delete(draft.id);
        encounters.set(id, {
          id,
          ref: typeof body.ref === 'string' ? body.ref.slice(0, 64) : id,
          line: event.line,
          origin: event.origin,
          author: event.author,
          at: event.ts,
          report,
          message: typeof body.message === 'string' ? body.message : null,
          isDraft: false,
          consultationAt: null,
          closedAt: null,
          outcome: null,
        });
        break;
      }
      case 'encounter.state': {
        const held = encounters.get(id);
        if (!held || held.isDraft || held.line !== event.line || held.closedAt) break;
        if (body.state === 'consultation') held.consultationAt ??= event.ts;
        break;
      }
      case 'encounter.closed': {
        const held = encounters.get(id);
        if (!held || held.isDraft || held.line !== event.line || held.closedAt) break;
        held.closedAt = event.ts;
        held.outcome = typeof body.outcome === 'string' ? body.outcome.slice(0, 5000) : '';
        break;
      }
    }
  }
  return encounters;
}

/** The workflow state of a folded encounter, given its item's state. */
function stateOf(folded: Folded, acknowledgement: MessageView | null): EncounterState {
  if (folded.isDraft) return 'draft';
  if (folded.closedAt) return 'closed';
  if (folded.consultationAt) return 'consultation';
  return acknowledgement?.state === 'acknowledged' ? 'acknowledged' : 'submitted';
}

export interface EncountersContext {
  selfId: string;
  ledger: Ledger;
  store: Store;
  hotline: Hotline;
  clock: Clock;
  /**
   * Reads the notices once and gives a function naming those that covered a place at a time
   * (ENC3, `Notices.matcher`).
   */
  noticeMatcher?(): Promise<(position: LatLon, at: string) => string[]>;
}

export class Encounters {
  constructor(private readonly context: EncountersContext) {}

  private get localLine(): string {
    return `local-${this.context.selfId}`;
  }

  /** Every encounter held here (drafts of this node included), newest first. */
  async list(): Promise<EncounterView[]> {
    const stored = await this.context.store.eventsOfTypes(ENCOUNTER_EVENT_TYPES);
    const folded = foldEncounters(
      sortLog7(stored.map((s) => s.event)),
      (line) => this.context.ledger.getLine(line)?.kind === 'thread',
    );
    const covering = (await this.context.noticeMatcher?.()) ?? (() => []);
    const views: EncounterView[] = [];
    for (const encounter of folded.values()) views.push(await this.view(encounter, covering));
    return views.sort((a, b) => b.at.localeCompare(a.at));
  }

  /** One encounter, or null. */
  async get(id: string): Promise<EncounterView | null> {
    return (await this.list()).find((e) => e.id === id) ?? null;
  }

  private async view(
    folded: Folded,
    covering: (position: LatLon, at: string) => string[],
  ): Promise<EncounterView> {
    const acknowledgement = folded.message ? await this.context.hotline.view(folded.message) : null;
    return {
      id: folded.id,
      ref: folded.ref,
      state: stateOf(folded, acknowledgement),
      line: folded.line,
      origin: folded.origin,
      author: folded.author,
      at: folded.at,
      report: folded.report,
      acknowledgement,
      approach: encounterApproach(folded.report),
      inNotifiedAreas: folded.isDraft ? [] : covering(folded.report.position, folded.report.occurredAt),
      consultationAt: folded.consultationAt,
      closedAt: folded.closedAt,
      outcome: folded.outcome,
    };
  }

  /** Keeps a draft on the local line (never sent); `id` to replace an earlier draft. */
  async draft(author: string, report: EncounterReport, id?: string): Promise<EncounterView> {
    const { draft: _draft, ...recorded } = report;
    const encounter = id ?? `draft-${randomBytes(6).toString('hex')}`;
    if (id) {
      const held = await this.get(id);
      if (held?.state !== 'draft') throw new RecordError('not-a-draft', `${id} is not a draft held here`);
    }
    await this.context.ledger.append(this.localLine, author, 'encounter.drafted', {
      encounter,
      report: recorded as unknown as JsonObject,
    });
    const view = await this.get(encounter);
    if (!view) throw new RecordError('not-a-draft', `draft ${encounter} was not read back`);
    return view;
  }

  /**
   * Submits a report to the peer of a hotline (the node's only hotline when `hotline` is not
   * given): its thread, the item to acknowledge, the report. A draft's id is given as `fromDraft`,
   * which the report names, so the draft leaves the board.
   */
  async submit(
    author: string,
    report: EncounterReport,
    hotline?: string,
    fromDraft?: string,
  ): Promise<EncounterView> {
    const { draft: _draft, ...recorded } = report;
    const line = openHotline(this.context.ledger, this.context.hotline, hotline);
    const peers = line.members.filter((m) => m !== this.context.selfId);
    const ref = this.newRef();
    const thread = await this.context.ledger.createLine(`Encounter ${ref}`, peers, author);
    const own = recorded.ownPlatforms[0];
    const other = recorded.otherPlatforms[0];
    const item = await this.context.hotline.post(thread.id, author, {
      template: recorded.domain === 'sea' ? 'notice.encounter.sea' : 'notice.encounter.air',
      params: {
        own: own?.name ?? 'unknown',
        other: other?.name ?? 'unknown',
        position: recorded.position,
        time: recorded.occurredAt,
      },
      precedence: SEVERITY_PRECEDENCE[recorded.severity],
      ...(recorded.attachments ? { attachments: recorded.attachments } : {}),
    });
    await this.context.ledger.append(thread.id, author, 'encounter.submitted', {
      encounter: thread.id,
      ref,
      report: recorded as unknown as JsonObject,
      message: item.event.id,
      ...(fromDraft === undefined ? {} : { fromDraft }),
    });
    const view = await this.get(thread.id);
    if (!view) throw new RecordError('unknown-encounter', `encounter ${thread.id} was not read back`);
    return view;
  }

  /** Moves an encounter into consultation (either side). */
  async consult(id: string, author: string): Promise<EncounterView> {
    const held = await this.requireOpen(id);
    if (held.state === 'consultation') return held;
    await this.context.ledger.append(held.line ?? id, author, 'encounter.state', {
      encounter: id,
      state: 'consultation',
    });
    return (await this.get(id)) ?? held;
  }

  /** Closes an encounter with its outcome (either side). */
  async close(id: string, author: string, outcome: string): Promise<EncounterView> {
    const held = await this.requireOpen(id);
    await this.context.ledger.append(held.line ?? id, author, 'encounter.closed', { encounter: id, outcome });
    return (await this.get(id)) ?? held;
  }

  private async requireOpen(id: string): Promise<EncounterView> {
    const held = await this.get(id);
    if (!held) throw new RecordError('unknown-encounter', `there is no encounter ${id}`);
    if (held.state === 'draft') throw new RecordError('not-submitted', 'a draft is submitted first');
    if (held.state === 'closed') throw new RecordError('encounter-closed', `encounter ${held.ref} is closed`);
    return held;
  }

  /** `ALPHA-20261127-3F2A`: the node, the day, four random hex digits. */
  private newRef(): string {
    const day = new Date(this.context.clock.now()).toISOString().slice(0, 10).replaceAll('-', '');
    return `${this.context.selfId.toUpperCase()}-${day}-${randomBytes(2).toString('hex').toUpperCase()}`;
  }
}
