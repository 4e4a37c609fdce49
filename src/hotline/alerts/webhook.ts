/**
 * Alerts by webhook (HOT4): a POST of a JSON body to a URL from the node's configuration, with
 * a timeout and a few retries, signed so the receiver can tell the node sent it.
 *
 * Signature: header `x-liaison-signature: t=<unix ms>,v1=<hex HMAC-SHA-256>` over the bytes
 * `<unix ms>.<body>` with the configured secret (the timestamp in the MAC lets a receiver refuse
 * replays). Without a secret the header is left out.
 *
 * A 2xx answer is delivery. A network error, a timeout, 408, 429 or a 5xx is retried; any other
 * status is final (the receiver refused the alert and will refuse it again).
 */
import { createHmac } from 'node:crypto';

export interface WebhookOptions {
  /** HMAC key; null sends unsigned. */
  secret: string | null;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Waits before each retry (default 0.5 s then 2 s: three attempts in all). */
  retryDelaysMs?: readonly number[];
  /** Milliseconds since the epoch for the signature's timestamp (the node's clock). */
  now: () => number;
}

/** A webhook that was not delivered after every attempt. */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** The `x-liaison-signature` value for `body` sent at `timestampMs`. */
export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

function isRetriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POSTs `payload` as JSON to `url`; resolves with the attempts it took, or throws WebhookError. */
export async function postWebhook(url: string, payload: object, options: WebhookOptions): Promise<number> {
  const body = JSON.stringify(payload);
  const delays = options.retryDelaysMs ?? [500, 2000];
  let lastProblem = 'not sent';
  for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 2]));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'liaison' };
    if (options.secret)
      headers['x-liaison-signature'] = webhookSignature(options.secret, options.now(), body);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      // The body is not needed; read it so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return attempt;
      lastProblem = `answered ${response.status}`;
      if (!isRetriable(response.status)) throw new WebhookError(lastProblem, attempt);
    } catch (error) {
      if (error instanceof WebhookError) throw error;
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
      lastProblem =
        (error as Error).name === 'TimeoutError' ? 'timed out' : (cause ?? (error as Error).message);
    }
  }
  throw new WebhookError(lastProblem, delays.length + 1);
}
