/**
 * Which hotline an encounter report or an activity notice goes on (HOT1): the one named, or the
 * node's only open hotline; with several peers the caller must name it.
 */
import type { Hotline } from '../hotline/messages.ts';
import { type Ledger, RecordError } from '../record/ledger.ts';
import type { LineRecord } from '../store/types.ts';

export function openHotline(ledger: Ledger, hotline: Hotline, id: string | undefined): LineRecord {
  const open = ledger.listLines().filter((l) => l.kind === 'hotline' && !hotline.isLineClosed?.(l.id));
  if (id !== undefined) {
    const line = open.find((l) => l.id === id);
    if (!line) throw new RecordError('unknown-line', `${id} is not an open hotline of this node`);
    return line;
  }
  const only = open.length === 1 ? open[0] : undefined;
  if (only) return only;
  throw new RecordError(
    open.length === 0 ? 'no-hotline' : 'line-required',
    open.length === 0
      ? 'this node has no open hotline to report on'
      : 'name the hotline (`line`) of the peer concerned',
  );
}
