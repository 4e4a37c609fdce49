/**
 * One error type carrying its HTTP response, and one central handler (SEC3): every failure
 * leaves as `{"error": "kebab-code", "message": "…", "fields"?: [{path, message}]}`, never a
 * framework's default text and never a 500 for a client's mistake.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { RecordError } from '../record/ledger.ts';
import { isStoreUnavailable } from '../store/errors.ts';

export interface FieldProblem {
  path: string;
  message: string;
}

/** An error with its HTTP status and wire code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    /** More for the client beside the envelope, e.g. `enrolmentToken` (SEC2). */
    readonly details?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Status codes for the ledger's refusals. */
const RECORD_STATUS: Record<string, number> = {
  'unknown-line': 404,
  'not-member': 403,
  'line-not-ready': 409,
  'line-closed': 409,
  'body-too-large': 413,
  'store-unavailable': 503,
  'catching-up': 503,
  'too-few-members': 400,
  'unknown-node': 400,
  'unknown-message': 404,
  'own-message': 409,
  'already-acknowledged': 409,
  // Calls (CALL1, src/calls/calls.ts).
  'not-a-hotline': 400,
  'call-in-progress': 409,
  'unknown-call': 404,
  'not-ringing': 409,
  'not-a-party': 403,
  'peer-unreachable': 409,
  'not-answered': 409,
  'recording-forbidden': 409,
  // Encounters and notices (ENC1–ENC3, src/encounters/).
  'not-a-draft': 409,
  'unknown-encounter': 404,
  'not-submitted': 409,
  'encounter-closed': 409,
  'no-hotline': 409,
  'line-required': 400,
  'unknown-notice': 404,
  'not-our-notice': 403,
  // Video talks (CALL5, src/calls/talks.ts).
  'unknown-talk': 404,
  'talk-cancelled': 409,
  'not-a-participant': 403,
  'console-in-use': 409,
};

/** Turns a ZodError into the SEC3 envelope. */
export function invalidInput(error: ZodError): ApiError {
  const fields = error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  const first = fields[0];
  const summary = first ? `${first.path}: ${first.message}` : 'the request is not valid';
  return new ApiError(400, 'invalid-input', summary, fields);
}

/** Fastify's own error codes, mapped to ours. */
function fromFastify(error: FastifyError): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body-too-large', 'the request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'malformed-json', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported-media-type', 'send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad-content-length', 'the Content-Length header does not match the body');
    default:
      break;
  }
  if (error instanceof SyntaxError)
    return new ApiError(400, 'malformed-json', 'the request body is not valid JSON');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, 'bad-request', error.message);
  }
  return null;
}

/**
 * Fastify's refusals before a request reaches a route — a path that is not valid percent-encoding,
 * a path parameter over 100 characters — in the SEC3 envelope (the `frameworkErrors` option of
 * app.ts); without it Fastify answers them with its own body. Found by the fuzz suite.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  let apiError: ApiError;
  if (error.code === 'FST_ERR_BAD_URL') {
    apiError = new ApiError(400, 'bad-url', 'the path is not valid percent-encoded UTF-8');
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    apiError = new ApiError(414, 'path-too-long', 'a part of the path is longer than any id the node has');
  } else {
    request.log.error({ err: error }, 'unexpected error before routing');
    apiError = new ApiError(500, 'internal', 'the node could not handle this request; it has been logged');
  }
  void reply.status(apiError.status).send({ error: apiError.code, message: apiError.message });
}

/** What Node's HTTP parser refused, as the status, code and message of the SEC3 envelope. */
function clientErrorAnswer(
  code: string | undefined,
): [status: number, reason: string, error: string, message: string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, 'Request Timeout', 'request-timeout', 'the request did not arrive in time'];
  if (code === 'HPE_HEADER_OVERFLOW')
    return [431, 'Request Header Fields Too Large', 'headers-too-large', 'the request headers are too large'];
  return [400, 'Bad Request', 'bad-http', 'the request is not valid HTTP/1.1'];
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a broken request line, a bad
 * Content-Length or chunk, headers over the limit) answered in the SEC3 envelope on the raw
 * socket (the `clientErrorHandler` option of app.ts), as Fastify's default does with its own
 * body. Found by the fuzz suite.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection is gone: there is no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] = clientErrorAnswer(error.code);
  const body = JSON.stringify({ error: code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Installs the central error and not-found handlers. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError: ApiError | null = null;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof ZodError) apiError = invalidInput(error);
    else if (error instanceof RecordError)
      apiError = new ApiError(RECORD_STATUS[error.code] ?? 400, error.code, error.message);
    else if (isStoreUnavailable(error)) {
      // Any read or write of the request may meet a database that is out of reach for now.
      request.log.warn({ err: error }, 'the database is not answering');
      apiError = new ApiError(
        503,
        'store-unavailable',
        'the node cannot reach its database just now; nothing was changed, try again',
      );
    } else apiError = fromFastify(error);
    if (!apiError) {
      request.log.error({ err: error }, 'unexpected error');
      apiError = new ApiError(500, 'internal', 'the node could not handle this request; it has been logged');
    }
    const body: { error: string; message: string; fields?: FieldProblem[] } = {
      ...apiError.details,
      error: apiError.code,
      message: apiError.message,
    };
    if (apiError.fields) body.fields = apiError.fields;
    void reply.status(apiError.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}
