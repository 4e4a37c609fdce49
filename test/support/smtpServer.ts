/**
 * A minimal SMTP server on 127.0.0.1 for tests of the escalation e-mail (HOT4): it speaks
 * enough of RFC 5321 (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT) to take messages
 * from our client, and keeps them for the test to read. It can refuse chosen recipients, and
 * fall silent after the greeting (to test the client's timeouts).
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A message the server took. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA as sent (CRLF line ends, dot-stuffing undone), without the final dot. */
  data: string;
  /** The text body, decoded from base64 when the message says it is. */
  text: string;
  subject: string;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Recipients answered 550. */
  refuse?: string[];
  /** Answer nothing after the greeting. */
  silent?: boolean;
}

function decodeSubject(value: string): string {
  const encoded = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/i.exec(value);
  return encoded?.[1] ? Buffer.from(encoded[1], 'base64').toString('utf8') : value;
}

function parseMail(from: string, to: string[], data: string): ReceivedMail {
  const split = data.indexOf('\r\n\r\n');
  const head = split >= 0 ? data.slice(0, split) : data;
  const body = split >= 0 ? data.slice(split + 4) : '';
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const isBase64 = /base64/i.test(header('Content-Transfer-Encoding'));
  const text = isBase64 ? Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') : body;
  return { from, to, data, text, subject: decodeSubject(header('Subject')) };
}

/** Starts the server on a free loopback port. */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test-smtp ready');
    if (options.silent) return;
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let inData = false;
    let data: string[] = [];
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf('\r\n');
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\r\n');
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(parseMail(from, to, data.join('\r\n')));
            reply('250 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-test-smtp greets you');
          reply('250 8BITMIME');
        } else if (verb === 'HELO') reply('250 test-smtp');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          reply('250 ok');
        } else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (options.refuse?.includes(address)) reply(`550 no mailbox ${address}`);
          else {
            to.push(address);
            reply('250 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          data = [];
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('500 unknown command');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
