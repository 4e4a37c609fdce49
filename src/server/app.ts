/**
 * The node's HTTP face: the API, the console's stream, the console itself, `/healthz` and
 * `/metrics`. JSON bodies over 1 MiB are refused with 413 (SEC3); CSRF checks and security
 * headers are in requestGuards.ts (SEC2).
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket, { type WebsocketHandler } from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { z } from 'zod';
import type { CallRequests } from '../calls/requests.ts';
import { registerAuthRoutes } from './authRoutes.ts';
import { type BlobRouteOptions, registerBlobRoutes } from './blobRoutes.ts';
import { registerCallRequestRoutes } from './callRequestRoutes.ts';
import { registerDrillRoutes } from './drillRoutes.ts';
import { registerDutyRoutes } from './dutyRoutes.ts';
import { ApiError, answerClientError, answerFrameworkError, installErrorHandling } from './errors.ts';
import { type KeyServices, registerKeyRoutes } from './keyRoutes.ts';
import { registerMeRoutes } from './meRoutes.ts';
import type { NodeMetrics } from './metrics.ts';
import { isAllowed } from './permissions.ts';
import { registerPhrasebookRoutes } from './phrasebookRoutes.ts';
import { registerReportRoutes } from './reportRoutes.ts';
import { installRequestGuards } from './requestGuards.ts';
import { type ApiServices, registerRoutes } from './routes.ts';
import { tokenFrom } from './sessions.ts';
import type { StreamHub } from './stream.ts';
import { registerTranslationRoutes } from './translationRoutes.ts';
import { closeRefusedUpgrade, installUpgradeGuard } from './upgradeGuard.ts';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** The console's Content-Security-Policy (SEC2): same-origin scripts, styles and sockets only. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface AppOptions extends ApiServices {
  /** Key rotation and unpairing (LOG5, FED1, keyRoutes.ts). */
  keys?: KeyServices;
  logger: FastifyBaseLogger;
  metrics: NodeMetrics;
  stream: StreamHub;
  /** Folder of the built console (web/dist), served at `/` when present. */
  consoleDir: string | null;
  startedAt: number;
  /** The blob store and its upload limit (LOG11); without it the node serves no blob routes. */
  blobs?: BlobRouteOptions;
  /** Call requests (HOT7); without them the node serves no call request routes. */
  callRequests?: CallRequests;
  /** Serve over HTTPS with this certificate and key (SEC2, src/node/consoleTls.ts); plain HTTP without. */
  https?: { keyPem: string; certPem: string } | null;
}

const streamQuery = z
  .object({
    since: z.coerce.number().int().min(0).optional(),
    token: z.string().max(200).optional(),
    client: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  })
  .strict();

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // SEC2: the console and API over TLS everywhere but loopback (the type stays the HTTP one's).
    ...((options.https
      ? { https: { key: options.https.keyPem, cert: options.https.certPem, requireHostHeader: false } }
      : {}) as object),
    // Node refuses an HTTP/1.1 request without Host with an empty 400; the hook below answers it (SEC3).
    http: { requireHostHeader: false },
    loggerInstance: options.logger,
    bodyLimit: MAX_JSON_BODY_BYTES,
    // Requests are counted in /metrics; logging each one would cost more than serving it.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // SEC3: a bad path, or a request that is not HTTP, is refused in our envelope too, not Fastify's.
    frameworkErrors: (error, request, reply) => {
      closeRefusedUpgrade(request, reply);
      answerFrameworkError(error, request, reply);
    },
    clientErrorHandler: answerClientError,
  });
  installErrorHandling(app);
  installRequestGuards(app, { isHttps: options.isHttps });
  installUpgradeGuard(app);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && !request.headers.host)
      throw new ApiError(400, 'host-required', 'an HTTP/1.1 request names its Host (RFC 9112)');
  });
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = tokenFrom(request.headers, request.query);
    request.principal = token ? await options.sessions.authenticate(token) : null;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && request.url.startsWith('/api/')) {
      const code = typeof payload === 'string' ? /"error":"([a-z0-9-]+)"/.exec(payload)?.[1] : undefined;
      options.metrics.httpErrors.inc({ code: code ?? String(reply.statusCode) });
    }
    if (!request.url.startsWith('/api/')) void reply.header('content-security-policy', CONSOLE_CSP);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // SEC3: a plain GET (no WebSocket upgrade) gets the envelope, not the plugin's empty 404.
  const streamOverPlainHttp = async () => {
    throw new ApiError(426, 'upgrade-required', 'the stream is a WebSocket: open it with ws:// or wss://');
  };
  const attachStream: WebsocketHandler = (socket, request) => {
    const parsed = streamQuery.safeParse(request.query ?? {});
    if (!request.principal) {
      socket.close(4401, 'unauthenticated');
      return;
    }
    if (!parsed.success) {
      socket.close(4400, 'bad query: since must be a cursor');
      return;
    }
    const identity = {
      clientId: parsed.data.client ?? null,
      takesCalls: isAllowed(request.principal.role, 'call.make'),
      readsAudit: isAllowed(request.principal.role, 'audit.read'),
      user: request.principal.author,
    };
    void options.stream.attach(socket, parsed.data.since ?? null, identity).then(() => {
      for (const peer of options.federation?.status() ?? []) {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'peer', peer }));
      }
    });
  };
  app.route({ method: 'GET', url: '/api/v1/stream', handler: streamOverPlainHttp, wsHandler: attachStream });

  registerAuthRoutes(app, options);
  registerRoutes(app, options);
  registerDrillRoutes(app, options);
  registerReportRoutes(app, options);
  registerDutyRoutes(app, options);
  registerTranslationRoutes(app, options);
  if (options.callRequests) registerCallRequestRoutes(app, options.callRequests);
  registerKeyRoutes(app, options);
  registerPhrasebookRoutes(app);
  registerMeRoutes(app, options);
  if (options.blobs) registerBlobRoutes(app, options.blobs);

  app.get('/healthz', async () => ({
    // A node holding its appends (catching up after a restore, LOG9) is up but says why.
    status: options.ledger.appendsHeldBecause ? 'catching-up' : 'ok',
    ...(options.ledger.appendsHeldBecause ? { reason: options.ledger.appendsHeldBecause } : {}),
    nodeId: options.nodeId,
    store: options.store.kind,
    uptimeSeconds: Math.round((options.clock.now() - options.startedAt) / 1000),
  }));

  app.get('/metrics', async (_request, reply) => {
    options.metrics.observePeers(options.federation?.status() ?? []);
    void reply.header('content-type', options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });

  if (options.consoleDir && existsSync(options.consoleDir)) {
    await app.register(fastifyStatic, { root: options.consoleDir, prefix: '/', wildcard: false });
    app.get('/*', async (request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply
          .status(404)
          .send({ error: 'not-found', message: `no route ${request.method} ${request.url}` });
      }
      return reply.sendFile('index.html');
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('Liaison node is running. The console is not built: run `npx liaison build-console`.\n'),
    );
  }
  return app;
}
