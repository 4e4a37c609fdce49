/**
 * The main screen: header with node, user, peer links and the Pairing panel (FED1); the FLASH
 * alarm, the record alarms (LOG9), link and connection banners; the selected line's messages
 * and the compose box, with a list of lines when there are several. A one-second clock turns
 * messages overdue as their deadlines pass (HOT3).
 */
import { useCallback, useMemo, useState } from 'react';
import { alarmNames, mayResolve } from '../alarms.ts';
import type { Me } from '../api.ts';
import { mayAcknowledge, maySend, unacknowledgedFlashes } from '../messageState.ts';
import { type Acknowledgement, acknowledgementsByMessage } from '../messages.ts';
import { t } from '../strings.ts';
import { useAlarms } from '../useAlarms.ts';
import { useConsoleData } from '../useConsoleData.ts';
import { useNow } from '../useNow.ts';
import { usePairing } from '../usePairing.ts';
import { AlarmBanners } from './AlarmBanners.tsx';
import { Compose } from './Compose.tsx';
import { ConnectionNotice } from './ConnectionNotice.tsx';
import { FlashAlarm } from './FlashAlarm.tsx';
import { Header } from './Header.tsx';
import { LineList } from './LineList.tsx';
import { LinkBanners } from './LinkBanners.tsx';
import { MessageList } from './MessageList.tsx';
import { PairingDialog } from './PairingDialog.tsx';

const NO_ACKNOWLEDGEMENTS: ReadonlyMap<string, Acknowledgement> = new Map();

/** Props of `ConsoleScreen`. */
export interface ConsoleScreenProps {
  me: Me;
  onSignOut(): void;
  /** The node answered 401: the session is gone. */
  onSessionEnded(): void;
}

/** The duty officer's main screen. */
export function ConsoleScreen({ me, onSignOut, onSessionEnded }: ConsoleScreenProps) {
  const { state, selectedLineId, selectLine, send, acknowledge, markSeen, loadError } =
    useConsoleData(onSessionEnded);
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
  const flashes = state.lines.flatMap((line) =>
    unacknowledgedFlashes(
      state.eventsByLine[line.id] ?? [],
      state.statusById,
      me.node.nodeId,
      nowMs,
      acknowledgementsByLine.get(line.id),
    ),
  );
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
        onSignOut={onSignOut}
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
            />
          </main>
        )}
      </div>
    </div>
  );
}
