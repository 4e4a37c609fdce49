/**
 * Encounters for the console (ENC1, ENC2): the list the node holds, read at start, again whenever
 * an encounter event or an acknowledgement arrives on the stream (`trigger` counts them) and every
 * 15 s, since the events of a thread this console never opened may not reach it; the pick-lists,
 * read once; and the changes — keep a draft, submit, move to consultation, close — each followed
 * by a fresh read.
 */
import { useCallback, useEffect } from 'react';
import type { Role } from '../../../src/core/types.ts';
import {
  closeEncounter,
  consultEncounter,
  type Encounter,
  type EncounterCodes,
  type EncounterReport,
  fetchEncounterCodes,
  fetchEncounters,
  postEncounter,
  putDraft,
  submitDraft,
} from '../encountersApi.ts';
import { useFollowedRead, useLatestRead } from '../useLatestRead.ts';

/** How often the list is read again without an event. */
const REFRESH_MS = 15_000;

/** Whether a role may file reports and move them on (`encounter.report` in docs/SECURITY.md). */
export function mayReportEncounters(role: Role): boolean {
  return role === 'admin' || role === 'supervisor' || role === 'officer';
}

export interface EncountersData {
  /** Null until the node has answered. */
  encounters: Encounter[] | null;
  codes: EncounterCodes | null;
  error: string | null;
  isBusy: boolean;
  /** Keeps the report here unsent (a new draft, or a new version of `draftId`). */
  saveDraft(report: EncounterReport, draftId: string | null): Promise<Encounter>;
  /** Submits the report to the peer of `line` (or the only hotline); a draft is updated first. */
  submit(report: EncounterReport, draftId: string | null, line: string | undefined): Promise<Encounter>;
  consult(id: string): Promise<void>;
  close(id: string, outcome: string): Promise<void>;
  refresh(): void;
}

export function useEncounters(trigger: number, onUnauthorized: () => void): EncountersData {
  const list = useFollowedRead(fetchEncounters, trigger, onUnauthorized, REFRESH_MS);
  const codes = useLatestRead(fetchEncounterCodes, onUnauthorized);
  const refreshCodes = codes.refresh;
  useEffect(() => refreshCodes(), [refreshCodes]);
  const { change } = list;

  /** Runs a change through `change` (busy flag, fresh read) and gives back its answer. */
  const changed = useCallback(
    async <T>(work: () => Promise<T>): Promise<T> => {
      let answer: T | undefined;
      await change(async () => {
        answer = await work();
      });
      return answer as T;
    },
    [change],
  );

  const saveDraft = useCallback(
    (report: EncounterReport, draftId: string | null) =>
      changed(() =>
        draftId === null ? postEncounter({ ...report, draft: true }) : putDraft(draftId, report),
      ),
    [changed],
  );

  const submit = useCallback(
    (report: EncounterReport, draftId: string | null, line: string | undefined) =>
      changed(async () => {
        if (draftId === null) return postEncounter(report, line);
        await putDraft(draftId, report);
        return submitDraft(draftId, line);
      }),
    [changed],
  );

  const consult = useCallback(
    async (id: string) => {
      await changed(() => consultEncounter(id));
    },
    [changed],
  );

  const close = useCallback(
    async (id: string, outcome: string) => {
      await changed(() => closeEncounter(id, outcome));
    },
    [changed],
  );

  return {
    encounters: list.data,
    codes: codes.data,
    // A failed read of the codes matters only while there are none to show.
    error: list.error ?? (codes.data === null ? codes.error : null),
    isBusy: list.isBusy,
    saveDraft,
    submit,
    consult,
    close,
    refresh: list.refresh,
  };
}
