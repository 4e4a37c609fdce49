/**
 * A console-like client of a node's live stream (`/api/v1/stream`): it calls back with each
 * event frame and the moment (performance.now()) its frame was parsed, and ignores the
 * `hello`, `state` and `peer` frames.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** An event as the stream carries it (the fields the benchmarks read). */
export interface StreamedEvent {
  id: string;
  origin: string;
  seq: number;
  type: string;
}

export interface StreamClient {
  close(): void;
}

/** Opens the stream of the node at `baseUrl`; resolves once its `hello` frame arrived. */
export function openStream(
  baseUrl: string,
  token: string,
  onEvent: (event: StreamedEvent, cursor: number, receivedAt: number) => void,
  since?: number,
): Promise<StreamClient> {
  const url = new URL('/api/v1/stream', baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('token', token);
  if (since !== undefined) url.searchParams.set('since', String(since));
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no hello from ${url.host}'s stream within 10 s`));
    }, 10_000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`the stream closed before its hello: ${code} ${reason.toString()}`));
    });
    socket.on('message', (data) => {
      const receivedAt = performance.now();
      const frame = JSON.parse(data.toString()) as { type: string; event?: StreamedEvent; cursor?: number };
      if (frame.type === 'hello') {
        clearTimeout(timer);
        resolve({ close: () => socket.terminate() });
      } else if (frame.type === 'event' && frame.event) {
        onEvent(frame.event, frame.cursor ?? 0, receivedAt);
      }
    });
  });
}
