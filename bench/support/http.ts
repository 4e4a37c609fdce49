/**
 * A small JSON client over `node:http` with keep-alive connections, for load: global fetch
 * (undici) pools connections too, but gives no control over how many, and its per-request
 * overhead would be measured along with the node's.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** A finished request: status, parsed body, and when it was sent and answered (performance.now()). */
export interface TimedResponse<T = unknown> {
  status: number;
  body: T;
  sentAt: number;
  answeredAt: number;
}

/** A keep-alive JSON client for one node and one bearer token. */
export class KeepAliveClient {
  readonly agent: Agent;
  readonly #host: string;
  readonly #port: number;

  /** @param connections most sockets kept open to the node (one per concurrent request). */
  constructor(
    baseUrl: string,
    readonly token: string,
    connections: number,
  ) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  /** Sends one request; resolves when the whole response has arrived (never rejects on a status). */
  send<T = unknown>(method: string, path: string, payload?: unknown): Promise<TimedResponse<T>> {
    const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string | number> = { authorization: `Bearer ${this.token}` };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      const req = request(
        { host: this.#host, port: this.#port, method, path, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const answeredAt = performance.now();
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: response.statusCode ?? 0, body: parsed as T, sentAt, answeredAt });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
