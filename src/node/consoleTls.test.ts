/**
 * HTTPS for the console (SEC2): which nodes must serve TLS, the self-signed ECDSA P-256
 * certificate made without OpenSSL (checked by a real TLS handshake on loopback that trusts
 * only it, for each name it carries), and the admin's own certificate files.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONSOLE_CERTIFICATE_DAYS, createConsoleCertificate } from '../federation/certificate.ts';
import type { NodeConfig } from './config.ts';
import {
  consoleHostNames,
  createConsoleTlsFiles,
  httpsCertificatePath,
  httpsKeyPath,
  isHttpsOn,
  isLoopbackHost,
  loadConsoleTls,
} from './consoleTls.ts';

let root: string;
let counter = 0;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'liaison-console-tls-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

function config(overrides: Partial<NodeConfig> = {}): NodeConfig {
  return {
    nodeId: 'alpha',
    name: 'Alpha',
    host: '127.0.0.1',
    httpPort: 7801,
    federationPort: 7901,
    publicUrl: 'https://desk.alpha.example:7801',
    federationUrl: 'wss://127.0.0.1:7901',
    ackDeadlines: '',
    logLevel: 'info',
    headsIntervalMs: 1000,
    ...overrides,
  };
}

function newFolder(): string {
  counter += 1;
  const dir = join(root, `node${counter}`);
  mkdirSync(dir);
  return dir;
}

/** A GET over TLS to a server on 127.0.0.1 with `certPem`, trusting only that certificate, as `servername`. */
async function handshake(certPem: string, keyPem: string, servername: string): Promise<number> {
  const server = createServer({ key: keyPem, cert: certPem }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<number>((resolve, reject) => {
      const request = get({ host: '127.0.0.1', port, path: '/', ca: certPem, servername }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('which nodes serve HTTPS (SEC2)', () => {
  it('[SEC2] loopback hosts may serve plain HTTP; every other host serves HTTPS unless told otherwise', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'desk.example.org', '128.0.0.1'])
      assert.equal(isLoopbackHost(host), false, host);
    assert.equal(isHttpsOn({ host: '127.0.0.1' }), false);
    assert.equal(isHttpsOn({ host: '127.0.0.1', https: true }), true);
    assert.equal(isHttpsOn({ host: '0.0.0.0' }), true);
  });

  it('[SEC2] a node on a non-loopback host with https false is refused with a clear reason', () => {
    assert.throws(() => loadConsoleTls(newFolder(), config({ host: '0.0.0.0', https: false })), {
      name: 'ConfigError',
      message: /listens on 0\.0\.0\.0, which is not a loopback address, and https is false/,
    });
    assert.equal(loadConsoleTls(newFolder(), config()), null, 'plain HTTP on loopback');
  });

  it('[SEC2] a node on another host serves the folder certificate; a folder made before HTTPS gets one', () => {
    const dir = newFolder();
    const tls = loadConsoleTls(dir, config({ host: '0.0.0.0' }));
    assert.ok(tls);
    assert.equal(tls.source, 'self-signed');
    assert.equal(loadConsoleTls(dir, config({ host: '0.0.0.0' }))?.fingerprint, tls.fingerprint, 'kept');
  });
});

describe('the self-signed console certificate (SEC2)', () => {
  it('[SEC2] is ECDSA P-256 signed with SHA-256, names the host, the public URL’s host and loopback, and serves TLS for each', async () => {
    const dir = newFolder();
    const node = config({ host: '192.0.2.7' });
    assert.deepEqual(consoleHostNames(node), [
      '192.0.2.7',
      'desk.alpha.example',
      'localhost',
      '127.0.0.1',
      '::1',
    ]);
    const identity = createConsoleTlsFiles(dir, node);
    const certificate = new X509Certificate(identity.certPem);
    assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(certificate.verify(certificate.publicKey), 'self-signed: its own key verifies it');
    assert.equal(
      certificate.subjectAltName,
      'IP Address:192.0.2.7, DNS:desk.alpha.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    assert.equal(certificate.ca, false);
    assert.deepEqual(certificate.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extKeyUsage serverAuth');
    const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    assert.equal(Math.round(days), CONSOLE_CERTIFICATE_DAYS + 1);
    for (const servername of ['localhost', 'desk.alpha.example'])
      assert.equal(await handshake(identity.certPem, identity.keyPem, servername), 200, servername);
    await assert.rejects(
      handshake(identity.certPem, identity.keyPem, 'other.example'),
      /does not match certificate's altnames/,
    );
  });

  it('[SEC2] validity dates from 2050 on are GeneralizedTime, as RFC 5280 asks', () => {
    const identity = createConsoleCertificate('alpha', ['localhost'], new Date('2049-12-01T00:00:00Z'));
    const certificate = new X509Certificate(identity.certPem);
    assert.equal(new Date(certificate.validFrom).getUTCFullYear(), 2049);
    assert.equal(new Date(certificate.validTo).getUTCFullYear(), 2052);
    // UTCTime (tag 0x17, 13 bytes, YYMMDD…) for 2049; GeneralizedTime (0x18, 15 bytes, YYYY…) for 2052.
    assert.ok(certificate.raw.includes(Buffer.concat([Buffer.from([0x17, 0x0d]), Buffer.from('491130')])));
    assert.ok(certificate.raw.includes(Buffer.concat([Buffer.from([0x18, 0x0f]), Buffer.from('2052')])));
  });
});

describe("the admin's own certificate (SEC2)", () => {
  it('[SEC2] httpsCertFile and httpsKeyFile are served as given; one without the other, or a key that does not match, is refused', () => {
    const dir = newFolder();
    const own = createConsoleCertificate('desk.alpha.example', ['desk.alpha.example']);
    const other = createConsoleCertificate('else', ['else.example']);
    const certFile = join(dir, 'own.crt');
    const keyFile = join(dir, 'own.key');
    writeFileSync(certFile, own.certPem);
    writeFileSync(keyFile, own.keyPem, { mode: 0o600 });
    const tls = loadConsoleTls(dir, config({ https: true, httpsCertFile: certFile, httpsKeyFile: keyFile }));
    assert.equal(tls?.source, 'configured');
    assert.equal(tls?.fingerprint, own.fingerprint);
    assert.throws(
      () => loadConsoleTls(dir, config({ https: true, httpsCertFile: certFile })),
      /httpsCertFile and httpsKeyFile go together/,
    );
    writeFileSync(keyFile, other.keyPem);
    assert.throws(
      () => loadConsoleTls(dir, config({ https: true, httpsCertFile: certFile, httpsKeyFile: keyFile })),
      /does not belong to the key/,
    );
    assert.throws(
      () =>
        loadConsoleTls(
          dir,
          config({ https: true, httpsCertFile: join(dir, 'none.crt'), httpsKeyFile: keyFile }),
        ),
      /none\.crt does not exist/,
    );
    assert.equal(
      loadConsoleTls(dir, config({ https: true }))?.source,
      'self-signed',
      'without them: the folder certificate',
    );
    assert.ok(httpsKeyPath(dir) && httpsCertificatePath(dir));
  });
});
