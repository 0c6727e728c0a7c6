/**
 * `npm run bench:ui`: the web UI's figures in headless Chromium (docs/ui.md).
 *
 * - paste to highlighted note: a 5 KB note (examples/notes/history-physical-02.txt by default)
 *   pasted into the playground, until every concept is highlighted (the page's own
 *   `clinote:paste-to-highlight` measure: the API round trip and the rendering), and until the next
 *   frame after it (paint); median, p95 and max over --runs pastes after 3 warm-ups;
 * - the playground's page weight: the bytes over the wire (gzip) of everything the page loads,
 *   from the page's resource timing, and the same without the example notes (fetched on load for
 *   the example picker);
 * - for scale: the server's /v1/extract alone on the same note, timed from Node.
 *
 * The server runs here with auth off on 127.0.0.1 (an ephemeral port), its pipeline on --threads
 * worker threads (default 0: the main thread).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/resources.js';
import { parseServerConfig } from '../src/server/config.js';
import { startServer } from '../src/server/start.js';
import { chromiumAvailable, chromiumPath, launchChromium } from '../src/ui/browser.js';
import { buildUi } from '../src/ui/build.js';
import type { PageElement, PageWindow } from '../src/ui/page-window.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    note: { type: 'string', default: join(packageRoot(), 'examples', 'notes', 'history-physical-02.txt') },
    threads: { type: 'string', default: '0' },
  },
});
const runs = Math.max(1, Number(values.runs));

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${(s[s.length - 1] as number).toFixed(1)} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.error(`bench:ui: no Chromium at ${chromiumPath()} (apt-get install -y chromium)`);
    process.exit(2);
  }
  const text = readFileSync(values.note, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'clinote-bench-ui-'));
  await buildUi({ outDir: join(dir, 'ui') });
  process.env.CLINOTE_UI_DIR = join(dir, 'ui');
  const config = {
    ...parseServerConfig({
      threads: Number(values.threads),
      auth: { required: false },
      limits: { maxEventLoopDelayMs: 0 },
    }),
    port: 0,
  };
  const running = await startServer(config, { logStream: false });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${running.url}/`, { waitUntil: 'networkidle' });
    await page.waitForFunction(
      () =>
        ((globalThis as unknown as PageWindow).document.querySelector('#example')?.options.length ?? 0) > 1,
    );
    const weight = await page.evaluate(() => {
      const { performance } = globalThis as unknown as PageWindow;
      const entries = [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
      ];
      return entries.map((e) => ({
        name: new URL(e.name).pathname,
        wire: e.encodedBodySize ?? 0,
        raw: e.decodedBodySize ?? 0,
      }));
    });
    const wire = weight.reduce((a, e) => a + e.wire, 0);
    const raw = weight.reduce((a, e) => a + e.raw, 0);
    const examples = weight.filter((e) => e.name.includes('/examples-')).reduce((a, e) => a + e.wire, 0);

    const paste = () =>
      page.evaluate(async (t) => {
        const w = globalThis as unknown as PageWindow;
        const { document, performance } = w;
        performance.clearMeasures();
        const out = document.querySelector('#out') as PageElement;
        const before = out.dataset.run;
        const note = document.querySelector('#note') as PageElement;
        note.value = '';
        note.focus();
        const data = new w.DataTransfer();
        data.setData('text/plain', t);
        const t0 = performance.now();
        note.dispatchEvent(
          new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        );
        await new Promise<void>((resolve) => {
          const obs = new w.MutationObserver(() => {
            if (out.dataset.run !== before) {
              obs.disconnect();
              resolve();
            }
          });
          obs.observe(out, { attributes: true });
        });
        await new Promise<void>((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(r)));
        const measure = performance.getEntriesByName('clinote:paste-to-highlight')[0];
        return {
          highlight: measure?.duration ?? Number.NaN,
          render: performance.getEntriesByName('clinote:render')[0]?.duration ?? Number.NaN,
          paint: performance.now() - t0,
          marks: document.querySelectorAll('#note-view mark.c').length,
        };
      }, text);

    for (let i = 0; i < 3; i++) await paste();
    const highlight: number[] = [];
    const paint: number[] = [];
    const render: number[] = [];
    let marks = 0;
    for (let i = 0; i < runs; i++) {
      const r = await paste();
      highlight.push(r.highlight);
      paint.push(r.paint);
      render.push(r.render);
      marks = r.marks;
    }
    const api: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await fetch(`${running.url}/v1/extract`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'bench', text }),
      });
      await r.arrayBuffer();
      api.push(performance.now() - t0);
    }
    const version = browser.version();
    console.log(
      `bench:ui — Chromium ${version} headless, note ${values.note.split('/').pop()} (${Buffer.byteLength(text)} bytes, ${marks} concepts highlighted), server threads ${values.threads}, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores`,
    );
    console.log(`paste -> highlighted note (API + render): ${stats(highlight)}`);
    console.log(`paste -> next frame painted:              ${stats(paint)}`);
    console.log(`response -> highlighted (render only):    ${stats(render)}`);
    console.log(`/v1/extract alone (Node fetch):           ${stats(api)}`);
    console.log(
      `playground page weight: ${(wire / 1024).toFixed(1)} KB over the wire (gzip), ${(raw / 1024).toFixed(1)} KB decoded; without the example notes ${((wire - examples) / 1024).toFixed(1)} KB`,
    );
    for (const e of weight) console.log(`  ${e.name}: ${e.wire} B wire, ${e.raw} B decoded`);
  } finally {
    await browser.close();
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
