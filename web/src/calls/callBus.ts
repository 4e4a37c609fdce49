/**
 * Where the console's stream hands call frames to the call panel (CALL1): the stream belongs to
 * `useConsoleData`, the calls to `useCalls`, and this small bus joins them without threading
 * call state through the message data. Also this page's console id, which the node uses to send
 * a WebRTC signal to the one console it is meant for.
 */

/** This page's console id: random, new on every load, never a secret. */
export const CONSOLE_ID: string = (() => {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
})();

type Listener = (frame: Record<string, unknown>) => void;
const frameListeners = new Set<Listener>();
const openListeners = new Set<() => void>();

/** Hands a `{type: "call" | "signal"}` frame from the stream to the listeners. */
export function publishCallFrame(frame: Record<string, unknown>): void {
  for (const listener of frameListeners) listener(frame);
}

/** Tells the listeners the stream is (again) live, so they read the calls in progress afresh. */
export function publishStreamOpened(): void {
  for (const listener of openListeners) listener();
}

/** Listens to call frames and stream openings; returns the unsubscribe. */
export function subscribeCalls(onFrame: Listener, onOpened: () => void): () => void {
  frameListeners.add(onFrame);
  openListeners.add(onOpened);
  return () => {
    frameListeners.delete(onFrame);
    openListeners.delete(onOpened);
  };
}
