/**
 * Vite config for the duty officer's console. Built with
 * `npx vite build --config web/vite.config.ts` from the repository root into `web/dist`,
 * which the node serves. In development the API and its WebSocket stream are proxied to
 * the demo's alpha node.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // The console imports pure modules from the repository's src/core.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: 'http://127.0.0.1:7801', ws: true, changeOrigin: false },
    },
  },
});
