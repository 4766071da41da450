/**
 * Build step for the installable console (I1 on a phone): copies the web app manifest and
 * its icons to dist/console/, and compiles the service worker (service-worker.ts) to
 * dist/console/sw.js under a fixed name, stamped with a hash of the build so that every
 * release installs afresh and drops the old cache. Used by web/vite.config.ts.
 *
 * The dev server serves the manifest and icons from this folder as they are; it has no
 * worker, which the console does without.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformWithOxc, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Files copied as they are: [source in web/console, name in dist]. */
const STATIC_FILES: ReadonlyArray<[string, string]> = [
  ['./manifest.webmanifest', 'console/manifest.webmanifest'],
  ['./icons/icon-192.png', 'console/icons/icon-192.png'],
  ['./icons/icon-512.png', 'console/icons/icon-512.png'],
  ['./icons/icon-maskable-512.png', 'console/icons/icon-maskable-512.png'],
];

export function consoleAppShell(): Plugin {
  return {
    name: 'lobby-console-app-shell',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const build = createHash('sha256');
      for (const name of Object.keys(bundle).sort()) build.update(`${name}\n`);
      for (const [source, fileName] of STATIC_FILES) {
        const bytes = readFileSync(here(source));
        build.update(bytes);
        this.emitFile({ type: 'asset', fileName, source: new Uint8Array(bytes) });
      }
      const workerSource = here('./service-worker.ts');
      const compiled = await transformWithOxc(readFileSync(workerSource, 'utf8'), workerSource, { lang: 'ts', target: 'es2022' });
      const stamp = build.digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'console/sw.js', source: compiled.code.replace('__LOBBY_BUILD__', stamp) });
    },
  };
}
