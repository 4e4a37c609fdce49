/**
 * The main screen: header with node, user, peer links and the Pairing panel (FED1); the FLASH
 * alarm, the record alarms (LOG9), link and connection banners; the selected line's messages
 * and the compose box, with a list of lines when there are several. A one-second clock turns
 * messages overdue as their deadlines pass (HOT3).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import { alarmNames, mayResolve } from '../alarms.ts';
import { type Me, patchMyLanguage, postTranslation } from '../api.ts';
import { escalatedMessages, openEscalations } from '../escalations.ts';
import { mayAcknowledge, maySend, unacknowledgedFlashes } from '../messageState.ts';
import { type Acknowledgement, acknowledgementsByMessage } from '../messages.ts';
import { t } from '../strings.ts';
import { setPeerTimeZones } from '../time.ts';
import { useAlarms } from '../useAlarms.ts';
import { useConsoleData } from '../useConsoleData.ts';
import { useDrills } from '../useDrills.ts';
import { DUTY_EVENT_TYPES, mayHoldDesk, mayReassignDesk, mayTranslate, useDuty } from '../useDuty.ts';
import { useNow } from '../useNow.ts';
import { usePairing } from '../usePairing.ts';
import { mayReadReports } from '../useReliability.ts';
import { AlarmBanners } from './AlarmBanners.tsx';
import { Compose } from './Compose.tsx';
import { ConnectionNotice } from './ConnectionNotice.tsx';
import { DrillsDialog } from './DrillsDialog.tsx';
import { DutyBar } from './DutyBar.tsx';
import { DutyHandoverDialog } from './DutyHandoverDialog.tsx';
import { EscalationBanner } from './EscalationBanner.tsx';
import { FlashAlarm } from './FlashAlarm.tsx';
import { Header } from './Header.tsx';
import { LineList } from './LineList.tsx';
import { LinkBanners } from './LinkBanners.tsx';
import { MessageList } from './MessageList.tsx';
import { PairingDialog } from './PairingDialog.tsx';
import { ReliabilityDialog } from './ReliabilityDialog.tsx';
import {
  TranslationsContext,
  type TranslationsContextValue,
  translationsByMessage,
} from './TranslationContext.tsx';

const NO_ACKNOWLEDGEMENTS: ReadonlyMap<string, Acknowledgement> = new Map();

/** Props of `ConsoleScreen`. */
export interface ConsoleScreenProps {
  me: Me;
  onSignOut(): void;
  /** The node answered 401: the session is gone. */
  onSessionEnded(): void;
  /** The user's settings changed (their language, HOT6). */
  onMeChanged?(me: Me): void;
}

