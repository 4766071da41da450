/**
 * Builds the web pages (customer portal and rep console) as one multi-page app into
 * web/dist, which the Lobby server serves as static files.
 *
 * `npm run build:web` runs this. For page work, `npx vite --config web/vite.config.ts`
 * serves the pages with /api and /ws proxied to a Lobby at LOBBY_DEV_URL
 * (default http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { consoleAppShell } from './console/pwa-assets.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const lobby = process.env.LOBBY_DEV_URL ?? 'http://127.0.0.1:8080';
const dist = fileURLToPath(new URL('./dist', import.meta.url));

/**
 * The click-to-chat widget (C5) is one self-contained classic script that other web sites
 * load (dist/widget/lobby-chat.js), so it cannot share the pages' ES-module chunks: after
 * the pages are built, it is built again on its own as an IIFE with React inside.
 */
function chatWidgetScript(): Plugin {
  return {
    name: 'lobby-chat-widget',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root,
        publicDir: false,
        logLevel: 'warn',
        oxc: { jsx: { runtime: 'automatic' } },
        // Library builds leave process.env alone; React reads NODE_ENV.
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: `${dist}/widget`,
          emptyOutDir: false,
          target: 'es2022',
          sourcemap: false,
          reportCompressedSize: false,
          lib: {
            entry: fileURLToPath(new URL('./widget/widget-entry.tsx', import.meta.url)),
            formats: ['iife'],
            name: 'LobbyChat',
            fileName: () => 'lobby-chat.js',
          },
        },
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  // No public/ folder: every asset is imported from code.
  publicDir: false,
  // Vite 8 transforms .tsx with its built-in oxc; React 19's automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [chatWidgetScript(), consoleAppShell()],
  build: {
    outDir: dist,
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
        chat: fileURLToPath(new URL('./chat/index.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin/index.html', import.meta.url)),
        team: fileURLToPath(new URL('./team/index.html', import.meta.url)),
      },
      output: {
        // React in one long-cached chunk, the pages' shared code in another.
        codeSplitting: {
          groups: [
            // The rep console's replay of shared pages (docs/cobrowse.md): its own chunk, so that
            // the other pages do not load it.
            { name: 'rrweb', test: /[\\/]node_modules[\\/](rrweb|rrdom|rrweb-snapshot|@rrweb)[\\/]/, priority: 1 },
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
