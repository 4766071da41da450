/**
 * Draws the console's app icons (web app manifest, I1 installable) from the SVG below with
 * Debian's Chromium through playwright-core, the browser the tests already use: no image
 * package needed. Run after changing the drawing, and keep the PNGs it writes:
 *
 *   npx tsx web/console/icons/make-icons.ts
 *
 * `icon-*.png` is the brand mark on a rounded square (transparent corners); the maskable
 * icon fills its square and keeps the mark inside the central safe zone (80 %), so that
 * a phone may cut it to a circle or a squircle.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ACCENT = '#1f5fbf';
const ACCENT_DARK = '#174a96';

/** The brand mark: an "L" with a "live" dot, white on the accent colour. */
function mark(scale: number): string {
  // Drawn on a 100×100 grid, centred, then shrunk by `scale` around the centre.
  const offset = (100 - 100 * scale) / 2;
  return `<g transform="translate(${offset} ${offset}) scale(${scale})" fill="#fff">
    <path d="M33 22h12v44h24v12H33z"/>
    <circle cx="70" cy="30" r="8" opacity="0.9"/>
  </g>`;
}

function svg(kind: 'any' | 'maskable'): string {
  const background =
    kind === 'maskable'
      ? `<rect width="100" height="100" fill="url(#bg)"/>`
      : `<rect x="4" y="4" width="92" height="92" rx="22" fill="url(#bg)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100%" height="100%">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${ACCENT}"/><stop offset="1" stop-color="${ACCENT_DARK}"/>
    </linearGradient></defs>
    ${background}
    ${mark(kind === 'maskable' ? 0.72 : 0.9)}
  </svg>`;
}

const ICONS: ReadonlyArray<{ file: string; size: number; kind: 'any' | 'maskable' }> = [
  { file: 'icon-192.png', size: 192, kind: 'any' },
  { file: 'icon-512.png', size: 512, kind: 'any' },
  { file: 'icon-maskable-512.png', size: 512, kind: 'maskable' },
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg(icon.kind)}</body></html>`);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
    writeFileSync(fileURLToPath(new URL(icon.file, import.meta.url)), png);
    await page.close();
  }
} finally {
  await browser.close();
}