/** The duty officer's main screen. */
export function ConsoleScreen({ me, onSignOut, onSessionEnded, onMeChanged }: ConsoleScreenProps) {
  const { state, selectedLineId, selectLine, send, sendTemplate, acknowledge, markSeen, loadError } =
    useConsoleData(onSessionEnded);
  const language = me.user.language ?? 'en';
  const changeLanguage = useCallback(
    async (next: Language) => onMeChanged?.(await patchMyLanguage(next)),
    [onMeChanged],
  );
  // CON2: hover titles show each time in the peers' zones too, as the peers announced them.
  useEffect(() => {
    setPeerTimeZones(
      state.peers.flatMap((peer) =>
        typeof peer.timeZone === 'string'
          ? [{ name: peer.name || peer.nodeId, timeZone: peer.timeZone }]
          : [],
      ),
    );
  }, [state.peers]);
  const selectedLine = state.lines.find((line) => line.id === selectedLineId) ?? null;
  const hasLineList = state.lines.length > 1;
  const nowMs = useNow();
  const acknowledgementsByLine = useMemo(
    () =>
      new Map(
        Object.entries(state.eventsByLine).map(([lineId, events]) => [
          lineId,
          acknowledgementsByMessage(events),
        ]),
      ),
    [state.eventsByLine],
  );
  // CON1, HOT4: a FLASH alarm gives way to the escalation banner once the message is escalated.
  const escalations = useMemo(() => {
    const events = Object.values(state.eventsByLine).flat();
    return { open: openEscalations(events, me.node.nodeId), escalated: escalatedMessages(events) };
  }, [state.eventsByLine, me.node.nodeId]);
  const authorOf = useCallback(
    (messageId: string) =>
      Object.values(state.eventsByLine)
        .flat()
        .find((event) => event.id === messageId)?.author ?? '?',
    [state.eventsByLine],
  );
  const flashes = state.lines
    .flatMap((line) =>
      unacknowledgedFlashes(
        state.eventsByLine[line.id] ?? [],
        state.statusById,
        me.node.nodeId,
        nowMs,
        acknowledgementsByLine.get(line.id),
      ),
    )
    .filter((item) => !escalations.escalated.has(item.event.id));
  const canAcknowledge = mayAcknowledge(me.user.role);
  const { alarms, resolve } = useAlarms(state.connection, onSessionEnded);
  const pairing = usePairing(state.peers, onSessionEnded);
  const [isPairingOpen, setIsPairingOpen] = useState(false);
  const refreshPairing = pairing.refresh;
  const openPairing = useCallback(() => {
    refreshPairing();
    setIsPairingOpen(true);
  }, [refreshPairing]);
  const closePairing = useCallback(() => setIsPairingOpen(false), []);
  const [isDrillsOpen, setIsDrillsOpen] = useState(false);
  const drillEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) => count + events.filter((event) => event.type.startsWith('drill.')).length,
        0,
      ),
    [state.eventsByLine],
  );
  const drills = useDrills(isDrillsOpen, drillEvents, onSessionEnded);
  const openDrills = useCallback(() => setIsDrillsOpen(true), []);
  const closeDrills = useCallback(() => setIsDrillsOpen(false), []);
  // HOT8: the reliability report, for the roles that review the link.
  const [isReliabilityOpen, setIsReliabilityOpen] = useState(false);
  const openReliability = useCallback(() => setIsReliabilityOpen(true), []);
  const closeReliability = useCallback(() => setIsReliabilityOpen(false), []);
  // HOT5: the roster is re-read whenever a roster event arrives, on any line.
  const dutyEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) => count + events.filter((event) => DUTY_EVENT_TYPES.includes(event.type)).length,
        0,
      ),
    [state.eventsByLine],
  );
  const duty = useDuty(dutyEvents, onSessionEnded);
  const [isHandoverOpen, setIsHandoverOpen] = useState(false);
  const loadDutyUsers = duty.loadUsers;
  const openHandover = useCallback(() => {
    loadDutyUsers();
    setIsHandoverOpen(true);
  }, [loadDutyUsers]);
  const closeHandover = useCallback(() => setIsHandoverOpen(false), []);
  const take = duty.take;
  const takeDesk = useCallback(() => {
    // A refusal shows in the strip (the hook keeps the error); nothing else to do here.
    take().catch(() => undefined);
  }, [take]);
  const ownHolder = duty.roster?.desks.find((desk) => desk.isSelf)?.holder ?? null;
  // HOT6: translations are read from the events of every line held, like acknowledgements.
  const translations = useMemo<TranslationsContextValue>(
    () => ({
      byMessage: translationsByMessage(Object.values(state.eventsByLine).flat()),
      canTranslate: mayTranslate(me.user.role),
      onTranslate: async (messageId, language, text) => {
        await postTranslation(messageId, language, text);
      },
    }),
    [state.eventsByLine, me.user.role],
  );
  const names = useMemo(() => {
    const nodes = new Map<string, string>([[me.node.nodeId, me.node.name]]);
    for (const known of pairing.pairings ?? []) nodes.set(known.nodeId, known.name);
    for (const peer of state.peers) nodes.set(peer.nodeId, peer.name);
    return alarmNames(nodes, new Map(state.lines.map((line) => [line.id, line.title])));
  }, [me.node, pairing.pairings, state.peers, state.lines]);

  return (
    <div className="console">
      <Header
        me={me}
        peers={state.peers}
        pairings={pairing.pairings}
        connection={state.connection}
        nowMs={nowMs}
        isPairingOpen={isPairingOpen}
        onOpenPairing={openPairing}
        onChangeLanguage={changeLanguage}
        isDrillsOpen={isDrillsOpen}
        onOpenDrills={openDrills}
        {...(mayReadReports(me.user.role) ? { onOpenReliability: openReliability, isReliabilityOpen } : {})}
        onSignOut={onSignOut}
      />
      <DutyBar
        roster={duty.roster}
        me={`${me.user.username}@${me.node.nodeId}`}
        nowMs={nowMs}
        canHold={mayHoldDesk(me.user.role)}
        canReassign={mayReassignDesk(me.user.role)}
        isBusy={duty.isBusy}
        error={duty.error}
        onTake={takeDesk}
        onOpenHandover={openHandover}
      />
      <DutyHandoverDialog
        isOpen={isHandoverOpen}
        users={duty.users}
        holder={ownHolder?.split('@')[0] ?? null}
        isBusy={duty.isBusy}
        onHandOver={duty.handOver}
        onClose={closeHandover}
      />
      <DrillsDialog
        isOpen={isDrillsOpen}
        lines={state.lines.filter((line) => line.kind === 'hotline')}
        drills={drills.drills}
        error={drills.error}
        canRun={maySend(me.user.role)}
        runningOn={drills.runningOn}
        nodeName={(nodeId) => names.node(nodeId)}
        nowMs={nowMs}
        onRun={drills.runNow}
        onClose={closeDrills}
      />
      <ReliabilityDialog
        isOpen={isReliabilityOpen}
        peers={state.lines
          .filter((line) => line.kind === 'hotline')
          .flatMap((line) => line.members.filter((m) => m !== me.node.nodeId))}
        nodeName={(nodeId) => names.node(nodeId)}
        nowMs={nowMs}
        onSessionEnded={onSessionEnded}
        onClose={closeReliability}
      />
      <PairingDialog
        isOpen={isPairingOpen}
        pairings={pairing.pairings}
        error={pairing.error}
        nowMs={nowMs}
        onClose={closePairing}
      />
      <div className="console__notices">
        <FlashAlarm items={flashes} nowMs={nowMs} />
        <EscalationBanner escalations={escalations.open} authorOf={authorOf} />
        <AlarmBanners
          alarms={alarms}
          names={names}
          canResolve={mayResolve(me.user.role)}
          nowMs={nowMs}
          onResolve={resolve}
        />
        <ConnectionNotice connection={state.connection} />
        <LinkBanners peers={state.peers} nowMs={nowMs} />
        {loadError !== null && (
          <p className="banner banner--error" role="alert">
            {loadError}
          </p>
        )}
      </div>
      <TranslationsContext.Provider value={translations}>
        <div className={hasLineList ? 'console__body console__body--with-lines' : 'console__body'}>
          {hasLineList && (
            <LineList lines={state.lines} selectedLineId={selectedLineId} onSelect={selectLine} />
          )}
          {selectedLine === null ? (
            <main className="line-pane line-pane--empty">
              {state.lines.length === 0 && state.connection !== 'connecting'
                ? t('lines.none')
                : t('app.loading')}
            </main>
          ) : (
            <main className="line-pane" aria-labelledby="line-heading">
              <h1 id="line-heading" className="line-pane__title">
                {t('messages.heading', { title: selectedLine.title })}
              </h1>
              <MessageList
                events={state.eventsByLine[selectedLine.id] ?? []}
                isLoaded={state.loadedLines[selectedLine.id] === true}
                statusById={state.statusById}
                ownNodeId={me.node.nodeId}
                members={selectedLine.members}
                peers={state.peers}
                acknowledgements={acknowledgementsByLine.get(selectedLine.id) ?? NO_ACKNOWLEDGEMENTS}
                nowMs={nowMs}
                canAcknowledge={canAcknowledge}
                onAcknowledge={acknowledge}
                onSeen={markSeen}
              />
              <Compose
                key={selectedLine.id}
                canSend={maySend(me.user.role)}
                roleName={t(`role.${me.user.role}`)}
                onSend={(text, precedence) => send(selectedLine.id, text, precedence)}
                language={language}
                onSendTemplate={(template, params, precedence) =>
                  sendTemplate(selectedLine.id, template, params, precedence)
                }
              />
            </main>
          )}
        </div>
      </TranslationsContext.Provider>
    </div>
  );
}
