/**
 * Encounters in the console (ENC1, ENC2): a thin strip under the header saying how many
 * encounters are open and how many of the peer's reports await this desk's acknowledgement (in
 * words and an icon, CON1), with *Encounter board* (`encounters-open`) and *New encounter report*
 * (`encounter-new`); it owns the board, the detail and the form. *Open the thread* selects the
 * encounter's own line in the console, where the desks discuss it with the usual composer.
 * *Notices* (`notices-open`) sits beside them and opens the activity notices (ENC3).
 */
import { useCallback, useState } from 'react';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import type { Role } from '../../../src/core/types.ts';
import type { Line } from '../api.ts';
import { awaitingOurAcknowledgement, type BoardFilters, NO_FILTERS, openCount } from '../encounters/board.ts';
import { mayReportEncounters, useEncounters } from '../encounters/useEncounters.ts';
import type { Encounter } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { EncounterBoard } from './EncounterBoard.tsx';
import { EncounterForm } from './EncounterForm.tsx';
import { Icon } from './Icon.tsx';

/** Props of `EncounterStrip`. */
export interface EncounterStripProps {
  selfId: string;
  role: Role;
  language: Language;
  lines: readonly Line[];
  /** How many encounter events and acknowledgements the stream has brought: each re-reads. */
  encounterEvents: number;
  nowMs: number;
  canAcknowledge: boolean;
  nodeName(nodeId: string): string;
  /** Acknowledges the item of a peer's report (the console's own acknowledge). */
  onAcknowledge(messageId: string, reply: string): Promise<void>;
  /** Selects a line in the console. */
  onOpenThread(line: string): void;
  onSessionEnded(): void;
  /** Opens the activity Notices panel (ENC3), which the console owns. */
  onOpenNotices?(): void;
  isNoticesOpen?: boolean;
}

/** The strip, the board and the form. */
export function EncounterStrip(props: EncounterStripProps) {
  const { selfId, role, language, lines, encounterEvents, nowMs, nodeName, onSessionEnded } = props;
  const data = useEncounters(encounterEvents, onSessionEnded);
  const [isBoardOpen, setIsBoardOpen] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [filters, setFilters] = useState<BoardFilters>(NO_FILTERS);
  const [form, setForm] = useState<{ draft: Encounter | null } | null>(null);
  const canReport = mayReportEncounters(role);
  const encounters = data.encounters ?? [];
  const toAcknowledge = awaitingOurAcknowledgement(encounters, selfId);
  const hotlines = lines.filter((line) => line.kind === 'hotline' && line.members.includes(selfId));
  const refresh = data.refresh;

  const openBoard = useCallback(() => {
    refresh();
    setSelectedId(null);
    setIsBoardOpen(true);
  }, [refresh]);
  const openForm = (draft: Encounter | null) => {
    setIsBoardOpen(false);
    setForm({ draft });
  };
  const submitted = (encounter: Encounter) => {
    setForm(null);
    setSelectedId(encounter.id);
    setIsBoardOpen(true);
  };
  const openThread = (line: string) => {
    setIsBoardOpen(false);
    props.onOpenThread(line);
  };
  const acknowledge = async (messageId: string, reply: string) => {
    await props.onAcknowledge(messageId, reply);
    refresh();
  };

  return (
    <>
      <section className="encounter-strip" aria-label={t('encounters.label')}>
        <span className="encounter-strip__heading">{t('encounters.heading')}</span>
        <span className="encounter-strip__summary" data-testid="encounters-summary">
          {t('encounters.summary', { count: openCount(encounters) })}
        </span>
        {toAcknowledge > 0 && (
          <span className="encounter-strip__to-ack" data-testid="encounters-to-acknowledge">
            <Icon name="warning" className="state__icon" />
            {t('encounters.toAcknowledge', { count: toAcknowledge })}
          </span>
        )}
        <button
          type="button"
          className="button button--secondary"
          data-testid="encounters-open"
          aria-haspopup="dialog"
          aria-expanded={isBoardOpen}
          onClick={openBoard}
        >
          {t('encounters.open')}
        </button>
        {props.onOpenNotices && (
          <button
            type="button"
            className="button button--secondary"
            data-testid="notices-open"
            aria-haspopup="dialog"
            aria-expanded={props.isNoticesOpen ?? false}
            onClick={props.onOpenNotices}
          >
            {t('notices.open')}
          </button>
        )}
        {canReport && (
          <button
            type="button"
            className="button button--primary"
            data-testid="encounter-new"
            aria-haspopup="dialog"
            onClick={() => openForm(null)}
          >
            {t('encounters.new')}
          </button>
        )}
      </section>
      <EncounterBoard
        isOpen={isBoardOpen}
        encounters={data.encounters}
        codes={data.codes}
        error={data.error}
        selfId={selfId}
        language={language}
        nowMs={nowMs}
        canReport={canReport}
        canAcknowledge={props.canAcknowledge}
        isBusy={data.isBusy}
        nodeName={nodeName}
        filters={filters}
        onFilters={setFilters}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onEditDraft={openForm}
        onNew={() => openForm(null)}
        onAcknowledge={acknowledge}
        onOpenThread={openThread}
        onConsult={data.consult}
        onClose={data.close}
        onDismiss={() => setIsBoardOpen(false)}
      />
      <EncounterForm
        isOpen={form !== null}
        codes={data.codes}
        hotlines={hotlines}
        draft={form?.draft ?? null}
        language={language}
        isBusy={data.isBusy}
        selfId={selfId}
        nodeName={nodeName}
        onSaveDraft={data.saveDraft}
        onSubmit={data.submit}
        onSubmitted={submitted}
        onClose={() => setForm(null)}
      />
    </>
  );
}
