/**
 * The node's call routes as the console uses them (CALL1–CALL3; src/server/callRoutes.ts).
 * The types mirror the node's `CallView` and `CallRecord`.
 */

import type { CallRecord } from '../../../src/calls/callLog.ts';
import type { CallView as LiveCall } from '../../../src/calls/callTypes.ts';
import type { Precedence } from '../../../src/core/types.ts';
import type { CallMedia } from '../../../src/federation/protocol.ts';
import { CONSOLE_REQUEST_HEADERS, request } from '../api.ts';
import { CONSOLE_ID } from './callBus.ts';

// The node's own types (type-only imports: nothing of the node's code reaches the browser).
export type { CallRecord, CallRecording } from '../../../src/calls/callLog.ts';
export type { CallParty, CallView as LiveCall } from '../../../src/calls/callTypes.ts';
export type { CallEndReason, CallMedia } from '../../../src/federation/protocol.ts';

/** What RTCPeerConnection is configured with (CALL3). */
export interface CallConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  ringTimeoutMs: number;
}

export function fetchCallConfig(): Promise<CallConfig> {
  return request<CallConfig>('GET', '/calls/config');
}

export async function fetchLiveCalls(): Promise<LiveCall[]> {
  return (await request<{ calls: LiveCall[] }>('GET', '/calls/live')).calls;
}

export async function fetchCallLog(line: string): Promise<CallRecord[]> {
  return (await request<{ calls: CallRecord[] }>('GET', `/calls?line=${encodeURIComponent(line)}`)).calls;
}

export async function placeCall(line: string, media: CallMedia, precedence?: Precedence): Promise<LiveCall> {
  const body = { line, media, client: CONSOLE_ID, ...(precedence ? { precedence } : {}) };
  return (await request<{ call: LiveCall }>('POST', '/calls', body)).call;
}

export async function answerCall(id: string): Promise<LiveCall> {
  return (await request<{ call: LiveCall }>('POST', `/calls/${id}/answer`, { client: CONSOLE_ID })).call;
}

export async function hangUpCall(id: string, mediaFailed = false): Promise<LiveCall> {
  const body = mediaFailed ? { mediaFailed } : {};
  return (await request<{ call: LiveCall }>('POST', `/calls/${id}/hangup`, body)).call;
}

export function sendSignal(
  id: string,
  to: string,
  kind: 'offer' | 'answer' | 'ice',
  data: string,
): Promise<unknown> {
  return request('POST', `/calls/${id}/signal`, { client: CONSOLE_ID, to, kind, data });
}

/** Starts or stops recording a call (CALL4): the indicator every party sees. */
export async function setCallRecording(id: string, recording: boolean): Promise<LiveCall> {
  return (await request<{ call: LiveCall }>('POST', `/calls/${id}/recording`, { recording })).call;
}

/** A line's recording policy (CALL4). */
export interface CallPolicy {
  line: string;
  recordingAllowed: boolean;
  byNode: Record<string, 'allowed' | 'forbidden'>;
}

export function fetchCallPolicy(line: string): Promise<CallPolicy> {
  return request<CallPolicy>('GET', `/lines/${encodeURIComponent(line)}/call-policy`);
}

/** Uploads a file as a blob (LOG11); the session cookie authenticates it. */
export async function uploadBlob(file: Blob): Promise<{ hash: string; size: number }> {
  const response = await fetch('/api/v1/blobs', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream', ...CONSOLE_REQUEST_HEADERS },
    body: file,
  });
  if (!response.ok) throw new Error(`the recording could not be uploaded (HTTP ${response.status})`);
  return (await response.json()) as { hash: string; size: number };
}

/** Names an uploaded recording in the record (`call.recorded`). */
export function postRecording(id: string, blob: string, durationMs: number, mime: string): Promise<unknown> {
  return request('POST', `/calls/${id}/recordings`, { blob, durationMs, mime });
}
