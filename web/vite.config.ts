/**
 * Builds the web pages (customer portal and rep console) as one multi-page app into
 * web/dist, which the Lobby server serves as static files.
 *
 * `npm run build:web` runs this. For page work, `npx vite --config web/vite.config.ts`
 * serves the pages with /api and /ws proxied to a Lobby at LOBBY_DEV_URL
 * (default http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const lobby = process.env.LOBBY_DEV_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  // No public/ folder: every asset is imported from code.
  publicDir: false,
  // Vite 8 transforms .tsx with its built-in oxc; React 19's automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // Every browser the pages target supports modulepreload.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        portal: fileURLToPath(new URL('./portal/index.html', import.meta.url)),
        console: fileURLToPath(new URL('./console/index.html', import.meta.url)),
      },
      output: {
        // React in one long-cached chunk, the pages' shared code in another.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/]/ },
            { name: 'shared', test: /[\\/]web[\\/]shared[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: lobby, changeOrigin: false },
      '/ws': { target: lobby, ws: true, changeOrigin: false },
    },
  },
});
