/**
 * The main screen: header with node, user, peer links and the Pairing panel (FED1); the FLASH
 * alarm, the record alarms (LOG9), link and connection banners; the selected line's messages
 * and the compose box, with a list of lines when there are several. A one-second clock turns
 * messages overdue as their deadlines pass (HOT3).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import { alarmNames, mayResolve } from '../alarms.ts';
import { logoutEverywhere, type Me, patchMyLanguage, postTranslation } from '../api.ts';
import { mayCall, useCalls } from '../calls/useCalls.ts';
import { mayScheduleTalks, TALK_EVENT_TYPES, useTalks } from '../calls/useTalks.ts';
import { ENCOUNTER_TRIGGER_TYPES } from '../encounters/board.ts';
import { escalatedMessages, openEscalations } from '../escalations.ts';
import { mayAcknowledge, maySend, unacknowledgedFlashes } from '../messageState.ts';
import { type Acknowledgement, acknowledgementsByMessage } from '../messages.ts';
import { mayIssueNotices, NOTICE_TRIGGER_TYPES } from '../notices/list.ts';
import { t } from '../strings.ts';
import { setPeerTimeZones } from '../time.ts';
import { useAlarms } from '../useAlarms.ts';
import { CALL_REQUEST_EVENT_TYPES, mayRequestCalls } from '../useCallRequests.ts';
import { useConsoleData } from '../useConsoleData.ts';
import { useDrills } from '../useDrills.ts';
import { DUTY_EVENT_TYPES, mayHoldDesk, mayReassignDesk, mayTranslate, useDuty } from '../useDuty.ts';
import { useNow } from '../useNow.ts';
import { usePairing } from '../usePairing.ts';
import { mayReadReports } from '../useReliability.ts';
import { mayManageUsers, mayReadAudit } from '../usersApi.ts';
import { AlarmBanners } from './AlarmBanners.tsx';
import { AuditDialog } from './AuditDialog.tsx';
import { CallLogDialog } from './CallLogDialog.tsx';
import { CallButtons, CallWindow, IncomingCalls, isLineBusy } from './CallPanel.tsx';
import { CallRequests } from './CallRequests.tsx';
import { Compose } from './Compose.tsx';
import { ConnectionNotice } from './ConnectionNotice.tsx';
import { DrillsDialog } from './DrillsDialog.tsx';
import { DutyBar } from './DutyBar.tsx';
import { DutyHandoverDialog } from './DutyHandoverDialog.tsx';
import { EncounterStrip } from './EncounterStrip.tsx';
import { EscalationBanner } from './EscalationBanner.tsx';
import { FlashAlarm } from './FlashAlarm.tsx';
import { Header } from './Header.tsx';
import { LineList } from './LineList.tsx';
import { LinkBanners } from './LinkBanners.tsx';
import { MapPanel } from './MapPanel.tsx';
import { MessageList } from './MessageList.tsx';
import { NoticesDialog } from './NoticesDialog.tsx';
import { PairingDialog } from './PairingDialog.tsx';
import { ReliabilityDialog } from './ReliabilityDialog.tsx';
import { TalkRoom } from './TalkRoom.tsx';
import { TalksDialog } from './TalksDialog.tsx';
import {
  TranslationsContext,
  type TranslationsContextValue,
  translationsByMessage,
} from './TranslationContext.tsx';
import { UsersDialog } from './UsersDialog.tsx';

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
  // SEC2: every session of the user ends, this one included.
  const signOutEverywhere = useCallback(async () => {
    try {
      await logoutEverywhere();
    } catch {
      // The local token is dropped either way; the sign-in screen follows.
    }
    onSignOut();
  }, [onSignOut]);
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
  // HOT7: call requests are re-read whenever a request or an answer arrives, on any line.
  const callRequestEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) =>
          count + events.filter((event) => CALL_REQUEST_EVENT_TYPES.includes(event.type)).length,
        0,
      ),
    [state.eventsByLine],
  );
  // ENC1, ENC2: the encounters are re-read whenever an encounter event or an acknowledgement arrives.
  const encounterEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) =>
          count + events.filter((event) => ENCOUNTER_TRIGGER_TYPES.includes(event.type)).length,
        0,
      ),
    [state.eventsByLine],
  );
  // ENC3, ENC4: the map re-reads encounters and notices whenever one of their events arrives, and
  // on acknowledgements, which move an encounter to acknowledged.
  const mapEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) =>
          count +
          events.filter(
            (event) =>
              event.type.startsWith('encounter.') ||
              event.type.startsWith('notice.') ||
              event.type === 'message.acknowledged',
          ).length,
        0,
      ),
    [state.eventsByLine],
  );
  const [isMapOpen, setIsMapOpen] = useState(false);
  const openMap = useCallback(() => setIsMapOpen(true), []);
  const closeMap = useCallback(() => setIsMapOpen(false), []);
  // SEC1, SEC5: the Users panel for admins, the Audit log for admins and supervisors.
  const [isUsersOpen, setIsUsersOpen] = useState(false);
  const openUsers = useCallback(() => setIsUsersOpen(true), []);
  const closeUsers = useCallback(() => setIsUsersOpen(false), []);
  const [isAuditOpen, setIsAuditOpen] = useState(false);
  const openAudit = useCallback(() => setIsAuditOpen(true), []);
  const closeAudit = useCallback(() => setIsAuditOpen(false), []);
  // ENC3: the Notices panel re-reads on each notice event, sighting and acknowledgement, on any line.
  const noticeEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) => count + events.filter((event) => NOTICE_TRIGGER_TYPES.includes(event.type)).length,
        0,
      ),
    [state.eventsByLine],
  );
  const [isNoticesOpen, setIsNoticesOpen] = useState(false);
  const openNotices = useCallback(() => setIsNoticesOpen(true), []);
  const closeNotices = useCallback(() => setIsNoticesOpen(false), []);
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

  const calls = useCalls();
  const [isCallLogOpen, setIsCallLogOpen] = useState(false);
  const closeCallLog = useCallback(() => setIsCallLogOpen(false), []);
  const callEventCount = selectedLine
    ? (state.eventsByLine[selectedLine.id] ?? []).filter((event) => event.type.startsWith('call.')).length
    : 0;

  // CALL5: video talks, re-read whenever a talk event arrives, on any line.
  const talkEvents = useMemo(
    () =>
      Object.values(state.eventsByLine).reduce(
        (count, events) => count + events.filter((event) => TALK_EVENT_TYPES.includes(event.type)).length,
        0,
      ),
    [state.eventsByLine],
  );
  const talks = useTalks(talkEvents, onSessionEnded);
  const [isTalksOpen, setIsTalksOpen] = useState(false);
  const refreshTalks = talks.refresh;
  const openTalks = useCallback(() => {
    refreshTalks();
    setIsTalksOpen(true);
  }, [refreshTalks]);
  const closeTalks = useCallback(() => setIsTalksOpen(false), []);
  const joinTalk = talks.join;
  const joinTalkAndClose = useCallback(
    (id: string) => {
      joinTalk(id);
      setIsTalksOpen(false);
    },
    [joinTalk],
  );

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
        onOpenTalks={openTalks}
        isTalksOpen={isTalksOpen}
        onOpenMap={openMap}
        isMapOpen={isMapOpen}
        {...(mayManageUsers(me.user.role) ? { onOpenUsers: openUsers, isUsersOpen } : {})}
        {...(mayReadAudit(me.user.role) ? { onOpenAudit: openAudit, isAuditOpen } : {})}
        onSignOut={onSignOut}
        onSignOutEverywhere={signOutEverywhere}
      />
      <UsersDialog
        isOpen={isUsersOpen}
        self={me.user.username}
        onSessionEnded={onSessionEnded}
        onClose={closeUsers}
      />
      <AuditDialog
        isOpen={isAuditOpen}
        selfId={me.node.nodeId}
        onSessionEnded={onSessionEnded}
        onClose={closeAudit}
      />
      <NoticesDialog
        isOpen={isNoticesOpen}
        trigger={noticeEvents}
        selfId={me.node.nodeId}
        lines={state.lines}
        statusById={state.statusById}
        nowMs={nowMs}
        canIssue={mayIssueNotices(me.user.role)}
        canAcknowledge={canAcknowledge}
        nodeName={(nodeId) => names.node(nodeId)}
        onAcknowledge={acknowledge}
        onSessionEnded={onSessionEnded}
        onClose={closeNotices}
      />
      <MapPanel
        isOpen={isMapOpen}
        trigger={mapEvents}
        nowMs={nowMs}
        onSessionEnded={onSessionEnded}
        onClose={closeMap}
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
      <CallRequests
        selfId={me.node.nodeId}
        lines={state.lines}
        callRequestEvents={callRequestEvents}
        canRequest={mayRequestCalls(me.user.role)}
        nowMs={nowMs}
        nodeName={(nodeId) => names.node(nodeId)}
        onSessionEnded={onSessionEnded}
      />
      <EncounterStrip
        selfId={me.node.nodeId}
        role={me.user.role}
        language={language}
        lines={state.lines}
        encounterEvents={encounterEvents}
        nowMs={nowMs}
        canAcknowledge={canAcknowledge}
        nodeName={(nodeId) => names.node(nodeId)}
        onAcknowledge={acknowledge}
        onOpenThread={selectLine}
        onSessionEnded={onSessionEnded}
        onOpenNotices={openNotices}
        isNoticesOpen={isNoticesOpen}
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
      <TalksDialog
        isOpen={isTalksOpen}
        talks={talks.talks}
        error={talks.listError}
        peers={state.peers.filter((peer) => peer.unpaired !== true)}
        canSchedule={mayScheduleTalks(me.user.role)}
        isBusy={talks.isBusy}
        joinedTalk={talks.talk}
        nowMs={nowMs}
        nodeName={(nodeId) => names.node(nodeId)}
        onSchedule={talks.schedule}
        onCancel={talks.cancel}
        onJoin={joinTalkAndClose}
        onLeave={talks.leave}
        onClose={closeTalks}
      />
      <PairingDialog
        isOpen={isPairingOpen}
        pairings={pairing.pairings}
        error={pairing.error}
        nowMs={nowMs}
        onClose={closePairing}
      />
      {selectedLine !== null && (
        <CallLogDialog
          isOpen={isCallLogOpen}
          line={selectedLine.id}
          version={callEventCount}
          nowMs={nowMs}
          onClose={closeCallLog}
        />
      )}
      <div className="console__notices">
        <IncomingCalls
          calls={calls.calls}
          canAnswer={mayCall(me.user.role) && calls.shown?.state !== 'answered'}
          onAnswer={calls.answer}
          onDecline={calls.hangUp}
        />
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
        <div
          className={[
            'console__body',
            hasLineList ? 'console__body--with-lines' : '',
            calls.shown !== null ? 'console__body--with-call' : '',
          ]
            .filter(Boolean)
            .join(' ')}
        >
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
              <div className="line-pane__head">
                <h1 id="line-heading" className="line-pane__title">
                  {t('messages.heading', { title: selectedLine.title })}
                </h1>
                {selectedLine.kind === 'hotline' && (
                  <CallButtons
                    canCall={mayCall(me.user.role)}
                    isBusy={isLineBusy(calls.calls, selectedLine.id)}
                    onCall={(media) => calls.place(selectedLine.id, media)}
                    onOpenLog={() => setIsCallLogOpen(true)}
                  />
                )}
              </div>
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
          {calls.shown !== null && (
            <CallWindow
              call={calls.shown}
              localStream={calls.localStream}
              remoteStream={calls.remoteStream}
              quality={calls.quality}
              mediaFlowingAt={calls.mediaFlowingAt}
              error={calls.error}
              recording={{
                isAllowed: calls.recordingAllowed,
                isHere: calls.isRecordingHere,
                savedBlob: calls.savedRecording,
                onToggle: calls.toggleRecording,
              }}
              onHangUp={() => calls.shown && calls.hangUp(calls.shown.id)}
              onDismiss={calls.dismiss}
            />
          )}
          {talks.talk !== null && (
            <TalkRoom
              talk={talks.talks?.find((talk) => talk.id === talks.talk) ?? null}
              self={talks.self}
              isJoining={talks.isJoining}
              localStream={talks.localStream}
              remotes={talks.remotes}
              error={talks.error}
              onLeave={talks.leave}
            />
          )}
        </div>
      </TranslationsContext.Provider>
    </div>
  );
}
