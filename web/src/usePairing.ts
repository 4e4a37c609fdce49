/**
 * The pairings' safety codes (FED1), read once at the start, again when the Pairing panel
 * opens, and when a peer this console has no pairing for appears on the stream.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, fetchPairing, type Pairing, type Peer } from './api.ts';

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
  const [pairings, setPairings] = useState<Pairing[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onUnauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
  }, [onUnauthorized]);
  const latestRequest = useRef(0);

  const refresh = useCallback(() => {
    const requestNumber = ++latestRequest.current;
    fetchPairing()
      .then((next) => {
        if (requestNumber !== latestRequest.current) return;
        setPairings(next);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (caught instanceof ApiError && caught.status === 401) onUnauthorizedRef.current();
        else if (requestNumber === latestRequest.current) {
          setError(caught instanceof Error ? caught.message : String(caught));
        }
      });
  }, []);

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
