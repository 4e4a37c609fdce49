/**
 * Progress for long CLI work (export, verify, rebuild, backup): a single updating line on a
 * terminal, nothing when stderr is piped or redirected.
 */
export interface Progress {
  update(done: number, total?: number): void;
  done(message?: string): void;
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const isTerminal = Boolean(stream.isTTY);
  let lastDraw = 0;
  return {
    update(done, total) {
      if (!isTerminal) return;
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const of = total
        ? ` / ${total.toLocaleString('en')} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`
        : '';
      stream.write(`\r${label}: ${done.toLocaleString('en')}${of}   `);
    },
    done(message) {
      if (!isTerminal) return;
      stream.write(`\r${label}: ${message ?? 'done'}${' '.repeat(20)}\n`);
    },
  };
}
