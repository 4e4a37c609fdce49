/**
 * Call recording over HTTP (CALL4):
 * - `GET /api/v1/lines/:id/call-policy` → `{line, recordingAllowed, byNode}`;
 * - `PUT /api/v1/lines/:id/call-policy {recording: "allowed" | "forbidden"}` (admin) → this
 *   node's choice as a signed `call.policy` event on the line; recording needs every member's;
 * - `POST /api/v1/calls/:id/recording {recording: true | false}` → starts or stops recording a
 *   call in progress: a `call.recording` event, shown as the indicator on every side;
 * - `POST /api/v1/calls/:id/recordings {blob, durationMs, mime}` → 201 with the event: the recording, uploaded
 *   first as a blob (`POST /api/v1/blobs`), named in the record by a `call.recorded` event with its
 *   hash, size and duration; the blob is in `attachments`, so the peers fetch it (FED11).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Calls } from '../calls/calls.ts';
import { CALL_POLICY_TYPE, type RecordingPolicy } from '../calls/recordingPolicy.ts';
import { LINE_ID_PATTERN } from '../core/types.ts';
import type { BlobStore } from '../node/blobStore.ts';
import type { Ledger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { readCallLog } from './callRoutes.ts';
import { ApiError } from './errors.ts';
import { parse, require } from './routes.ts';

export interface RecordingRouteDeps {
  calls: Calls;
  policy: RecordingPolicy;
  ledger: Ledger;
  store: Store;
  blobs: BlobStore;
}

/** A recording lasts at most a day. */
const MAX_RECORDING_MS = 86_400_000;

const lineParams = z.object({ id: z.string().regex(LINE_ID_PATTERN, 'not a line id') }).strict();
const callParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a call id') }).strict();
const policyBody = z.object({ recording: z.enum(['allowed', 'forbidden']) }).strict();
const recordingBody = z.object({ recording: z.boolean() }).strict();
const recordedBody = z
  .object({
    blob: z.string().regex(/^[0-9a-f]{64}$/, 'a blob name: 64 lowercase hex digits'),
    durationMs: z.number().int().min(0).max(MAX_RECORDING_MS),
    mime: z
      .string()
      .regex(
        /^(audio|video)\/webm(;[ a-z0-9=,.]*)?$/i,
        'audio/webm or video/webm, as MediaRecorder makes it',
      ),
  })
  .strict();

export function registerRecordingRoutes(app: FastifyInstance, deps: RecordingRouteDeps): void {
  const { calls, policy, ledger } = deps;

  const requireLine = (id: string) => {
    const line = ledger.getLine(id);
    if (!line || line.kind === 'local') throw new ApiError(404, 'unknown-line', `there is no line ${id}`);
    return line;
  };

  app.get('/api/v1/lines/:id/call-policy', async (request) => {
    require(request, 'line.read');
    const { id } = parse(lineParams, request.params);
    requireLine(id);
    return policy.of(id);
  });

  app.put('/api/v1/lines/:id/call-policy', async (request) => {
    const principal = require(request, 'node.admin');
    const { id } = parse(lineParams, request.params);
    const body = parse(policyBody, request.body);
    requireLine(id);
    await ledger.append(id, principal.author, CALL_POLICY_TYPE, { recording: body.recording });
    return policy.of(id);
  });

  app.post('/api/v1/calls/:id/recording', async (request) => {
    const principal = require(request, 'call.make');
    const { id } = parse(callParams, request.params);
    const body = parse(recordingBody, request.body);
    return { call: await calls.setRecording(id, principal.author, body.recording) };
  });

  app.post('/api/v1/calls/:id/recordings', async (request, reply) => {
    const principal = require(request, 'call.make');
    const { id } = parse(callParams, request.params);
    const body = parse(recordedBody, request.body);
    const record = (await readCallLog(deps.store)).find((call) => call.id === id);
    if (!record) throw new ApiError(404, 'unknown-call', `the record holds no call ${id}`);
    if (!policy.of(record.line).recordingAllowed) {
      throw new ApiError(
        409,
        'recording-forbidden',
        'the policy of this line does not allow recording calls',
      );
    }
    const bytes = deps.blobs.sizeOf(body.blob);
    if (bytes === null) {
      throw new ApiError(
        400,
        'unknown-blob',
        `blob ${body.blob} is not held here: upload it first (POST /api/v1/blobs)`,
      );
    }
    const stored = await ledger.append(record.line, principal.author, 'call.recorded', {
      call: id,
      blob: body.blob,
      bytes,
      durationMs: body.durationMs,
      mime: body.mime,
      attachments: [body.blob],
    });
    return reply.status(201).send(stored.event);
  });
}
