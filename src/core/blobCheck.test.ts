import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachmentsOf, checkExportBlobs } from './blobCheck.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('blobs referenced from the record', () => {
  it('[LOG11] attachments are the blob names of a body, whatever the event type', () => {
    assert.deepEqual(attachmentsOf({ attachments: [A, 'not-a-hash', 7, B.toUpperCase(), B] }), [A, B]);
    assert.deepEqual(attachmentsOf({ text: 'x' }), []);
    assert.deepEqual(attachmentsOf(null), []);
    assert.deepEqual(attachmentsOf({ attachments: 'nope' }), []);
  });

  const exportText = [
    '{"liaisonExport":1,"nodes":[]}',
    JSON.stringify({ type: 'message.posted', body: { text: 'one', attachments: [A] }, id: 'event-1' }),
    JSON.stringify({ type: 'message.posted', body: { text: 'two', attachments: [A, B] }, id: 'event-2' }),
    '{"trailer":{}}',
  ];

  it('[LOG11] passes when every referenced blob is present and hashes to its name', async () => {
    const report = await checkExportBlobs(exportText, async (hash) => hash);
    assert.deepEqual(report, { ok: true, blobs: 2, referencingEvents: 2 });
  });

  it('[LOG11] names the first event whose blob is missing or does not hash to its name', async () => {
    const missing = await checkExportBlobs(exportText, async (hash) => (hash === B ? null : hash));
    assert.equal(missing.ok, false);
    assert.deepEqual(
      { ...missing.error, message: undefined },
      { lineNumber: 3, eventId: 'event-2', hash: B, code: 'blob-missing', message: undefined },
    );
    const changed = await checkExportBlobs(exportText, async () => 'c'.repeat(64));
    assert.equal(changed.error?.code, 'blob-mismatch');
    assert.equal(changed.error?.eventId, 'event-1');
  });
});
