/**
 * Prints a dossier's page to PDF (ENC5) with Debian's Chromium through playwright-core: the page
 * is set as content (no scripts run, no request leaves), then printed on A4 with its background
 * and a footer naming the encounter and the page. Chinese and Japanese render because the page
 * names the Noto Sans CJK fonts (Debian's fonts-noto-cjk); Chromium embeds the glyphs used.
 *
 * One browser per node, launched at the first print and reused; prints run one at a time (the
 * node shares its cores with the hotline), each within a time limit; `close()` at node stop. A
 * node without Chromium, or whose browser cannot start, says so with `PdfUnavailable`.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { escapeHtml } from './dossierHtml.ts';

/** Where Debian installs Chromium. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** How long one print may take, from the page set to the PDF's last byte. */
export const PRINT_TIMEOUT_MS = 30_000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The PDF cannot be made on this node (no Chromium, a browser that does not start, a timeout). */
export class PdfUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfUnavailable';
  }
}

export interface PrinterOptions {
  executablePath?: string;
  timeoutMs?: number;
}

/** Rejects with PdfUnavailable when `work` takes longer than `ms`. */
function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PdfUnavailable(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class DossierPrinter {
  private browser: Promise<Browser> | null = null;
  /** The print in progress; the next waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private isClosed = false;
  private readonly executablePath: string;
  private readonly timeoutMs: number;

  constructor(options: PrinterOptions = {}) {
    this.executablePath = options.executablePath ?? DEBIAN_CHROMIUM;
    this.timeoutMs = options.timeoutMs ?? PRINT_TIMEOUT_MS;
  }

  /** The page printed on A4; `footer` (plain text) is printed at the foot of every page. */
  print(html: string, footer: string): Promise<Buffer> {
    const run = this.queue.then(
      () => this.printNow(html, footer),
      () => this.printNow(html, footer),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the browser, if one was started. */
  async close(): Promise<void> {
    this.isClosed = true;
    const browser = this.browser;
    this.browser = null;
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
  }

  /** Prints, turning any failure of the browser (a crash, a lost pipe) into PdfUnavailable. */
  private async printNow(html: string, footer: string): Promise<Buffer> {
    try {
      return await this.printWith(await this.launched(), html, footer);
    } catch (error) {
      if (error instanceof PdfUnavailable) throw error;
      throw new PdfUnavailable(`printing the dossier failed: ${(error as Error).message}`);
    }
  }

  private async printWith(browser: Browser, html: string, footer: string): Promise<Buffer> {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      // The page is self-contained; nothing it might name is fetched.
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      const printing = (async () => {
        await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs });
        return page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: `<div style="width:100%;font-size:8px;text-align:center;font-family:'Noto Sans CJK SC',sans-serif">${escapeHtml(footer)} — <span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
          margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
        });
      })();
      return await withinTime(printing, this.timeoutMs, 'printing the dossier');
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  /** The browser, launched at the first call; a failed launch is tried again next time. */
  private launched(): Promise<Browser> {
    if (this.isClosed) return Promise.reject(new PdfUnavailable('the node is stopping'));
    if (!this.browser) {
      const launching = this.launch();
      this.browser = launching;
      launching.then(
        (browser) =>
          browser.on('disconnected', () => {
            if (this.browser === launching) this.browser = null;
          }),
        () => {
          if (this.browser === launching) this.browser = null;
        },
      );
    }
    return this.browser;
  }

  private async launch(): Promise<Browser> {
    if (!existsSync(this.executablePath)) {
      throw new PdfUnavailable(
        `Chromium is not installed at ${this.executablePath}: install Debian's chromium and fonts-noto-cjk to print dossiers as PDF (docs/OPERATIONS.md); the HTML dossier prints from any browser`,
      );
    }
    let chromium: typeof import('playwright-core').chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch {
      throw new PdfUnavailable(
        'playwright-core is not installed with this node: npm install playwright-core',
      );
    }
    try {
      // Playwright's own time limit: it kills a browser that has not started by then.
      return await chromium.launch({
        executablePath: this.executablePath,
        args: CHROMIUM_ARGS,
        timeout: this.timeoutMs,
      });
    } catch (error) {
      throw new PdfUnavailable(
        `Chromium at ${this.executablePath} did not start: ${(error as Error).message}`,
      );
    }
  }
}
