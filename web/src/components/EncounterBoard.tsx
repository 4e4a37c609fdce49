/**
 * The encounter board (ENC1, ENC2): every encounter this node holds, by state (submitted,
 * acknowledged, in consultation, closed; this node's drafts apart), each with its age, severity,
 * reference, platforms and the acknowledgement with its deadline — overdue in words and an icon
 * (CON1). Filters by state, severity and domain, and a search over the reference, the platforms
 * and the narrative. A row opens the encounter's detail in the same panel; a draft opens in the
 * form.
 */
import type { Language } from '../../../src/core/phrasebook/types.ts';
import {
  acknowledgementWords,
  ageText,
  BOARD_STATES,
  type BoardFilters,
  boardSections,
} from '../encounters/board.ts';
import type { Encounter, EncounterCodes } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { formatFullTime } from '../time.ts';
import { EncounterDetail, type EncounterDetailProps } from './EncounterDetail.tsx';
import { codeName } from './EncounterFormParts.tsx';
import { EncounterAckLabel, SeverityLabel } from './EncounterLabels.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import './EncounterStyles.css';

/** Props of `EncounterBoard`. */
export interface EncounterBoardProps
  extends Pick<
    EncounterDetailProps,
    | 'selfId'
    | 'nowMs'
    | 'canReport'
    | 'canAcknowledge'
    | 'isBusy'
    | 'nodeName'
    | 'onAcknowledge'
    | 'onOpenThread'
    | 'onConsult'
    | 'onClose'
  > {
  isOpen: boolean;
  /** Null until the node has answered. */
  encounters: readonly Encounter[] | null;
  codes: EncounterCodes | null;
  error: string | null;
  language: Language;
  filters: BoardFilters;
  onFilters(filters: BoardFilters): void;
  /** The encounter shown in full, or null for the list. */
  selectedId: string | null;
  onSelect(id: string | null): void;
  onEditDraft(draft: Encounter): void;
  onNew(): void;
  onDismiss(): void;
}

/** "Destroyer Kunming / Frigate Yulin": the first platform of each side. */
function platformsText(encounter: Encounter): string {
  const first = (side: Encounter['report']['ownPlatforms']) =>
    side[0] ? `${codeName('encounters.kind', side[0].kind)} ${side[0].name}` : '—';
  return t('encounters.board.platforms', {
    own: first(encounter.report.ownPlatforms),
    other: first(encounter.report.otherPlatforms),
  });
}

/** One row: a button that opens the encounter (or a draft in the form). */
function Row({ encounter, props }: { encounter: Encounter; props: EncounterBoardProps }) {
  const { selfId, nowMs } = props;
  const open = () =>
    encounter.state === 'draft' ? props.onEditDraft(encounter) : props.onSelect(encounter.id);
  return (
    <li>
      <button
        type="button"
        className={`encounter-row encounter-row--${encounter.state}`}
        data-testid="encounter-row"
        data-id={encounter.id}
        data-state={encounter.state}
        data-ref={encounter.ref}
        onClick={open}
      >
        <span className="encounter-row__ref">{encounter.ref}</span>
        <SeverityLabel severity={encounter.report.severity} />
        <span className="encounter-row__domain">
          {codeName('encounters.domain', encounter.report.domain)}
        </span>
        <span className="encounter-row__age" title={formatFullTime(encounter.at)}>
          {ageText(encounter.at, nowMs)}
        </span>
        <span className="encounter-row__platforms">{platformsText(encounter)}</span>
        {encounter.state !== 'draft' && (
          <EncounterAckLabel words={acknowledgementWords(encounter, selfId, nowMs)} />
        )}
      </button>
    </li>
  );
}

function Filters({ filters, onFilters }: Pick<EncounterBoardProps, 'filters' | 'onFilters'>) {
  const set = (patch: Partial<BoardFilters>) => onFilters({ ...filters, ...patch });
  return (
    <search className="encounter-board__filters">
      <label>
        <span>{t('encounters.board.filterState')}</span>
        <select
          data-testid="encounter-filter-state"
          value={filters.state}
          onChange={(e) => set({ state: e.target.value as BoardFilters['state'] })}
        >
          <option value="all">{t('encounters.board.all')}</option>
          {['draft', ...BOARD_STATES].map((state) => (
            <option key={state} value={state}>
              {codeName('encounters.state', state)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('encounters.form.severity')}</span>
        <select
          data-testid="encounter-filter-severity"
          value={filters.severity}
          onChange={(e) => set({ severity: e.target.value as BoardFilters['severity'] })}
        >
          <option value="all">{t('encounters.board.all')}</option>
          {(['critical', 'high', 'medium', 'low'] as const).map((severity) => (
            <option key={severity} value={severity}>
              {codeName('encounters.severity', severity)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('encounters.form.domain')}</span>
        <select
          data-testid="encounter-filter-domain"
          value={filters.domain}
          onChange={(e) => set({ domain: e.target.value as BoardFilters['domain'] })}
        >
          <option value="all">{t('encounters.board.all')}</option>
          <option value="sea">{t('encounters.domain.sea')}</option>
          <option value="air">{t('encounters.domain.air')}</option>
        </select>
      </label>
      <label className="encounter-board__search">
        <span>{t('encounters.board.search')}</span>
        <input
          type="search"
          data-testid="encounter-search"
          value={filters.query}
          placeholder={t('encounters.board.searchHint')}
          onChange={(e) => set({ query: e.target.value })}
        />
      </label>
    </search>
  );
}

function Sections(props: EncounterBoardProps) {
  const { encounters, filters } = props;
  if (encounters === null) return <p>{t('app.loading')}</p>;
  const sections = boardSections(encounters, filters);
  const groups = [
    { key: 'draft', title: t('encounters.board.drafts'), items: sections.drafts },
    ...BOARD_STATES.map((state) => ({
      key: state,
      title: codeName('encounters.state', state),
      items: sections.byState[state],
    })),
  ].filter((group) => group.items.length > 0);
  if (groups.length === 0) {
    return (
      <p className="encounter-board__none" data-testid="encounter-board-empty">
        {encounters.length === 0 ? t('encounters.board.none') : t('encounters.board.noneMatch')}
      </p>
    );
  }
  return (
    <>
      {groups.map((group) => (
        <section
          key={group.key}
          className="encounter-board__section"
          data-testid="encounter-section"
          data-state={group.key}
        >
          <h3>{t('encounters.board.section', { title: group.title, count: group.items.length })}</h3>
          <ul className="encounter-board__rows">
            {group.items.map((encounter) => (
              <Row key={encounter.id} encounter={encounter} props={props} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/** The board in its panel. */
export function EncounterBoard(props: EncounterBoardProps) {
  const selected = props.encounters?.find((encounter) => encounter.id === props.selectedId) ?? null;
  return (
    <ModalDialog
      isOpen={props.isOpen}
      title={t('encounters.board.title')}
      intro={t('encounters.board.intro')}
      testId="encounter-board"
      className="encounter-dialog"
      onClose={props.onDismiss}
    >
      {props.error !== null && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      {selected !== null ? (
        <EncounterDetail {...props} encounter={selected} onBack={() => props.onSelect(null)} />
      ) : (
        <>
          <div className="encounter-board__head">
            <Filters filters={props.filters} onFilters={props.onFilters} />
            {props.canReport && (
              <button
                type="button"
                className="button button--primary"
                data-testid="encounter-board-new"
                onClick={props.onNew}
              >
                {t('encounters.new')}
              </button>
            )}
          </div>
          <Sections {...props} />
        </>
      )}
    </ModalDialog>
  );
}
