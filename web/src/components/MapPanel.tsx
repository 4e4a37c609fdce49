/**
 * The Map panel (ENC3, ENC4): most of the screen over the console, with the world map shipped
 * with the console, the encounters of the record up to the time on the slider (marks and
 * closest-approach lines) and the notified areas in force at that time; beside it a legend in
 * words (CON1), the selected encounter — its reference, state, time, closest approach and the
 * notified areas it was inside — and, as the map's text alternative, the list of what it shows,
 * each encounter a button that selects it and centres the map on it (CON3).
 *
 * The encounters and notices are read when the panel opens, again on each `encounter.*` or
 * `notice.*` event the console sees (`trigger`) and every 30 s: events on thread lines the
 * console has not opened may not reach it.
 */
import { useCallback, useMemo, useState } from 'react';
import type { Severity } from '../../../src/core/encounter.ts';
import { type Area, formatPositionDM } from '../../../src/core/geo.ts';
import {
  type Encounter,
  type EncounterState,
  fetchEncounters,
  fetchNotices,
  type Notice,
} from '../encountersApi.ts';
import { SeverityMarkIcon } from '../map/marks.tsx';
import { TimeSlider } from '../map/TimeSlider.tsx';
import { encountersUpTo, isInForceAt, noticesInForceAt, recordSpan, shownTime } from '../map/timeline.ts';
import { type MapArea, type MapMarker, WorldMap } from '../map/WorldMap.tsx';
import { currentLocale, type StringKey, t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { useFollowedRead } from '../useLatestRead.ts';
import { Icon, type IconName } from './Icon.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import './MapStyles.css';

/** How often the map reads the record again without an event. */
const REFRESH_MS = 30_000;
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const NONE_YET: Encounter[] = [];
const NO_NOTICES_YET: Notice[] = [];

const STATE_ICON: Record<EncounterState, IconName> = {
  draft: 'dot',
  submitted: 'hourglass',
  acknowledged: 'check',
  consultation: 'eye',
  closed: 'check-circle',
};

/** Props of `MapPanel`. */
export interface MapPanelProps {
  isOpen: boolean;
  /** A count of the encounter and notice events seen on the stream: a change reads again. */
  trigger: number;
  nowMs: number;
  onSessionEnded(): void;
  onClose(): void;
}

function stateWords(state: EncounterState): string {
  return t(`map.state.${state}` as StringKey);
}

function severityWords(severity: Severity): string {
  return t(`map.severity.${severity}` as StringKey);
}

/** "1.3 NM (2,400 m)" in the reader's number format. */
function distanceWords(metres: number): string {
  const nm = metres / 1852;
  const locale = currentLocale();
  return t('map.distance', {
    nm: new Intl.NumberFormat(locale, { maximumFractionDigits: nm < 10 ? 2 : 1 }).format(nm),
    metres: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(metres),
  });
}

function markerOf(encounter: Encounter): MapMarker {
  return {
    id: encounter.id,
    position: encounter.report.position,
    label: encounter.ref,
    description: t('map.marker', {
      ref: encounter.ref,
      severity: severityWords(encounter.report.severity),
      state: stateWords(encounter.state),
    }),
    severity: encounter.report.severity,
    state: encounter.state,
    approach: encounter.approach?.positions ?? null,
  };
}

function areaOf(notice: Notice, isInForce: boolean): MapArea {
  return { id: notice.id, area: notice.area as Area, label: notice.title, isInForce };
}

/** The panel. Its content (and its reading of the record) exists only while it is open. */
export function MapPanel({ isOpen, trigger, nowMs, onSessionEnded, onClose }: MapPanelProps) {
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('map.title')}
      intro={t('map.intro')}
      testId="map-panel"
      className="map-dialog"
      onClose={onClose}
    >
      <MapContent trigger={trigger} nowMs={nowMs} onSessionEnded={onSessionEnded} />
    </ModalDialog>
  );
}

