/**
 * A raw federation client for the fuzz suite (SEC3, LOG8): it dials a node's federation port
 * over mutual TLS with the certificate of the peer it plays (or a stranger's), and speaks
 * whatever the test tells it to — the protocol (hello, proof, heads, batches) or garbage. It
 * never throws on what the node sends or does; it records frames and the close code.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { canonicalBytes } from '../../../src/core/canonical.ts';
import type { Signer } from '../../../src/core/sign.ts';
import { proofPayload, type ReceiptBody } from '../../../src/federation/protocol.ts';

/** A frame as the node sent it. */
export interface PeerFrame {
  t: string;
  [key: string]: unknown;
}

/** How long the suite waits for the node's answer before calling it lost. */
const ANSWER_MS = 10_000;

export class FuzzPeer {
  readonly frames: PeerFrame[] = [];
  /** The close code, once the connection is closed (by either side). */
  closeCode: number | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()) as PeerFrame);
      } catch {
        // The node only sends JSON; anything else is not ours to judge here.
      }
      this.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Opens a connection; the node's hello may arrive with the upgrade, so listeners go first. */
  static async connect(url: string, tls: { keyPem: string; certPem: string }): Promise<FuzzPeer> {
    const peer = new FuzzPeer(
      new WebSocket(url, { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false }),
    );
    await new Promise<void>((resolve, reject) => {
      peer.socket.once('open', () => resolve());
      peer.socket.once('error', reject);
    });
    return peer;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a frame (an object as JSON, a string as it is, bytes as a binary frame); a closed socket drops it. */
  send(frame: object | string | Uint8Array): void {
    if (!this.isOpen) return;
    if (frame instanceof Uint8Array) this.socket.send(frame, { binary: true });
    else this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Waits until `probe` returns a value, the connection closes (null) or the wait runs out. */
  private async until<T>(probe: () => T | undefined, timeoutMs = ANSWER_MS): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (this.closeCode !== null) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the node did not answer in time');
      // Woken by the next frame or close, or after a short while to look at the clock again.
      await new Promise<void>((resolve) => {
        const wakeUp = () => {
          clearTimeout(timer);
          this.waiters.delete(wakeUp);
          resolve();
        };
        const timer = setTimeout(wakeUp, Math.min(left, 200));
        this.waiters.add(wakeUp);
      });
    }
  }

  /** The first frame of a type (taken from the list), or null when the connection closed first. */
  next(type: string, timeoutMs?: number): Promise<PeerFrame | null> {
    return this.until(() => {
      const index = this.frames.findIndex((f) => f.t === type);
      return index < 0 ? undefined : this.frames.splice(index, 1)[0];
    }, timeoutMs);
  }

  /** Hello and proof as `node`, signing with `signer`; true once the node's heads came (the link is open). */
  async handshake(node: string, signer: Signer, selfOf: string): Promise<boolean> {
    this.send({ t: 'hello', protocol: 1, node, nonce: randomBytes(16).toString('base64url') });
    const hello = await this.next('hello');
    if (!hello) return false;
    this.send({
      t: 'proof',
      sig: signer.sign(canonicalBytes(proofPayload(node, selfOf, String(hello.nonce)))),
    });
    const heads = await this.next('heads');
    if (!heads) return false;
    this.send({ t: 'heads', heads: {} });
    return true;
  }

  /** Sends a batch and waits for its signed receipt; null when the node closed the link instead. */
  async batch(n: number, events: unknown[]): Promise<{ body: ReceiptBody; sig: string } | null> {
    this.send({ t: 'batch', n, events });
    const receipt = await this.until(() => {
      const index = this.frames.findIndex((f) => f.t === 'receipt' && (f.body as ReceiptBody).n === n);
      return index < 0 ? undefined : this.frames.splice(index, 1)[0];
    });
    return receipt ? { body: receipt.body as ReceiptBody, sig: String(receipt.sig) } : null;
  }

  /** Closes from this side and waits for the close to finish (the node has read all before it). */
  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    if (this.isOpen) this.socket.close(1000);
    try {
      await this.until(() => undefined, 5_000);
    } catch {
      this.socket.terminate();
    }
  }

  /** Drops frames the node pushed that the test does not read (batches, pings). */
  forget(): void {
    this.frames.length = 0;
  }
}
