/**
 * Activity notices for the console's Notices panel (ENC3): the list the node holds, ours and the
 * peer's, read when the panel opens, again whenever a notice event or an acknowledgement arrives
 * on the stream (`trigger` counts them) and every 15 s, since an item's delivery changes no event
 * the console counts; and the changes — issue, withdraw — each followed by a fresh read.
 */
import { useCallback } from 'react';
import type { NoticeInput } from '../../../src/core/encounter.ts';
import {
  fetchNotices,
  type Notice,
  type NoticeRouting,
  postNotice,
  withdrawNotice,
} from '../encountersApi.ts';
import { useFollowedRead } from '../useLatestRead.ts';

/** How often the list is read again without an event. */
const REFRESH_MS = 15_000;

export interface NoticesData {
  /** Null until the node has answered. */
  notices: Notice[] | null;
  error: string | null;
  isBusy: boolean;
  /** Issues a notice; rejects with the node's refusal (its 400 names each field). */
  issue(notice: NoticeInput, routing: NoticeRouting): Promise<Notice>;
  /** Withdraws one of ours; rejects with the node's refusal. */
  withdraw(id: string): Promise<void>;
  refresh(): void;
}

export function useNotices(trigger: number, onUnauthorized: () => void): NoticesData {
  const list = useFollowedRead(fetchNotices, trigger, onUnauthorized, REFRESH_MS);
  const { change } = list;

  const issue = useCallback(
    async (notice: NoticeInput, routing: NoticeRouting) => {
      let issued: Notice | undefined;
      await change(async () => {
        issued = await postNotice(notice, routing);
      });
      if (issued === undefined) throw new Error('the node did not answer with the notice');
      return issued;
    },
    [change],
  );

  const withdraw = useCallback(
    async (id: string) => {
      await change(() => withdrawNotice(id));
    },
    [change],
  );

  return {
    notices: list.data,
    error: list.error,
    isBusy: list.isBusy,
    issue,
    withdraw,
    refresh: list.refresh,
  };
}
