/**
 * The pairings' safety codes (FED1), read once at the start, again when the Pairing panel
 * opens, and when a peer this console has no pairing for appears on the stream.
 */
import { useEffect, useRef } from 'react';
import { fetchPairing, type Pairing, type Peer } from './api.ts';
import { useLatestRead } from './useLatestRead.ts';

/** What the screen gets from `usePairing`. */
export interface PairingData {
  /** Null until the first answer. */
  pairings: Pairing[] | null;
  /** A failure to read them, in words, or null. */
  error: string | null;
  refresh(): void;
}

/** Loads the pairings; `onUnauthorized` runs when the session has ended. */
export function usePairing(peers: readonly Peer[], onUnauthorized: () => void): PairingData {
  const { data: pairings, error, refresh } = useLatestRead(fetchPairing, onUnauthorized);

  // Read at the start, and again whenever a peer without a known pairing shows up.
  const unpairedPeers = peers
    .filter((peer) => pairings !== null && !pairings.some((pairing) => pairing.nodeId === peer.nodeId))
    .map((peer) => peer.nodeId)
    .join(',');
  const readFor = useRef<string | null>(null);
  useEffect(() => {
    if (readFor.current === unpairedPeers) return;
    readFor.current = unpairedPeers;
    refresh();
  }, [unpairedPeers, refresh]);

  return { pairings, error, refresh };
}
