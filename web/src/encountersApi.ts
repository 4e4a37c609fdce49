/**
 * The node's encounter routes as the console uses them (ENC1, ENC2; src/server/encounterRoutes.ts):
 * the pick-lists, the encounters with their workflow state, drafts, submitting, consultation and
 * closing, and the attachments uploaded as blobs (LOG11); the activity notices (ENC3) the map shows.
 *
 * The types mirror the node's `EncounterView` (src/encounters/encounters.ts); only the pure code
 * lists of src/core/encounter.ts are imported, so nothing of the node's code reaches the browser.
 */
import type {
  BehaviourCode,
  Domain,
  EncounterReport,
  NoticeInput,
  RecordedReport,
  Severity,
} from '../../src/core/encounter.ts';
import type { LatLon } from '../../src/core/geo.ts';
import type { Precedence } from '../../src/core/types.ts';
import { ApiError, CONSOLE_REQUEST_HEADERS, type MessageStatus, request } from './api.ts';
import { t } from './strings.ts';

export type { BehaviourCode, Domain, EncounterReport, RecordedReport, Severity };

/** Where an encounter is in its workflow (ENC2). */
export type EncounterState = 'draft' | 'submitted' | 'acknowledged' | 'consultation' | 'closed';

/** The closest approach, as reported or computed from two tracks. */
export interface EncounterApproach {
  distanceM: number;
  at: string;
  source: 'reported' | 'computed';
  positions: [LatLon, LatLon] | null;
}

/** An encounter as `GET /encounters` gives it. */
export interface Encounter {
  id: string;
  /** The reference both sides quote, e.g. `ALPHA-20261127-3F2A`. */
  ref: string;
  state: EncounterState;
  /** The thread line (null for a draft). */
  line: string | null;
  origin: string;
  author: string;
  /** When it was submitted (or last drafted). */
  at: string;
  report: RecordedReport;
  /** The item the peer acknowledges: its HOT3 state, deadline and who acknowledged it. */
  acknowledgement: (MessageStatus & { deadline: string }) | null;
  approach: EncounterApproach | null;
  /** The activity notices whose area and window held the encounter (ENC3). */
  inNotifiedAreas: string[];
  consultationAt: string | null;
  closedAt: string | null;
  outcome: string | null;
}

/** `GET /encounters/codes`: the pick-lists of the form. */
export interface EncounterCodes {
  platformKinds: Record<Domain, string[]>;
  behaviours: BehaviourCode[];
  communicationKinds: string[];
  severities: { severity: Severity; precedence: Precedence }[];
  activityKinds: string[];
}

export function fetchEncounterCodes(): Promise<EncounterCodes> {
  return request<EncounterCodes>('GET', '/encounters/codes');
}

export async function fetchEncounters(): Promise<Encounter[]> {
  return (await request<{ encounters: Encounter[] }>('GET', '/encounters')).encounters;
}

export async function fetchEncounter(id: string): Promise<Encounter> {
  return (await request<{ encounter: Encounter }>('GET', `/encounters/${encodeURIComponent(id)}`)).encounter;
}

/** An activity notice as `GET /notices` gives it (ENC3; the node's `NoticeView`). */
export interface Notice extends NoticeInput {
  id: string;
  /** The hotline it was issued on. */
  line: string;
  origin: string;
  author: string;
  issuedAt: string;
  withdrawnAt: string | null;
  /** In force now, by the node's clock. */
  inForce: boolean;
  /** The item the peer acknowledges. */
  acknowledgement: MessageStatus | null;
}

export async function fetchNotices(): Promise<Notice[]> {
  return (await request<{ notices: Notice[] }>('GET', '/notices')).notices;
}

/** Where a notice goes: a hotline (else the only one), and its item's precedence (else PRIORITY). */
export interface NoticeRouting {
  line?: string;
  precedence?: Precedence;
}

/** Issues an activity notice to the peer (ENC3); rejects with the node's 400 `fields`. */
export async function postNotice(notice: NoticeInput, routing: NoticeRouting = {}): Promise<Notice> {
  return (await request<{ notice: Notice }>('POST', '/notices', { ...notice, ...routing })).notice;
}

/** Withdraws one of this node's notices (403 `not-our-notice` for the peer's). */
export async function withdrawNotice(id: string): Promise<Notice> {
  const path = `/notices/${encodeURIComponent(id)}/withdraw`;
  return (await request<{ notice: Notice }>('POST', path, {})).notice;
}

/** Files a report: submitted to the peer of `line` (or the only hotline), or kept as a draft. */
export async function postEncounter(report: EncounterReport, line?: string): Promise<Encounter> {
  const body = line === undefined ? report : { ...report, line };
  return (await request<{ encounter: Encounter }>('POST', '/encounters', body)).encounter;
}

/** Keeps a new version of a draft. */
export async function putDraft(id: string, report: EncounterReport): Promise<Encounter> {
  const { draft: _draft, ...body } = report;
  return (await request<{ encounter: Encounter }>('PUT', `/encounters/${encodeURIComponent(id)}`, body))
    .encounter;
}

/** Submits a draft held here. */
export async function submitDraft(id: string, line?: string): Promise<Encounter> {
  const body = line === undefined ? {} : { line };
  const path = `/encounters/${encodeURIComponent(id)}/submit`;
  return (await request<{ encounter: Encounter }>('POST', path, body)).encounter;
}

export async function consultEncounter(id: string): Promise<Encounter> {
  const path = `/encounters/${encodeURIComponent(id)}/consult`;
  return (await request<{ encounter: Encounter }>('POST', path, {})).encounter;
}

export async function closeEncounter(id: string, outcome: string): Promise<Encounter> {
  const path = `/encounters/${encodeURIComponent(id)}/close`;
  return (await request<{ encounter: Encounter }>('POST', path, { outcome })).encounter;
}

/** Uploads one attachment (a photo, a recording) as a blob; resolves with its name (the hash). */
export async function uploadAttachment(file: Blob): Promise<{ hash: string; size: number }> {
  let response: Response;
  try {
    response = await fetch('/api/v1/blobs', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream', ...CONSOLE_REQUEST_HEADERS },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      response.status === 413 ? 'blob-too-large' : `http-${response.status}`,
      t('encounters.form.uploadFailed', { status: response.status }),
    );
  }
  return (await response.json()) as { hash: string; size: number };
}