function MapContent({
  trigger,
  nowMs,
  onSessionEnded,
}: {
  trigger: number;
  nowMs: number;
  onSessionEnded(): void;
}) {
  const encounterRead = useFollowedRead(fetchEncounters, trigger, onSessionEnded, REFRESH_MS);
  const noticeRead = useFollowedRead(fetchNotices, trigger, onSessionEnded, REFRESH_MS);
  // Nothing is drawn until both are read, so the first view fits all of it.
  const isRead = encounterRead.data !== null && noticeRead.data !== null;
  const encounters = isRead ? (encounterRead.data ?? NONE_YET) : NONE_YET;
  const notices = isRead ? (noticeRead.data ?? NO_NOTICES_YET) : NO_NOTICES_YET;
  const [chosenMs, setChosenMs] = useState<number | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focus, setFocus] = useState<{ position: Encounter['report']['position']; serial: number } | null>(
    null,
  );

  const atMs = shownTime(chosenMs, nowMs);
  const span = recordSpan(encounters, notices, nowMs);
  const shownEncounters = useMemo(() => encountersUpTo(encounters, atMs), [encounters, atMs]);
  const shownNotices = useMemo(() => noticesInForceAt(notices, atMs), [notices, atMs]);
  const selected = encounters.find((encounter) => encounter.id === selectedId) ?? null;
  const noticeTitle = useCallback(
    (id: string) => notices.find((notice) => notice.id === id)?.title ?? id,
    [notices],
  );

  // Identities change only with the data, so the map's fitting and memos hold between ticks.
  const markers = useMemo(() => shownEncounters.map(markerOf), [shownEncounters]);
  const areas = useMemo(() => {
    const inForce = shownNotices.map((notice) => areaOf(notice, true));
    // The areas the selected encounter was inside stay drawn (dashed) when not in force now.
    const ofSelected = notices
      .filter((notice) => selected?.inNotifiedAreas.includes(notice.id) && !isInForceAt(notice, atMs))
      .map((notice) => areaOf(notice, false));
    return [...inForce, ...ofSelected];
  }, [shownNotices, notices, selected, atMs]);

  const selectAndCentre = (encounter: Encounter) => {
    setSelectedId(encounter.id);
    setFocus((current) => ({ position: encounter.report.position, serial: (current?.serial ?? 0) + 1 }));
  };

  const error = encounterRead.error ?? noticeRead.error;
  return (
    <div className="map-panel">
      <div className="map-panel__main">
        <WorldMap
          markers={markers}
          areas={areas}
          selectedId={selectedId}
          onSelect={setSelectedId}
          focus={focus}
        />
        <TimeSlider
          span={span}
          atMs={atMs}
          isNow={chosenMs === null}
          nowMs={nowMs}
          onChoose={setChosenMs}
          onNow={() => setChosenMs(null)}
        />
      </div>
      <aside className="map-panel__side" aria-label={t('map.side')}>
        {error !== null && (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        )}
        <SelectedEncounter encounter={selected} atMs={atMs} nowMs={nowMs} noticeTitle={noticeTitle} />
        <section className="map-panel__section" aria-labelledby="map-list-encounters">
          <h3 id="map-list-encounters">{t('map.list.encounters', { count: shownEncounters.length })}</h3>
          {!isRead ? (
            <p className="hint">{t('map.reading')}</p>
          ) : shownEncounters.length === 0 ? (
            <p className="hint">{t('map.list.noEncounters')}</p>
          ) : (
            <ul className="map-list">
              {shownEncounters.map((encounter) => (
                <li key={encounter.id}>
                  <button
                    type="button"
                    className="map-list__item"
                    data-testid="map-list-encounter"
                    data-id={encounter.id}
                    aria-pressed={encounter.id === selectedId}
                    onClick={() => selectAndCentre(encounter)}
                  >
                    <SeverityMarkIcon
                      severity={encounter.report.severity}
                      isHollow={encounter.state === 'closed'}
                    />
                    <span className="map-list__ref">{encounter.ref}</span>
                    <span className="map-list__detail">
                      <Icon name={STATE_ICON[encounter.state]} /> {stateWords(encounter.state)}
                      {t('state.separator')}
                      {severityWords(encounter.report.severity)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="map-panel__section" aria-labelledby="map-list-areas">
          <h3 id="map-list-areas">{t('map.list.areas', { count: shownNotices.length })}</h3>
          {shownNotices.length === 0 ? (
            <p className="hint">{t('map.list.noAreas')}</p>
          ) : (
            <ul className="map-list">
              {shownNotices.map((notice) => (
                <li
                  key={notice.id}
                  className="map-list__area"
                  data-testid="map-list-area"
                  data-id={notice.id}
                >
                  <span className="map-list__ref">{notice.title}</span>
                  <span className="map-list__detail">
                    {t('map.area.window', {
                      kind: t(`map.kind.${notice.kind}` as StringKey),
                      from: formatDualTime(notice.from, new Date(nowMs)),
                      until: formatDualTime(notice.until, new Date(nowMs)),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <Legend />
        <p className="hint map-panel__source">{t('map.source')}</p>
      </aside>
    </div>
  );
}

/** The selected encounter: what a duty officer needs to talk about it (`map-selected`). */
function SelectedEncounter({
  encounter,
  atMs,
  nowMs,
  noticeTitle,
}: {
  encounter: Encounter | null;
  atMs: number;
  nowMs: number;
  noticeTitle(id: string): string;
}) {
  if (encounter === null) {
    return (
      <section className="map-panel__section map-selected" data-testid="map-selected" aria-live="polite">
        <p className="hint">{t('map.selected.none')}</p>
      </section>
    );
  }
  const now = new Date(nowMs);
  const report = encounter.report;
  const approach = encounter.approach;
  const isLater = Date.parse(report.occurredAt) > atMs;
  return (
    <section
      className="map-panel__section map-selected"
      data-testid="map-selected"
      data-id={encounter.id}
      aria-live="polite"
    >
      <h3>{t('map.selected.heading', { ref: encounter.ref })}</h3>
      <dl className="map-selected__facts">
        <dt>{t('map.field.state')}</dt>
        <dd data-testid="map-selected-state">
          <Icon name={STATE_ICON[encounter.state]} /> {stateWords(encounter.state)}
        </dd>
        <dt>{t('map.field.severity')}</dt>
        <dd>
          <SeverityMarkIcon severity={report.severity} /> {severityWords(report.severity)}
        </dd>
        <dt>{t('map.field.time')}</dt>
        <dd title={formatFullTime(report.occurredAt)}>{formatDualTime(report.occurredAt, now)}</dd>
        <dt>{t('map.field.position')}</dt>
        <dd>{formatPositionDM(report.position)}</dd>
        <dt>{t('map.field.platforms')}</dt>
        <dd>
          {t('map.platforms', {
            own: report.ownPlatforms.map((p) => p.name).join(', '),
            other: report.otherPlatforms.map((p) => p.name).join(', '),
          })}
        </dd>
        <dt>{t('map.field.approach')}</dt>
        <dd data-testid="map-selected-approach">
          {approach
            ? t('map.approach', {
                distance: distanceWords(approach.distanceM),
                time: formatDualTime(approach.at, now),
                source: approach.source,
              })
            : t('map.approach.none')}
        </dd>
      </dl>
      {encounter.inNotifiedAreas.length === 0 ? (
        <p className="hint" data-testid="map-selected-areas">
          {t('map.inNoArea')}
        </p>
      ) : (
        <ul className="map-selected__areas" data-testid="map-selected-areas">
          {encounter.inNotifiedAreas.map((id) => (
            <li key={id}>
              <Icon name="warning" /> {t('map.inArea', { title: noticeTitle(id) })}
            </li>
          ))}
        </ul>
      )}
      {isLater && <p className="hint">{t('map.selected.later')}</p>}
    </section>
  );
}

/** The legend in words beside each mark (CON1). */
function Legend() {
  return (
    <section className="map-panel__section" aria-labelledby="map-legend">
      <h3 id="map-legend">{t('map.legend')}</h3>
      <ul className="map-legend">
        {SEVERITIES.map((severity) => (
          <li key={severity}>
            <SeverityMarkIcon severity={severity} />{' '}
            {t('map.legend.severity', { severity: severityWords(severity) })}
          </li>
        ))}
        <li>
          <SeverityMarkIcon severity="low" isHollow /> {t('map.legend.closed')}
        </li>
        <li>
          <svg className="map-mark-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
            <path d="M2,16L18,4" className="world-map__approach" />
          </svg>{' '}
          {t('map.legend.approach')}
        </li>
        <li>
          <svg className="map-mark-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
            <rect x="2" y="4" width="16" height="12" className="world-map__area" />
          </svg>{' '}
          {t('map.legend.inForce')}
        </li>
        <li>
          <svg className="map-mark-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
            <rect x="2" y="4" width="16" height="12" className="world-map__area world-map__area--past" />
          </svg>{' '}
          {t('map.legend.notInForce')}
        </li>
      </ul>
    </section>
  );
}
