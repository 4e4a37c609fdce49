/**
 * The HTTP API under `/api/v1` (DESIGN.md "External interface"). Every input is parsed with a
 * strict schema (SEC3); permissions come from one table (SEC1).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BLOB_HASH_PATTERN, MAX_ATTACHMENTS } from '../core/blobCheck.ts';
import type { Clock } from '../core/clock.ts';
import { checkTemplated, TEMPLATE_ID_PATTERN } from '../core/phrasebook/render.ts';
import { fingerprint, type Signer } from '../core/sign.ts';
import { LINE_ID_PATTERN, type LiaisonEvent, PRECEDENCES } from '../core/types.ts';
import type { Federation } from '../federation/federation.ts';
import type { Hotline } from '../hotline/messages.ts';
import { safetyCode } from '../node/pairing.ts';
import { exportLines, rebuildProjections } from '../record/export.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, Store } from '../store/types.ts';
import { isAuditEvent } from './audit.ts';
import { ApiError, invalidInput } from './errors.ts';
import { type Action, isAllowed } from './permissions.ts';
import type { Principal, Sessions } from './sessions.ts';

export interface ApiServices {
  nodeId: string;
  nodeName: string;
  store: Store;
  ledger: Ledger;
  hotline: Hotline;
  federation: Federation | null;
  sessions: Sessions;
  signer: Signer;
  clock: Clock;
  /**
   * Imports a peer card through the running node (CLI `pair import`); a revocation card needs
   * the safety code heard by voice (LOG5).
   */
  pair(cardText: string, safetyCode?: string): Promise<object>;
  /** Whether the console is served over HTTPS (decides the cookie's Secure flag). */
  isHttps: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Parses a request part with a schema, or throws the SEC3 400 with each field's problem. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

/** The principal of an authenticated request, checked for an action. */
export function require(request: FastifyRequest, action: Action): Principal {
  const principal = request.principal;
  if (!principal) throw new ApiError(401, 'unauthenticated', 'log in first (missing or expired session)');
  if (!isAllowed(principal.role, action)) {
    throw new ApiError(403, 'forbidden', `the ${principal.role} role may not do this (${action})`);
  }
  return principal;
}

const lineParams = z.object({ id: z.string().regex(LINE_ID_PATTERN, 'not a line id') }).strict();
const eventsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    since: z.coerce.number().int().min(0).optional(),
  })
  .strict();
const messagesQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(500) }).strict();
const postMessageBody = z
  .object({
    text: z.string().trim().min(1, 'a message needs text').max(16_000).optional(),
    // A phrasebook message (HOT6) instead of text; its params are checked against the template.
    template: z.string().regex(TEMPLATE_ID_PATTERN, 'not a template id').optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    precedence: z.enum(PRECEDENCES),
    attachments: z
      .array(z.string().regex(BLOB_HASH_PATTERN, 'not a blob name (lowercase hex SHA-256)'))
      .max(MAX_ATTACHMENTS)
      .optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.template === undefined), {
    message: 'a message has either text or a template (with params), not both',
    path: ['text'],
  })
  .refine((body) => body.params === undefined || body.template !== undefined, {
    message: 'params go with a template',
    path: ['params'],
  });
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an event id') }).strict();
const ackBody = z.object({ text: z.string().trim().max(16_000).optional() }).strict();
const exportQuery = z.object({ line: z.string().regex(LINE_ID_PATTERN).optional() }).strict();
const createLineBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    members: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/, 'not a node id'))
      .min(1)
      .max(16),
  })
  .strict();
const equivocationParams = z.object({ number: z.coerce.number().int().min(1) }).strict();
const resolveBody = z.object({ resolution: z.string().trim().min(3).max(2000) }).strict();
/** A card; a revocation card names each line it revokes on, so it may be long (LOG5). */
const pairBody = z
  .object({
    card: z
      .string()
      .min(2)
      .max(512 * 1024),
    safetyCode: z.string().trim().max(32).optional(),
  })
  .strict();

function lineView(line: LineRecord) {
  return { id: line.id, kind: line.kind, title: line.title, members: line.members };
}

