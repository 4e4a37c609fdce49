/**
 * Blobs over HTTP (LOG11, SEC3):
 *
 * - `POST /api/v1/blobs` with the raw bytes (`Content-Type: application/octet-stream`) → 201
 *   `{hash, size}`, once the blob is durable under its name. The body has its own limit
 *   (`maxBlobBytes`, 50 MiB by default), not the 1 MiB of JSON bodies: over it → 413
 *   `blob-too-large`, and nothing is kept.
 * - `GET /api/v1/blobs/:hash` → the bytes (`application/octet-stream`, as a download; the
 *   console's origin never renders them); `HEAD` gives the size alone. 400 `bad-blob-name`,
 *   404 `unknown-blob` (also while the blob is still being fetched from a peer).
 *
 * A blob name is the lowercase hex SHA-256 of the bytes (64 characters).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type BlobStore, BlobTooLargeError, isBlobName } from '../node/blobStore.ts';
import { ApiError } from './errors.ts';
import { require } from './routes.ts';

export interface BlobRouteOptions {
  blobs: BlobStore;
  /** The upload limit in bytes. */
  maxBlobBytes: number;
  /** Whether a blob is being fetched from a peer (for a clearer 404). */
  isWanted?(hash: string): boolean;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'blob-too-large', `a blob may be at most ${limit} bytes`);
}

/** Registers the blob routes in their own scope, with their own body parser and limit. */
export function registerBlobRoutes(app: FastifyInstance, options: BlobRouteOptions): void {
  const { blobs, maxBlobBytes } = options;
  void app.register(async (scope) => {
    // The body stays a stream: it goes to disk as it arrives, never whole into memory.
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    scope.post('/api/v1/blobs', async (request, reply) => {
      require(request, 'blob.upload');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBlobBytes) throw tooLarge(maxBlobBytes);
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
        throw new ApiError(
          415,
          'unsupported-media-type',
          'send the blob raw with Content-Type: application/octet-stream',
        );
      }
      try {
        const stored = await blobs.put(body, maxBlobBytes);
        return reply.status(201).send(stored);
      } catch (error) {
        if (error instanceof BlobTooLargeError) {
          // The rest of the upload is not read: the connection goes with the answer.
          void reply.header('connection', 'close');
          throw tooLarge(maxBlobBytes);
        }
        throw error;
      }
    });

    scope.get('/api/v1/blobs/:hash', async (request, reply) => {
      require(request, 'blob.read');
      const { hash } = request.params as { hash: string };
      if (!isBlobName(hash)) {
        throw new ApiError(
          400,
          'bad-blob-name',
          'a blob name is the lowercase hex SHA-256 of its bytes (64 characters)',
        );
      }
      const size = blobs.sizeOf(hash);
      if (size === null) {
        const isWanted = options.isWanted?.(hash) ?? false;
        throw new ApiError(
          404,
          'unknown-blob',
          isWanted
            ? `blob ${hash} is being fetched from a peer; try again shortly`
            : `there is no blob ${hash}`,
        );
      }
      void reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename="${hash}"`)
        .header('etag', `"${hash}"`)
        .header('cache-control', 'private, max-age=31536000, immutable')
        // Whatever the bytes are, the console's origin never runs them.
        .header('content-security-policy', "sandbox; default-src 'none'");
      return reply.send(blobs.read(hash));
    });
  });
}
