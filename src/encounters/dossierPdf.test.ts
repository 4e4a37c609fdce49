/**
 * Printing the dossier to PDF (ENC5) with Debian's Chromium: a page with Chinese and Japanese
 * text becomes an A4 PDF; two prints asked for at once both come out; a node without Chromium, a browser
 * that cannot start in time, and a printer already closed say so with `PdfUnavailable`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEBIAN_CHROMIUM, DossierPrinter, PdfUnavailable } from './dossierPdf.ts';

const PAGE = `<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",sans-serif}</style></head><body><h1>遭遇事件档案</h1><p>相手艦は左舷で横切った。</p></body></html>`;
const noChromium = existsSync(DEBIAN_CHROMIUM) ? false : `Chromium is not installed at ${DEBIAN_CHROMIUM}`;

describe('printing the dossier', () => {
  it('[ENC5] without Chromium the printer says so, naming what to install', async () => {
    const printer = new DossierPrinter({ executablePath: '/nonexistent/chromium' });
    await assert.rejects(printer.print(PAGE, 'REF'), (error: Error) => {
      assert.ok(error instanceof PdfUnavailable);
      assert.match(error.message, /\/nonexistent\/chromium/);
      assert.match(error.message, /fonts-noto-cjk/);
      return true;
    });
    // A later print tries again rather than keeping the failure.
    await assert.rejects(printer.print(PAGE, 'REF'), PdfUnavailable);
    await printer.close();
  });

  it('[ENC5] two pages asked for at once are printed to A4 PDF by the one browser, then it closes', {
    skip: noChromium,
    timeout: 60_000,
  }, async () => {
    const printer = new DossierPrinter();
    try {
      const [first, second] = await Promise.all([
        printer.print(PAGE, 'ALPHA-1'),
        printer.print(PAGE, 'ALPHA-2'),
      ]);
      for (const pdf of [first, second]) {
        assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
        // A4 is 595 × 842 points (Chromium rounds it to 8.27 × 11.7 inches).
        assert.ok(
          /\/MediaBox \[0 0 59[56](\.\d+)? 84[23](\.\d+)?\]/.test(pdf.toString('latin1')),
          'an A4 page',
        );
      }
    } finally {
      await printer.close();
    }
    await assert.rejects(printer.print(PAGE, 'ALPHA-3'), /stopping/);
  });

  it('[ENC5] a browser that does not start in time is a PdfUnavailable', { skip: noChromium }, async () => {
    const printer = new DossierPrinter({ timeoutMs: 1 });
    await assert.rejects(printer.print(PAGE, 'REF'), PdfUnavailable);
    await printer.close();
  });
});
