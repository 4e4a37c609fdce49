/**
 * The blobs a message names (LOG11): a download link per attachment, with its size once the
 * node holds it. A peer's attachment may still be on its way (FED11): it then says so, and the
 * size is asked again until the node has it.
 */
import { useEffect, useState } from 'react';
import { attachmentsOf } from '../../../src/core/blobCheck.ts';
import { t } from '../strings.ts';

/** How often a pending attachment's size is asked again. */
const PENDING_RETRY_MS = 5_000;

/** Bytes in words: 1.2 MB, 340 kB, 12 B. */
export function formatBytes(size: number): string {
  if (size >= 1_000_000) return `${(size / 1_000_000).toFixed(1)} MB`;
  if (size >= 1_000) return `${Math.round(size / 1_000)} kB`;
  return `${size} B`;
}

function AttachmentLink({ hash }: { hash: string }) {
  const [size, setSize] = useState<number | null>(null);
  useEffect(() => {
    let isCurrent = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      fetch(`/api/v1/blobs/${hash}`, { method: 'HEAD', credentials: 'same-origin' })
        .then((response) => {
          if (!isCurrent) return;
          if (response.ok) setSize(Number(response.headers.get('content-length') ?? 0));
          else timer = setTimeout(ask, PENDING_RETRY_MS);
        })
        .catch(() => {
          if (isCurrent) timer = setTimeout(ask, PENDING_RETRY_MS);
        });
    };
    ask();
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [hash]);
  const name = `${hash.slice(0, 12)}…`;
  return (
    <li>
      <a href={`/api/v1/blobs/${hash}`} download={hash} data-testid="attachment" title={hash}>
        {size === null
          ? t('attachments.pending', { name })
          : t('attachments.item', { name, size: formatBytes(size) })}
      </a>
    </li>
  );
}

/** The attachment links of an event's body; nothing when it names none. */
export function Attachments({ body }: { body: unknown }) {
  const hashes = attachmentsOf(body);
  if (hashes.length === 0) return null;
  return (
    <ul className="message__attachments" aria-label={t('attachments.label')}>
      {hashes.map((hash) => (
        <AttachmentLink key={hash} hash={hash} />
      ))}
    </ul>
  );
}
