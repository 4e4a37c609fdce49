/**
 * Alerts by e-mail (HOT4): a minimal SMTP client (RFC 5321) over node:net, enough to hand one
 * message to the relay a ministry runs: EHLO (HELO when refused), MAIL FROM, RCPT TO for each
 * recipient, DATA, QUIT, each step under a timeout. No AUTH and no STARTTLS: it is meant for a
 * relay on loopback or a trusted network (docs/OPERATIONS.md says so).
 *
 * The message is plain UTF-8 text in base64 (so no line of ours can end the DATA early or be
 * mangled by a 7-bit relay); the subject is RFC 2047-encoded when it is not ASCII. Addresses and
 * header values are checked for CR and LF, so a contact cannot inject a header or a command.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface SmtpRelay {
  host: string;
  port: number;
  /** The name this node gives in EHLO. */
  heloName?: string;
  /** Per command, and for the connection (default 10 s). */
  timeoutMs?: number;
}

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** For the Date header (the node's clock). */
  dateMs: number;
}

/** What happened to a message the relay took. */
export interface MailResult {
  accepted: string[];
  /** Recipients the relay refused, with its answer. */
  refused: { address: string; reply: string }[];
}

/** The relay refused the message, or the exchange failed. */
export class SmtpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpError';
  }
}

const ADDRESS = /^[^\s<>()",;:\\@]+@[A-Za-z0-9.-]+$/;

/** Whether `text` is an address this client will send to (no spaces, brackets or line breaks). */
export function isMailAddress(text: string): boolean {
  return text.length <= 254 && ADDRESS.test(text);
}

/** Parses `smtp://host:port` (port 25 by default). */
export function parseSmtpUrl(url: string): SmtpRelay {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtp:') throw new SmtpError(`${url} is not an smtp:// URL`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 25 };
}

function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean)
    ? clean
    : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** The RFC 5322 message, CRLF line ends, body in base64. */
export function formatMessage(message: MailMessage, messageId: string): string {
  const body = Buffer.from(message.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64');
  const lines = [
    `From: <${message.from}>`,
    `To: ${message.to.map((to) => `<${to}>`).join(', ')}`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${new Date(message.dateMs).toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(body.match(/.{1,76}/g) ?? []),
  ];
  return lines.join('\r\n');
}

/** Reads SMTP replies (`250-…` continues, `250 …` ends) from a socket. */
class ReplyReader {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\n');
      while (end >= 0) {
        this.lines.push(this.buffer.slice(0, end).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(end + 1);
        end = this.buffer.indexOf('\n');
      }
      if (this.buffer.length > 64 * 1024)
        this.fail(new SmtpError('the relay sent a line longer than 64 KiB'));
      this.wake();
    });
    socket.on('error', (error) => this.fail(new SmtpError(`connection failed: ${error.message}`)));
    socket.on('close', () => this.fail(new SmtpError('the relay closed the connection')));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** The next complete reply: its code and text. */
  async next(timeoutMs: number, what: string): Promise<{ code: number; text: string }> {
    const collected: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        collected.push(line);
        const match = /^(\d{3})([ -])?/.exec(line);
        if (!match) throw new SmtpError(`the relay answered ${JSON.stringify(line.slice(0, 80))} to ${what}`);
        if (match[2] !== '-') return { code: Number(match[1]), text: collected.join('\n') };
        continue;
      }
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new SmtpError(`no answer to ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** Hands `message` to the relay; throws SmtpError when it takes it for no recipient. */
export async function sendMail(relay: SmtpRelay, message: MailMessage): Promise<MailResult> {
  for (const address of [message.from, ...message.to]) {
    if (!isMailAddress(address)) throw new SmtpError(`${JSON.stringify(address)} is not a mail address`);
  }
  if (message.to.length === 0) throw new SmtpError('no recipient');
  const timeoutMs = relay.timeoutMs ?? 10_000;
  const socket = connect({ host: relay.host, port: relay.port });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`idle for ${timeoutMs} ms`)));
  const reader = new ReplyReader(socket);
  const command = async (line: string, what: string) => {
    socket.write(`${line}\r\n`);
    return reader.next(timeoutMs, what);
  };
  const expect = (reply: { code: number; text: string }, codes: number[], what: string) => {
    if (!codes.includes(reply.code)) throw new SmtpError(`${what} refused: ${reply.text.slice(0, 200)}`);
  };
  try {
    expect(await reader.next(timeoutMs, 'the greeting'), [220], 'the connection');
    const helo = relay.heloName ?? 'liaison.localhost';
    const ehlo = await command(`EHLO ${helo}`, 'EHLO');
    if (ehlo.code !== 250) expect(await command(`HELO ${helo}`, 'HELO'), [250], 'HELO');
    expect(await command(`MAIL FROM:<${message.from}>`, 'MAIL FROM'), [250], 'MAIL FROM');
    const result: MailResult = { accepted: [], refused: [] };
    for (const address of message.to) {
      const reply = await command(`RCPT TO:<${address}>`, 'RCPT TO');
      if (reply.code === 250 || reply.code === 251) result.accepted.push(address);
      else result.refused.push({ address, reply: reply.text.slice(0, 200) });
    }
    if (result.accepted.length === 0) {
      throw new SmtpError(`every recipient was refused: ${result.refused.map((r) => r.reply).join('; ')}`);
    }
    expect(await command('DATA', 'DATA'), [354], 'DATA');
    const messageId = `${randomBytes(12).toString('hex')}@${helo}`;
    // Base64 lines never start with a dot, so no dot-stuffing is needed.
    expect(await command(`${formatMessage(message, messageId)}\r\n.`, 'the message'), [250], 'the message');
    await command('QUIT', 'QUIT').catch(() => undefined);
    return result;
  } finally {
    socket.destroy();
  }
}
