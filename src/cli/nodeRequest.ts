/**
 * The CLI's requests to the node running on a folder (commands that append events go through
 * it, with the token it writes to DATA/admin.token). Over HTTPS (SEC2) the node's certificate is
 * checked by its SHA-256 fingerprint against the one in the folder, not by a CA: the CLI runs
 * beside the node and may reach it by an address the certificate does not name.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** The node's answer: its status and JSON body. */
export interface NodeAnswer {
  status: number;
  json: { error?: string; message?: string; [key: string]: unknown };
}

/** Where the CLI reaches a node listening on `host`: a wildcard address means this machine. */
export function localAddress(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * POSTs JSON to the node. With `pinnedFingerprint` it speaks HTTPS and refuses a server whose
 * certificate has another fingerprint (a process that took the node's port).
 */
export function postToNode(
  target: {
    host: string;
    port: number;
    path: string;
    token: string;
    pinnedFingerprint: string | null;
    /** POST unless told otherwise (`liaison user role` PATCHes a user, SEC1). */
    method?: 'POST' | 'PATCH';
  },
  body: object,
): Promise<NodeAnswer> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const options = {
    host: localAddress(target.host),
    port: target.port,
    path: target.path,
    method: target.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': payload.length,
      authorization: `Bearer ${target.token}`,
    },
  };
  return new Promise((resolve, reject) => {
    const request =
      target.pinnedFingerprint === null
        ? httpRequest(options)
        : httpsRequest({ ...options, rejectUnauthorized: false });
    request.on('socket', (socket) => {
      if (target.pinnedFingerprint === null) return;
      socket.once('secureConnect', () => {
        const presented = (socket as TLSSocket).getPeerCertificate().fingerprint256;
        if (presented !== target.pinnedFingerprint) {
          request.destroy(
            new Error(`the node's HTTPS certificate (${presented}) is not the one in its folder`),
          );
        }
      });
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as NodeAnswer['json'] });
        } catch {
          resolve({ status: response.statusCode ?? 0, json: { message: text.slice(0, 200) } });
        }
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
