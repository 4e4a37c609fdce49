/**
 * Bytes that are barely HTTP, for the fuzz suite (SEC3): broken request lines, methods and
 * versions nobody speaks, bad or doubled Content-Length, broken chunked bodies, NUL and line
 * breaks in headers, headers over the parser's limit — sent on a raw TCP connection to the node's
 * real port, since `app.inject` never goes through Node's HTTP parser.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { hostileString } from './hostile.ts';

/** Sends bytes on a new connection, half-closes it, and returns what came back (at most 2 s). */
export function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.end(Buffer.from(request, 'latin1'));
  });
}

/** One response read back from a raw connection. */
export interface RawResponse {
  status: number;
  body: string;
}

/**
 * The responses in what a connection got back, in order: a client that pipelines gets one per
 * request. Stops at a response without Content-Length (a stream), which no error answer is.
 * (A HEAD's answer has no body: its status is kept, its body read as empty.)
 */
export function rawResponses(answer: string): RawResponse[] {
  const found: RawResponse[] = [];
  let rest = answer;
  while (rest.startsWith('HTTP/')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const head = rest.slice(0, headEnd);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    const bodyStart = headEnd + 4;
    // The answer to a HEAD names a length but has no body: the next response follows at once.
    if (rest.startsWith('HTTP/1.', bodyStart)) {
      found.push({ status, body: '' });
      rest = rest.slice(bodyStart);
      continue;
    }
    if (length === undefined) {
      found.push({ status, body: rest.slice(bodyStart) });
      break;
    }
    const bytes = Buffer.from(rest.slice(bodyStart), 'latin1').subarray(0, Number(length));
    found.push({ status, body: bytes.toString('utf8') });
    rest = rest.slice(bodyStart + bytes.toString('latin1').length);
  }
  return found;
}

const paths = fc.constantFrom(
  '/',
  '/healthz',
  '/api/v1/lines',
  '/api/v1/auth/login',
  '/api/v1/blobs',
  '/api/v1/stream',
  '/api/v1/stream?token=x',
  '*',
  '',
  '/%zz',
  '//..//',
);
const methods = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PRI',
  'get',
  'G\u0000T',
  '',
);
const versions = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 extra', '');
const headerLines = fc.array(
  fc.oneof(
    fc.constantFrom(
      'Host: alpha',
      'Content-Length: 5',
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Content-Length: 2\r\nContent-Length: 3',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked',
      'Content-Type: application/json',
      'Authorization: Bearer \u0000',
      'Expect: 100-continue',
      'Connection: upgrade\r\nUpgrade: websocket',
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ': no name',
      'No-Colon',
      ` X-Folded: yes`,
    ),
    hostileString.map((text) => `X-Fuzz: ${text}`),
    fc.constant(`X-Big: ${'a'.repeat(20_000)}`),
  ),
  { maxLength: 5 },
);
const bodies = fc.oneof(
  fc.constantFrom('', '{}', '{"username":', 'zz\r\n{}\r\n0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', '0\r\n\r\n'),
  hostileString,
);

/** Requests as a broken client, a scanner or an attacker would write them. */
export const rawRequests: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(methods, paths, versions, headerLines, bodies)
    .map(
      ([method, path, version, headers, body]) =>
        `${method} ${path} ${version}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`,
    ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
