/**
 * Alert channels (HOT4) against real local servers the tests start: an HTTP server for the
 * webhook (signature, retries, refusals, timeout) and a minimal SMTP server for the e-mail
 * (test/support/smtpServer.ts). Timeouts are short real ones: this is the network edge.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { startSmtpServer } from '../../../test/support/smtpServer.ts';
import { AlertDispatcher, type AlertNotice } from './dispatch.ts';
import { formatMessage, isMailAddress, parseSmtpUrl, SmtpError, sendMail } from './smtp.ts';
import { postWebhook, WebhookError, webhookSignature } from './webhook.ts';

const NOW = Date.UTC(2025, 2, 1, 8, 0, 0);
const SECRET = 'a-webhook-secret-of-some-length';

interface Hit {
  body: string;
  headers: IncomingMessage['headers'];
}

/** An HTTP server answering each request with the next of `statuses` (then 200). */
async function webhookServer(
  statuses: number[] = [],
  handler?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      hits.push({ body, headers: req.headers });
      if (handler?.(req, res)) return;
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const notice: AlertNotice = {
  node: 'alpha',
  escalation: 'E'.repeat(43),
  message: 'M'.repeat(43),
  line: 'hotline-alpha-bravo',
  precedence: 'FLASH',
  author: 'officer@bravo',
  deadline: '2025-03-01T08:10:00.000Z',
  step: 1,
  side: 'receiver',
  roles: ['supervisor'],
  channels: ['console', 'webhook', 'email'],
  overdueAt: '2025-03-01T08:10:00.000Z',
};

describe('webhook alerts [HOT4]', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const server of servers) await server.close();
  });

  it('[HOT4] posts the JSON with an HMAC signature over timestamp and body', async () => {
    const server = await webhookServer();
    servers.push(server);
    const attempts = await postWebhook(server.url, { hello: 'desk' }, { secret: SECRET, now: () => NOW });
    assert.equal(attempts, 1);
    const hit = server.hits[0];
    assert.equal(hit?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(hit?.body ?? ''), { hello: 'desk' });
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${hit?.body}`).digest('hex');
    assert.equal(hit?.headers['x-liaison-signature'], `t=${NOW},v1=${expected}`);
    assert.equal(webhookSignature(SECRET, NOW, hit?.body ?? ''), `t=${NOW},v1=${expected}`);
  });

  it('[HOT4] retries a 5xx and succeeds; a 4xx is final and not retried', async () => {
    const flaky = await webhookServer([503, 500]);
    servers.push(flaky);
    const attempts = await postWebhook(
      flaky.url,
      {},
      { secret: null, now: () => NOW, retryDelaysMs: [0, 0] },
    );
    assert.equal(attempts, 3);
    assert.equal(flaky.hits[0]?.headers['x-liaison-signature'], undefined, 'no secret: unsigned');

    const refusing = await webhookServer([403]);
    servers.push(refusing);
    await assert.rejects(
      postWebhook(refusing.url, {}, { secret: null, now: () => NOW, retryDelaysMs: [0, 0] }),
      (error: WebhookError) =>
        error instanceof WebhookError && error.attempts === 1 && /403/.test(error.message),
    );
    assert.equal(refusing.hits.length, 1);
  });

  it('[HOT4] gives up after its attempts when the receiver hangs or is not there', async () => {
    const hanging = await webhookServer([], () => true);
    servers.push(hanging);
    await assert.rejects(
      postWebhook(hanging.url, {}, { secret: null, now: () => NOW, retryDelaysMs: [0], timeoutMs: 150 }),
      (error: WebhookError) => error.attempts === 2 && /timed out/.test(error.message),
    );
    const gone = await webhookServer();
    await gone.close();
    await assert.rejects(
      postWebhook(gone.url, {}, { secret: null, now: () => NOW, retryDelaysMs: [] }),
      (error: WebhookError) => /ECONNREFUSED/.test(error.message),
    );
  });
});

describe('e-mail alerts [HOT4]', () => {
  it('[HOT4] hands a UTF-8 message to the relay: envelope, headers, base64 body', async () => {
    const relay = await startSmtpServer();
    try {
      const result = await sendMail(parseSmtpUrl(relay.url), {
        from: 'liaison@alpha.example',
        to: ['desk@alpha.example', 'chief@alpha.example'],
        subject: 'FLASH überfällig',
        text: 'line one\n.\nline three',
        dateMs: NOW,
      });
      assert.deepEqual(result, { accepted: ['desk@alpha.example', 'chief@alpha.example'], refused: [] });
      const mail = relay.messages[0];
      assert.equal(mail?.from, 'liaison@alpha.example');
      assert.deepEqual(mail?.to, ['desk@alpha.example', 'chief@alpha.example']);
      assert.equal(mail?.subject, 'FLASH überfällig');
      assert.equal(mail?.text, 'line one\r\n.\r\nline three', 'a lone dot does not end the message');
      assert.match(mail?.data ?? '', /^Date: Sat, 01 Mar 2025 08:00:00 GMT$/m);
    } finally {
      await relay.close();
    }
  });

  it('[HOT4] a refused recipient is reported; all refused is an error', async () => {
    const relay = await startSmtpServer({ refuse: ['gone@alpha.example'] });
    try {
      const relayAddress = parseSmtpUrl(relay.url);
      const partial = await sendMail(relayAddress, {
        from: 'liaison@alpha.example',
        to: ['desk@alpha.example', 'gone@alpha.example'],
        subject: 's',
        text: 't',
        dateMs: NOW,
      });
      assert.deepEqual(partial.accepted, ['desk@alpha.example']);
      assert.equal(partial.refused[0]?.address, 'gone@alpha.example');
      await assert.rejects(
        sendMail(relayAddress, {
          from: 'l@a.example',
          to: ['gone@alpha.example'],
          subject: 's',
          text: 't',
          dateMs: NOW,
        }),
        SmtpError,
      );
      assert.equal(relay.messages.length, 1);
    } finally {
      await relay.close();
    }
  });

  it('[HOT4] a relay that does not answer times out; an address with a line break is refused before sending', async () => {
    const relay = await startSmtpServer({ silent: true });
    try {
      await assert.rejects(
        sendMail(
          { ...parseSmtpUrl(relay.url), timeoutMs: 150 },
          { from: 'l@a.example', to: ['d@a.example'], subject: 's', text: 't', dateMs: NOW },
        ),
        (error: SmtpError) => /no answer|idle/.test(error.message),
      );
    } finally {
      await relay.close();
    }
    assert.equal(isMailAddress('desk@alpha.example\r\nRCPT TO:<x@y>'), false);
    await assert.rejects(
      sendMail(
        { host: '127.0.0.1', port: 9 },
        { from: 'l@a.example', to: ['d@a.example>\r\nDATA'], subject: 's', text: 't', dateMs: NOW },
      ),
      /not a mail address/,
    );
    assert.doesNotMatch(
      formatMessage(
        { from: 'l@a.example', to: ['d@a.example'], subject: 'a\r\nBcc: x@y', text: '', dateMs: NOW },
        'id@x',
      ),
      /^Bcc:/m,
    );
  });
});

describe('the alert dispatcher [HOT4]', () => {
  it('[HOT4] reaches each alerted role by webhook and e-mail; a channel with no contact is reported', async () => {
    const hook = await webhookServer();
    const relay = await startSmtpServer();
    try {
      const dispatcher = new AlertDispatcher({
        contacts: {
          supervisor: { email: ['sup@alpha.example'], webhook: [hook.url] },
          officer: { email: ['sup@alpha.example', 'duty@alpha.example'] },
        },
        webhookSecret: SECRET,
        smtp: { ...parseSmtpUrl(relay.url), from: 'liaison@alpha.example' },
        consoleUrl: 'http://127.0.0.1:7801',
        now: () => NOW,
      });
      const outcomes = await dispatcher.send({ ...notice, roles: ['supervisor', 'officer'] });
      assert.deepEqual(
        outcomes.map((o) => [o.channel, o.delivered, o.failed]),
        [
          ['webhook', 1, 0],
          ['email', 2, 0],
        ],
      );
      const payload = JSON.parse(hook.hits[0]?.body ?? '{}') as Record<string, unknown>;
      assert.equal(payload.type, 'escalation.raised');
      assert.equal(payload.message, notice.message);
      assert.equal(payload.consoleUrl, 'http://127.0.0.1:7801');
      assert.deepEqual(
        relay.messages[0]?.to,
        ['sup@alpha.example', 'duty@alpha.example'],
        'each address once',
      );
      assert.match(relay.messages[0]?.subject ?? '', /FLASH overdue/);
      assert.match(relay.messages[0]?.text ?? '', /not been acknowledged by this desk/);

      const none = await dispatcher.send({ ...notice, roles: ['observer'] });
      assert.deepEqual(
        none.map((o) => [o.channel, o.problems]),
        [
          ['webhook', ['no-recipients']],
          ['email', ['no-recipients']],
        ],
      );
    } finally {
      await hook.close();
      await relay.close();
    }
  });
});
