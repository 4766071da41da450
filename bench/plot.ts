/**
 * The plot in docs/performance.md: time per routing decision against the number of
 * waiting sessions, one line per number of logged-in reps, per store. Written as SVG by
 * hand (no plotting package), then rendered to PNG with `rsvg-convert` where installed
 * (Debian: librsvg2-bin), else with the system's Chromium through playwright-core.
 *
 *   npx tsx bench/plot.ts bench/results/latest.json   re-renders from saved results
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DecisionCell } from './decision-bench.js';

export interface PlotSeries {
  store: string;
  cells: DecisionCell[];
}

const W = 800;
const H = 460;
const M = { left: 70, right: 215, top: 64, bottom: 60 };
const REP_COLOURS: Record<number, string> = { 100: '#1b9e77', 1000: '#d95f02', 10000: '#7570b3' };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function decisionPlotSvg(series: readonly PlotSeries[], subtitle: string): string {
  const cells = series.flatMap((s) => s.cells);
  const waits = [...new Set(cells.map((c) => c.waiting))].sort((a, b) => a - b);
  // Room for every point and for each store's target line (2 × its smallest site).
  const targets = series.map((s) => 2 * (s.cells.find((c) => c.reps === 100 && c.waiting === 100)?.decisionMs ?? 0));
  const maxMs = Math.max(...cells.map((c) => c.decisionMs), ...targets, 1);
  const yMax = niceCeil(maxMs * 1.1);
  const xMin = Math.log10(waits[0] ?? 100);
  const xMax = Math.log10(waits.at(-1) ?? 100_000);
  const px = (waiting: number) => M.left + ((Math.log10(waiting) - xMin) / Math.max(1e-9, xMax - xMin)) * (W - M.left - M.right);
  const py = (ms: number) => H - M.bottom - (ms / yMax) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="24" font-size="17" font-weight="bold">Time per routing decision against the size of the site</text>`);
  subtitle.split('\n').forEach((line, i) => out.push(`<text x="${M.left}" y="${42 + 14 * i}" font-size="12" fill="#555">${esc(line)}</text>`));
  // Grid and axes.
  for (let i = 0; i <= 5; i += 1) {
    const ms = (yMax * i) / 5;
    const y = py(ms);
    out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 8}" y="${y + 4}" font-size="12" text-anchor="end">${fmt(ms)}</text>`);
  }
  for (const w of waits) {
    const x = px(w);
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${H - M.bottom + 18}" font-size="12" text-anchor="middle">${w.toLocaleString('en-US')}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 16}" font-size="13" text-anchor="middle">waiting sessions (log scale)</text>`);
  out.push(`<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" font-size="13" text-anchor="middle">median ms per decision</text>`);
  // The target: at most twice the smallest site's time, per store.
  for (const [i, s] of series.entries()) {
    const small = s.cells.find((c) => c.reps === 100 && c.waiting === 100);
    if (!small) continue;
    const y = py(2 * small.decisionMs);
    out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#c00" stroke-dasharray="${i === 0 ? '2 3' : '8 4'}" stroke-width="1"/>`);
    out.push(`<text x="${W - M.right - 4}" y="${y - 4}" font-size="11" fill="#c00" text-anchor="end">2 × smallest (${esc(s.store)})</text>`);
  }
  // One line per store and rep count.
  const legend: string[] = [];
  for (const [i, s] of series.entries()) {
    const dash = i === 0 ? '' : ' stroke-dasharray="7 4"';
    for (const reps of [...new Set(s.cells.map((c) => c.reps))].sort((a, b) => a - b)) {
      const colour = REP_COLOURS[reps] ?? '#333';
      const points = s.cells.filter((c) => c.reps === reps).sort((a, b) => a.waiting - b.waiting);
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dash} points="${points.map((c) => `${px(c.waiting)},${py(c.decisionMs)}`).join(' ')}"/>`);
      for (const c of points) {
        out.push(
          i === 0
            ? `<circle cx="${px(c.waiting)}" cy="${py(c.decisionMs)}" r="4" fill="${colour}"/>`
            : `<rect x="${px(c.waiting) - 4}" y="${py(c.decisionMs) - 4}" width="8" height="8" fill="#fff" stroke="${colour}" stroke-width="2"/>`,
        );
      }
      legend.push(`${i}|${colour}|${esc(s.store)}, ${reps.toLocaleString('en-US')} reps`);
    }
  }
  legend.forEach((entry, k) => {
    const [i, colour, label] = entry.split('|') as [string, string, string];
    const x = W - M.right + 16;
    const y = M.top + 10 + k * 22;
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${colour}" stroke-width="2.5"${i === '0' ? '' : ' stroke-dasharray="7 4"'}/>`);
    out.push(`<text x="${x + 32}" y="${y + 4}" font-size="12">${label}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function fmt(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

/** Renders the SVG file to PNG; returns how, or null when no renderer is available. */
export async function renderPng(svgPath: string, pngPath: string): Promise<string | null> {
  if (spawnSync('rsvg-convert', ['--version']).status === 0) {
    execFileSync('rsvg-convert', ['-o', pngPath, svgPath]);
    return 'rsvg-convert';
  }
  const chromium = process.env.LOBBY_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return null;
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${readFileSync(svgPath, 'utf8')}</body></html>`);
    await page.locator('svg').screenshot({ path: pngPath });
    return 'Chromium (playwright-core)';
  } finally {
    await browser.close();
  }
}

export async function writePlot(series: readonly PlotSeries[], subtitle: string, svgPath: string, pngPath: string): Promise<string | null> {
  writeFileSync(svgPath, decisionPlotSvg(series, subtitle));
  return renderPng(svgPath, pngPath);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? 'bench/results/latest.json';
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { plot: { series: PlotSeries[]; subtitle: string; svg: string; png: string } };
  const how = await writePlot(saved.plot.series, saved.plot.subtitle, saved.plot.svg, saved.plot.png);
  console.log(how ? `wrote ${saved.plot.png} with ${how}` : `wrote ${saved.plot.svg}; no PNG renderer found`);
}