export function registerRoutes(app: FastifyInstance, services: ApiServices): void {
  const { store, ledger, hotline } = services;

  const readableLine = (request: FastifyRequest, id: string): LineRecord => {
    require(request, 'line.read');
    const line = ledger.getLine(id);
    if (!line) throw new ApiError(404, 'unknown-line', `there is no line ${id}`);
    return line;
  };

  app.get('/api/v1/lines', async (request) => {
    require(request, 'line.read');
    return ledger
      .listLines()
      .filter((line) => line.kind !== 'local')
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(lineView);
  });

  app.post('/api/v1/lines', async (request, reply) => {
    const principal = require(request, 'node.admin');
    const body = parse(createLineBody, request.body);
    const line = await ledger.createLine(body.title, body.members, principal.author);
    return reply.status(201).send(lineView(line));
  });

  /** SEC5: the audit entries on the local line are shown only to those with `audit.read`. */
  const visibleTo = (request: FastifyRequest) => {
    const mayReadAudit = request.principal !== null && isAllowed(request.principal.role, 'audit.read');
    return (event: LiaisonEvent) => mayReadAudit || !isAuditEvent(event);
  };

  app.get('/api/v1/lines/:id/events', async (request) => {
    const { id } = parse(lineParams, request.params);
    const line = readableLine(request, id);
    const query = parse(eventsQuery, request.query);
    if (query.since !== undefined) {
      const page = await store.eventsSince(query.since, query.limit, [line.id]);
      const cursor = page.length > 0 ? (page[page.length - 1]?.arrival ?? query.since) : query.since;
      return { events: page.map((s) => s.event).filter(visibleTo(request)), cursor };
    }
    const cursor = await store.lastArrival();
    const events = await store.latestEvents(line.id, query.limit);
    return { events: events.map((s) => s.event).filter(visibleTo(request)), cursor };
  });

  app.get('/api/v1/lines/:id/messages', async (request) => {
    const { id } = parse(lineParams, request.params);
    const line = readableLine(request, id);
    const { limit } = parse(messagesQuery, request.query);
    return hotline.latest(line, limit);
  });

  app.post('/api/v1/lines/:id/messages', async (request, reply) => {
    const { id } = parse(lineParams, request.params);
    const principal = require(request, 'message.send');
    const line = readableLine(request, id);
    const body = parse(postMessageBody, request.body);
    if (body.template !== undefined) {
      const checked = checkTemplated(body.template, body.params ?? {});
      if (!checked.ok) {
        const first = checked.problems[0];
        throw new ApiError(400, 'invalid-template', `${first?.path}: ${first?.message}`, checked.problems);
      }
    }
    const stored = await hotline.post(line.id, principal.author, body);
    return reply.status(201).send(stored.event);
  });

  app.get('/api/v1/messages/:id', async (request) => {
    require(request, 'line.read');
    const { id } = parse(idParams, request.params);
    const view = await hotline.view(id);
    if (!view) throw new ApiError(404, 'unknown-message', `there is no message ${id}`);
    return view;
  });

  app.post('/api/v1/messages/:id/ack', async (request, reply) => {
    const principal = require(request, 'message.ack');
    const { id } = parse(idParams, request.params);
    const { text } = parse(ackBody, request.body);
    const stored = await hotline.acknowledge(id, principal.author, text);
    return reply.status(201).send(stored.event);
  });

  app.post('/api/v1/messages/:id/seen', async (request) => {
    const principal = require(request, 'message.ack');
    const { id } = parse(idParams, request.params);
    await hotline.markSeen(id, principal.author);
    return hotline.view(id);
  });

  app.get('/api/v1/events/:id', async (request) => {
    require(request, 'line.read');
    const { id } = parse(idParams, request.params);
    const stored = await store.getEvent(id);
    if (!stored || !visibleTo(request)(stored.event))
      throw new ApiError(404, 'unknown-event', `there is no event ${id}`);
    return stored.event;
  });

  app.get('/api/v1/peers', async (request) => {
    require(request, 'line.read');
    return services.federation?.status() ?? [];
  });

  /** FED1: the safety code of each pairing, which the duty officers compare by voice. */
  app.get('/api/v1/pairing', async (request) => {
    require(request, 'line.read');
    const nodes = await store.listNodes();
    return nodes
      .filter((node) => !node.isSelf)
      .map((node) => ({
        nodeId: node.nodeId,
        name: node.name,
        safetyCode: safetyCode(services.signer.publicKey, node.publicKey),
        keyFingerprint: fingerprint(node.publicKey),
        tlsFingerprint: node.tlsFingerprint,
        pairedAt: node.addedAt,
      }));
  });

  app.get('/api/v1/export', async (request, reply: FastifyReply) => {
    require(request, 'record.export');
    const query = parse(exportQuery, request.query);
    let lineIds: string[];
    if (query.line) {
      const line = ledger.getLine(query.line);
      if (!line || line.kind === 'local')
        throw new ApiError(404, 'unknown-line', `there is no line ${query.line}`);
      lineIds = [line.id];
    } else {
      lineIds = ledger
        .listLines()
        .filter((l) => l.kind !== 'local')
        .map((l) => l.id)
        .sort();
    }
    const lines = exportLines({
      store,
      signer: services.signer,
      selfId: services.nodeId,
      clock: services.clock,
      lineIds,
    });
    const name = `liaison-${services.nodeId}-${query.line ?? 'all'}.jsonl`;
    void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    void reply.header('content-disposition', `attachment; filename="${name}"`);
    return reply.send(Readable.from(lines));
  });

  app.post('/api/v1/admin/pair', async (request) => {
    require(request, 'node.admin');
    const { card, safetyCode } = parse(pairBody, request.body);
    return services.pair(card, safetyCode);
  });

  app.get('/api/v1/alarms', async (request) => {
    require(request, 'line.read');
    const equivocations = await store.listEquivocations();
    return {
      equivocations: equivocations.map((e) => ({
        id: e.id,
        line: e.line,
        origin: e.origin,
        seq: e.seq,
        heldId: e.heldId,
        conflicting: e.conflicting,
        reportedBy: e.peer,
        detectedAt: e.detectedAt,
      })),
      appendsHeld: ledger.appendsHeldBecause,
    };
  });

  app.post('/api/v1/admin/equivocations/:number/resolve', async (request) => {
    const principal = require(request, 'node.admin');
    const { number } = parse(equivocationParams, request.params);
    const { resolution } = parse(resolveBody, request.body);
    const isResolved = await ledger.resolveEquivocation(number, principal.author, resolution);
    if (!isResolved) throw new ApiError(404, 'unknown-equivocation', `no unresolved equivocation ${number}`);
    return { id: number, resolvedBy: principal.author, resolution };
  });

  app.post('/api/v1/admin/rebuild', async (request) => {
    require(request, 'node.admin');
    await ledger.idle();
    const events = await rebuildProjections(store, services.clock);
    return { events };
  });
}
