/**
 * Builds the console (web/ → web/dist) with Vite when it is missing or older than its sources,
 * so `npm run demo` and `liaison serve` need no separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/core'];
const OUTPUT = join(ROOT, 'web/dist/index.html');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Whether web/dist is missing or older than any console source. */
export function isConsoleStale(): boolean {
  if (!existsSync(OUTPUT)) return true;
  const built = statSync(OUTPUT).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(ROOT, source)) > built);
}

/** Builds the console if needed (or always with `force`); returns whether it built. */
export async function buildConsole(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !isConsoleStale()) return false;
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'web/vite.config.ts'),
    logLevel: options.quiet ? 'error' : 'warn',
  });
  return true;
}
