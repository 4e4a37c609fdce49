/**
 * Where a node's structured logs go: standard output, written synchronously one line at a time,
 * and dropped — never retried, never thrown — when the write fails. A full disk under a
 * redirected log (ENOSPC) or a stalled pipe must not stop a node from serving the hotline; the
 * record itself is in the store, and the refusal of a write there is reported to the author.
 */
import { writeSync } from 'node:fs';

/** A pino destination that never blocks or crashes the node. */
export class ResilientStdout {
  /** Lines that could not be written. */
  dropped = 0;

  constructor(private readonly fd = 1) {}

  write(line: string): void {
    try {
      writeSync(this.fd, line);
    } catch {
      this.dropped += 1;
    }
  }
}
