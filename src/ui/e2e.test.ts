/**
 * The web UI end to end: a real server on a real port serving a fresh build of src/ui/app, driven
 * in headless Chromium (playwright-core, the system's Chromium). Skipped with a message when
 * Chromium is absent, except under CI=true, where its absence fails.
 *
 * Nothing the page reads is faked: the deployments page is checked against a second server with a
 * model registry (SQLite and artifacts in a temp dir: versions, aliases, a policy, promotion
 * attempts, a deployment with a canary), and the codes tab against a third serving the coding
 * pipeline (skipped with a message without the ICD-10-CM files under ../shared/data).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { isClinoteError } from '../errors/error.js';
import { ArtifactStore } from '../registry/artifacts.js';
import { parsePolicy, promote } from '../registry/policy.js';
import { Registry } from '../registry/registry.js';
import { packageRoot, resourcePath } from '../resources.js';
import { parseServerConfig } from '../server/config.js';
import { type RunningServer, startServer } from '../server/start.js';
import { memoryStore } from '../server/testing.js';
import { type OpenedStore, openStore } from '../store/index.js';
import { chromiumAvailable, chromiumPath, launchChromium } from './browser.js';
import { buildUi } from './build.js';
import type { PageElement, PageWindow } from './page-window.js';

const CI = process.env.CI === 'true';
/** Waits on the page: generous, for a loaded 2-core machine. */
const POLL = { timeout: 20_000, interval: 50 };
const HAVE = chromiumAvailable();
const WHY = `no Chromium at ${chromiumPath()}: install it (apt-get install -y chromium) or set CLINOTE_CHROMIUM`;
if (!HAVE && !CI) console.warn(`web UI end-to-end tests SKIPPED: ${WHY}`);

/** Screenshots: test artifacts (git-ignored); CLINOTE_UI_SCREENSHOTS=docs also refreshes docs/ui/. */
const ARTIFACTS = join(packageRoot(), '.tmp', 'ui-screenshots');
const DOCS_SHOTS =
  process.env.CLINOTE_UI_SCREENSHOTS === 'docs' ? join(packageRoot(), 'docs', 'ui') : undefined;

/** The ICD-10-CM sources of the coding pipeline (resources/pipelines/coding.json), shared data. */
const CODING_DATA = [
  ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
  ['icd10cm', 'icd10cm_index_2023.xml.gz'],
] as const;
const codingMissing = CODING_DATA.find((p) => sharedDataPath(...p) === null);
if (HAVE && codingMissing) console.warn(`web UI codes tab test: ${missingDataMessage(...codingMissing)}`);
/** A note of our own for the coding pipeline. */
const CODING_NOTE =
  'Assessment: type 2 diabetes mellitus without complications. Essential hypertension, stable on current therapy.\n';
/** A note of our own sent through the registry server's deployment. */
const DEPLOYMENT_NOTE =
  'Follow-up visit. The patient denies chest pain and reports mild ankle swelling today.\n';

const notesDir = join(packageRoot(), 'examples', 'notes');
const NOTES = readdirSync(notesDir)
  .filter((n) => n.endsWith('.txt'))
  .sort()
  .map((n) => ({ name: n.replace(/\.txt$/, ''), text: readFileSync(join(notesDir, n), 'utf8') }));

interface Concept {
  start: number;
  end: number;
  text: string;
  type: string;
  assertion?: {
    status: string;
    evidence: { category: string; cue: { start: number; end: number; text: string } | null }[];
  };
}
interface Result {
  id: string;
  concepts: Concept[];
  medications?: { start: number; end: number }[];
  dates?: unknown[];
  [k: string]: unknown;
}

describe.runIf(CI && !HAVE)('Chromium under CI', () => {
  it('is installed (.ci/run installs it)', () => {
    expect.fail(WHY);
  });
});

describe.skipIf(!HAVE)('the web UI in headless Chromium', () => {
  let dir = '';
  const logs: string[] = [];
  const foreign: string[] = [];
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  let running: RunningServer;
  let secret: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Runs shown by each page (its `#out[data-run]`). */
  const runs = new Map<Page, number>();
  /** The origins of this test's servers: the only ones the browser may ask. */
  const ours = new Set<string>();
  /** The second server, with the model registry, and the third, with the coding pipeline. */
  let registryServer: RunningServer | undefined;
  let registryStore: OpenedStore | undefined;
  let codingServer: RunningServer | undefined;

  /** A new tab of the same browser context, its console and errors collected like the first's. */
  async function newPage(): Promise<Page> {
    const p = await context.newPage();
    p.on('console', (m) => consoleLines.push(m.text()));
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    return p;
  }

  /** Open a server's playground in `p` and give it the API key (kept per origin, per tab). */
  async function useKey(p: Page, url: string, key: string): Promise<void> {
    await p.goto(`${url}/`);
    await expect.poll(() => p.textContent('#run-status'), POLL).toMatch(/needs an API key/);
    await p.fill('#api-key', key);
    await p.getByRole('button', { name: 'Use key' }).click();
  }

  /** A JSON answer of a server's API (what the page reads, asked directly). */
  async function api<T>(url: string, key: string, path: string, init: RequestInit = {}): Promise<T> {
    const r = await fetch(`${url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
    const body = (await r.json()) as T;
    expect(r.status, `${init.method ?? 'GET'} ${path}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  }

  /** Wait for the page to show its run number `n`. */
  async function shown(p: Page, n: number): Promise<void> {
    await p.waitForFunction(
      (x) =>
        (globalThis as unknown as PageWindow).document.querySelector('#out')?.getAttribute('data-run') ===
        String(x),
      n,
    );
  }

  /** Paste `text` into the note (a paste event, as a user's), wait for the highlighted result. */
  async function paste(text: string, p: Page = page): Promise<Result> {
    const response = p.waitForResponse(
      (r) => new URL(r.url()).pathname === '/v1/extract' && r.request().method() === 'POST',
    );
    await p.evaluate((t) => {
      const w = globalThis as unknown as PageWindow;
      const note = w.document.querySelector('#note') as PageElement;
      note.value = '';
      note.focus();
      const data = new w.DataTransfer();
      data.setData('text/plain', t);
      note.dispatchEvent(
        new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, text);
    const r = await response;
    expect(r.status()).toBe(200);
    const result = (await r.json()) as Result;
    const n = (runs.get(p) ?? 0) + 1;
    runs.set(p, n);
    await shown(p, n);
    return result;
  }

  /** Screenshots at two widths (test artifacts); `docs`: also the current ones in docs/ui/. */
  async function shoot(name: string, docs = false, p: Page = page): Promise<void> {
    for (const [label, viewport] of [
      ['1280', { width: 1280, height: 860 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await p.setViewportSize(viewport);
      await p.waitForTimeout(50);
      const file = `${name}-${label}.png`;
      const png = await p.screenshot({ type: 'png' });
      writeFileSync(join(ARTIFACTS, file), png);
      if (DOCS_SHOTS && docs) writeFileSync(join(DOCS_SHOTS, file), png);
    }
    await p.setViewportSize({ width: 1280, height: 860 });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clinote-ui-e2e-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    if (DOCS_SHOTS) mkdirSync(DOCS_SHOTS, { recursive: true });
    await buildUi({ outDir: join(dir, 'ui') });
    process.env.CLINOTE_UI_DIR = join(dir, 'ui');
    const store = memoryStore();
    ({ secret } = await store.keys.create({ tenant: 'acme', scopes: ['extract', 'admin'] }));
    const config = { ...parseServerConfig({ threads: 0, limits: { maxEventLoopDelayMs: 0 } }), port: 0 };
    running = await startServer(config, { store, logStream: { write: (l: string) => logs.push(l) } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    ours.add(new URL(running.url).origin);
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (ours.has(url.origin)) return route.continue();
      foreign.push(url.origin);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await registryServer?.stop();
    await registryStore?.close();
    await codingServer?.stop();
    delete process.env.CLINOTE_UI_DIR;
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('loads the playground; without a key it says so; with one it lists the pipelines', async () => {
    await page.goto(`${running.url}/`);
    await expect.poll(() => page.textContent('h1'), POLL).toBe('Playground');
    await expect.poll(() => page.textContent('#run-status'), POLL).toMatch(/needs an API key/);
    await page.fill('#api-key', secret);
    await page.getByRole('button', { name: 'Use key' }).click();
    await expect
      .poll(() => page.locator('#pipeline option').allTextContents(), POLL)
      .toEqual([expect.stringMatching(/^default \([0-9a-f]{8}\) — default$/)]);
    await expect.poll(() => page.locator('#example option').count(), POLL).toBe(NOTES.length + 1);
    await shoot('empty-playground');
  });

  it('highlights every concept of every example note at its offsets', async () => {
    for (const note of NOTES) {
      const result = await paste(note.text);
      const marks = await page.$$eval('#note-view mark.c', (ms) =>
        (ms as unknown as PageElement[]).map((m) => ({
          start: Number(m.dataset.start),
          end: Number(m.dataset.end),
          clipped: m.dataset.clipped === 'true',
          text: m.textContent,
        })),
      );
      const want = result.concepts
        .map((c) => [c.start, c.end])
        .sort((a, b) => (a[0] as number) - (b[0] as number) || (b[1] as number) - (a[1] as number));
      expect(
        marks.map((m) => [m.start, m.end]),
        note.name,
      ).toEqual(want);
      for (const m of marks) if (!m.clipped) expect(m.text, note.name).toBe(note.text.slice(m.start, m.end));
      // the rendered note is the note, character for character
      expect(await page.textContent('#note-view'), note.name).toBe(note.text);
    }
  }, 120_000);

  it('runs a dropped .txt file, without sending its name', async () => {
    const note = NOTES.find((n) => n.name === 'soap-progress-02') as { text: string }; // CR LF
    const request = page.waitForRequest(
      (r) => new URL(r.url()).pathname === '/v1/extract' && r.method() === 'POST',
    );
    await page.evaluate((t) => {
      const w = globalThis as unknown as PageWindow;
      const data = new w.DataTransfer();
      data.items.add(new w.File([t], 'Doe_Jane_2025.txt', { type: 'text/plain' }));
      const target = w.document.querySelector('#note') as PageElement;
      target.dispatchEvent(new w.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, note.text);
    const sent = JSON.parse((await request).postData() as string) as { id: string; text: string };
    expect(sent.id).toBe('dropped');
    expect(sent.text).toBe(note.text); // as given, CR LF kept
    const n = (runs.get(page) ?? 0) + 1;
    runs.set(page, n);
    await shown(page, n);
    expect(await page.textContent('#note-view')).toBe(note.text);
  });

  it('shows the evidence of a negated concept: its cue highlighted in the text', async () => {
    const note = NOTES.find((n) => n.name === 'ed-note-01') as { text: string };
    const result = await paste(note.text);
    const i = result.concepts.findIndex(
      (c) => c.assertion?.status === 'absent' && c.assertion.evidence.some((e) => e.cue !== null),
    );
    expect(i).toBeGreaterThanOrEqual(0);
    const concept = result.concepts[i] as Concept;
    const cue = concept.assertion?.evidence.find((e) => e.category === 'NEGATED')?.cue as {
      start: number;
      end: number;
      text: string;
    };
    const mark = page.locator(`#note-view mark.c[data-i="${i}"]`);
    expect(await mark.getAttribute('class')).toMatch(/\ba-absent\b/);
    expect(
      await mark.evaluate(
        (m) => (globalThis as unknown as PageWindow).getComputedStyle(m).textDecorationLine,
      ),
    ).toBe('line-through');
    await mark.click();
    expect(await mark.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.textContent('#evidence'), POLL).toContain('absent');
    const shownCue = page.locator(`#evidence mark.cue[data-start="${cue.start}"][data-end="${cue.end}"]`);
    expect(await shownCue.first().textContent()).toBe(cue.text);
    const highlighted = await page.evaluate(() =>
      [...((globalThis as unknown as PageWindow).CSS.highlights.get('clinote-cue') ?? [])].map((r) =>
        r.toString(),
      ),
    );
    expect(highlighted).toContain(cue.text);
    expect(await page.textContent('#evidence')).toMatch(/neg\./); // the rule id
    await shoot('playground', true);
    // the keyboard selects too
    const other = result.concepts.findIndex((_c, j) => j !== i);
    await page.locator(`#note-view mark.c[data-i="${other}"]`).focus();
    await page.keyboard.press('Enter');
    // one tab stop in the note; the arrow keys go from concept to concept in text order
    expect(await page.locator('#note-view mark.c[tabindex="0"]').count()).toBe(1);
    const order = await page.$$eval('#note-view mark.c', (ms) =>
      (ms as unknown as PageElement[]).map((x) => x.dataset.i),
    );
    await page.keyboard.press('ArrowRight');
    expect(
      await page.evaluate(() => (globalThis as unknown as PageWindow).document.activeElement?.dataset.i),
    ).toBe(order[order.indexOf(String(other)) + 1]);
    await expect
      .poll(() => page.locator(`#note-view mark.c[data-i="${other}"]`).getAttribute('aria-pressed'), POLL)
      .toBe('true');
  });

  it('filters by type, assertion and section', async () => {
    const total = await page.locator('#note-view mark.c').count();
    const problems = await page.locator('#note-view mark.c.t-problem').count();
    expect(problems).toBeGreaterThan(0);
    await page.locator('.filters label.chip.t-problem input').uncheck();
    expect(await page.locator('#note-view mark.c.dim').count()).toBe(problems);
    expect(await page.textContent('#shown')).toBe(`${total - problems} of ${total} concepts shown`);
    await page.locator('.filters label.chip.t-problem input').check();
    await page.selectOption('#filter-section', '1');
    expect(await page.locator('#note-view mark.c:not(.dim)').count()).toBeLessThan(total);
    await page.selectOption('#filter-section', '');
    await page.locator('.filters label.chip.a-absent input').uncheck();
    expect(await page.locator('#note-view mark.c.a-absent.dim').count()).toBe(
      await page.locator('#note-view mark.c.a-absent').count(),
    );
    await page.locator('.filters label.chip.a-absent input').check();
    expect(await page.locator('#note-view mark.c.dim').count()).toBe(0);
  });

  it('switches tabs (mouse and arrow keys) and shows each layer', async () => {
    const note = NOTES.find((n) => n.name === 'medication-reconciliation-01') as { text: string };
    const result = await paste(note.text);
    // the other layers' spans are underlined in the note, one range each
    const underlined = await page.evaluate(() => {
      const { highlights } = (globalThis as unknown as PageWindow).CSS;
      return ['clinote-medications', 'clinote-dates'].map((n) => [...(highlights.get(n) ?? [])].length);
    });
    expect(underlined).toEqual([result.medications?.length, result.dates?.length]);
    await page.locator('.filters label.layer-dates input').uncheck();
    expect(
      await page.evaluate(() => (globalThis as unknown as PageWindow).CSS.highlights.get('clinote-dates')),
    ).toBeUndefined();
    await page.locator('.filters label.layer-dates input').check();
    await page.getByRole('tab', { name: 'Medications' }).click();
    expect(await page.isVisible('#panel-medications')).toBe(true);
    expect(await page.isVisible('#panel-annotated')).toBe(false);
    const rows = page.locator('#panel-medications tbody tr');
    expect(await rows.count()).toBe(result.medications?.length);
    expect(await page.textContent('#panel-medications thead')).toContain('FHIR timing');
    await shoot('playground-medications');
    await page.getByRole('tab', { name: 'Medications' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Labs & vitals' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.isVisible('#panel-measurements')).toBe(true);
    await page.getByRole('tab', { name: 'Dates' }).click();
    expect(await page.locator('#panel-dates tbody tr').count()).toBe(result.dates?.length);
    await page.getByRole('tab', { name: 'Codes' }).click();
    expect(await page.textContent('#panel-codes')).toMatch(result.codes ? /./ : /No codes layer/);
    await page.getByRole('tab', { name: 'Raw JSON' }).click();
    expect(JSON.parse((await page.textContent('#raw-json')) as string)).toEqual(result);
    // a row's span, shown in the note
    await page.getByRole('tab', { name: 'Medications' }).click();
    await page.locator('#panel-medications tbody tr button').first().click();
    expect(await page.isVisible('#panel-annotated')).toBe(true);
    const focus = await page.evaluate(() =>
      [...((globalThis as unknown as PageWindow).CSS.highlights.get('clinote-focus') ?? [])].map((r) =>
        r.toString(),
      ),
    );
    const m = result.medications?.[0] as { start: number; end: number };
    expect(focus).toEqual([note.text.slice(m.start, m.end)]);
  });

  it.skipIf(codingMissing !== undefined)(
    codingMissing
      ? `the codes tab of a real coding run: ${missingDataMessage(...codingMissing)}`
      : 'lists every code of a real coding run in the codes tab, its evidence spans in the note',
    async () => {
      // a server of the coding pipeline (resources/pipelines/coding.json): the ICD-10-CM pack is
      // compiled (or read from the cache) once, when its engine starts
      const store = memoryStore();
      const { secret: key } = await store.keys.create({ tenant: 'acme', scopes: ['extract'] });
      const config = {
        ...parseServerConfig({
          threads: 0,
          limits: { maxEventLoopDelayMs: 0 },
          pipelines: { coding: resourcePath('pipelines/coding.json') },
        }),
        port: 0,
      };
      codingServer = await startServer(config, { store, logStream: { write: (l: string) => logs.push(l) } });
      const url = codingServer.url;
      ours.add(new URL(url).origin);
      const p = await newPage();
      try {
        await useKey(p, url, key);
        await expect
          .poll(() => p.locator('#pipeline option').allTextContents(), POLL)
          .toEqual([expect.stringMatching(/^coding \([0-9a-f]{8}\) — default$/)]);
        const result = await paste(CODING_NOTE, p);
        const codes = result.codes as {
          code: string;
          title: string;
          status: string;
          evidence: { spans: { start: number; end: number; text: string }[]; rules: string[] };
        }[];
        // the run codes the note: type 2 diabetes without complications, essential hypertension
        expect(codes.map((c) => c.code)).toEqual(expect.arrayContaining(['E11.9', 'I10']));
        await p.getByRole('tab', { name: 'Codes' }).click();
        expect(await p.isVisible('#panel-codes')).toBe(true);
        // one row per item of the layer, in its order, each with its code, title, status and evidence
        const rows = p.locator('#panel-codes tbody tr');
        expect(await rows.count()).toBe(codes.length);
        const head = await p.locator('#panel-codes thead th').allTextContents();
        const column = async (name: string) => {
          const i = head.indexOf(name);
          expect(i, name).toBeGreaterThanOrEqual(0);
          return p.locator(`#panel-codes tbody tr > td:nth-child(${i + 1})`).allTextContents();
        };
        expect(await column('code')).toEqual(codes.map((c) => c.code));
        expect(await column('title')).toEqual(codes.map((c) => c.title));
        expect(await column('status')).toEqual(codes.map((c) => c.status));
        expect(await column('evidence')).toEqual(
          codes.map((c) =>
            c.evidence.spans
              .slice(0, 8)
              .map((s) => s.text)
              .join(', '),
          ),
        );
        expect(await column('rule')).toEqual(codes.map((c) => c.evidence.rules.join(', ')));
        await shoot('playground-codes', false, p);
        // a code's evidence span, shown in the note
        const span = codes.find((c) => c.code === 'I10')?.evidence.spans[0] as {
          start: number;
          end: number;
          text: string;
        };
        await p
          .locator(`#panel-codes button[data-start="${span.start}"][data-end="${span.end}"]`)
          .first()
          .click();
        expect(await p.isVisible('#panel-annotated')).toBe(true);
        const focus = await p.evaluate(() =>
          [...((globalThis as unknown as PageWindow).CSS.highlights.get('clinote-focus') ?? [])].map((r) =>
            r.toString(),
          ),
        );
        expect(focus).toEqual([CODING_NOTE.slice(span.start, span.end)]);
        expect(span.text).toBe(CODING_NOTE.slice(span.start, span.end));
      } finally {
        await p.close();
      }
    },
    240_000,
  );

  it('downloads the FHIR Bundle and the JSON result, which parse', async () => {
    await page.getByRole('tab', { name: 'FHIR Bundle' }).click();
    await page.waitForSelector('#fhir-json');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#panel-fhir button.download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/fhir-bundle\.json$/);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      resourceType: string;
      entry: unknown[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.length).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Medications' }).click();
    const [meds] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#panel-medications button.download').click(),
    ]);
    expect(Array.isArray(JSON.parse(readFileSync(await meds.path(), 'utf8')))).toBe(true);
  });

  it('shows a readable error state when the API refuses', async () => {
    await page.fill('#api-key', 'cln_nope_wrong');
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.fill('#note', 'Denies chest pain.');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.textContent('#out .notice.error'), POLL).toMatch(/CLINOTE_E_AUTH_INVALID/);
    await page.fill('#api-key', secret);
    await page.getByRole('button', { name: 'Use key' }).click();
  });

  it('shows the deployments page of a server without the registry: explained, never an error', async () => {
    // this server has no registry (no registry config, an in-memory key store): its routes say so
    const missing = await fetch(`${running.url}/v1/registry/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('CLINOTE_E_SERVER_NOT_FOUND');
    expect(await api(running.url, secret, '/v1/deployments')).toEqual({ deployments: [] });
    await page.getByRole('link', { name: 'Deployments' }).click();
    expect(new URL(page.url()).pathname).toBe('/deployments');
    await expect.poll(() => page.locator('section.part [aria-busy]').count(), POLL).toBe(0);
    expect(await page.locator('section.part').count()).toBe(3);
    expect(await page.locator('section.part .notice.error').count()).toBe(0);
    const part = (title: string) => page.locator(`section.part[aria-label="${title}"]`).textContent();
    for (const [title, route] of [
      ['Registered models and pipelines', '/v1/registry/models'],
      ['Promotion attempts', '/v1/registry/promotions'],
    ]) {
      const text = (await part(title as string)) as string;
      expect(text).toContain('Not available on this server');
      expect(text).toContain(`GET ${route} answered 404 (CLINOTE_E_SERVER_NOT_FOUND`);
      expect(text).toContain('without the model registry');
    }
    expect(await part('Live deployments')).toContain('Nothing deployed');
    await shoot('deployments-empty');
  });

  it("shows a real registry's models, versions, aliases, deployment and promotion attempts", async () => {
    // a second server, with the model registry in the temp dir (SQLite store, artifact folder):
    // the rule pipeline registered twice, a policy, one promotion that passes (no champion yet) and
    // one the gate refuses (neither version is evaluated), a challenger alias
    const root = join(dir, 'registry');
    mkdirSync(root, { recursive: true });
    const db = join(root, 'clinote.db');
    const artifacts = join(root, 'artifacts');
    registryStore = await openStore({ url: db });
    const registry = new Registry(registryStore, new ArtifactStore(artifacts));
    const pipeline = resourcePath('pipelines/default.json');
    await registry.register({ name: 'ner', pipeline, tags: { kind: 'rules' } });
    await registry.register({ name: 'ner', pipeline, tags: { kind: 'rules', note: 'registered again' } });
    await registry.setPolicy(
      'ner',
      parsePolicy({ suites: ['ner:ncbi-disease'], minF1DiffLowerBound: -0.5, maxClassRecallDrop: 2 }),
    );
    expect((await promote(registry, 'ner', 1)).outcome).toBe('promoted');
    const refused = await promote(registry, 'ner', 2).catch((e: unknown) => e);
    expect(isClinoteError(refused) && refused.code).toBe('CLINOTE_E_REGISTRY_GATE_FAILED');
    await registry.setAlias('ner', 'challenger', 2);
    const { secret: key } = await registryStore.keys.create({ tenant: 'acme', scopes: ['extract', 'admin'] });
    const config = {
      ...parseServerConfig({
        threads: 0,
        limits: { maxEventLoopDelayMs: 0 },
        registry: { store: db, artifacts, pollMs: 0 },
      }),
      port: 0,
    };
    registryServer = await startServer(config, {
      store: registryStore,
      logStream: { write: (l: string) => logs.push(l) },
    });
    const url = registryServer.url;
    ours.add(new URL(url).origin);
    // a deployment with a 25% canary, through the admin route; then requests until one is served
    // by the canary, so that the page has a comparison with the champion to show
    await api(url, key, '/v1/deployments/ner', {
      method: 'PUT',
      body: JSON.stringify({
        champion: 'models:/ner@champion',
        canary: { model: 'models:/ner@challenger', share: 0.25 },
      }),
    });
    let canaryServed = false;
    for (let i = 0; i < 40 && !canaryServed; i++) {
      const r = await fetch(`${url}/v1/extract`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-clinote-routing-key': `patient-${i}`,
        },
        body: JSON.stringify({ id: `n${i}`, text: DEPLOYMENT_NOTE, pipeline: 'ner' }),
      });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      canaryServed = r.headers.get('x-clinote-variant') === 'canary';
    }
    expect(canaryServed).toBe(true);

    interface ModelSummary {
      name: string;
      latest: number;
      versions: number;
      aliases: Record<string, number>;
      hasPolicy: boolean;
    }
    interface Variant {
      uri: string;
      version: string;
      share?: number;
    }
    interface DeploymentView {
      name: string;
      source: string;
      champion: Variant;
      canary?: Variant;
      agreement: { canary?: { current: { compared: number; agreementF1: number } } };
    }
    interface Promotion {
      name: string;
      alias: string;
      version: number;
      fromVersion: number | null;
      outcome: string;
      checks: { check: string; suite?: string; pass: boolean; detail: string }[];
    }
    // the canary's comparison is made in the background: wait for it in the route's answer
    await expect
      .poll(
        async () =>
          (await api<{ deployments: DeploymentView[] }>(url, key, '/v1/deployments')).deployments[0]
            ?.agreement.canary?.current.compared ?? 0,
        POLL,
      )
      .toBeGreaterThan(0);
    // what the page reads, asked of the same server
    const { models } = await api<{ models: ModelSummary[] }>(url, key, '/v1/registry/models');
    const detail = await api<{
      name: string;
      aliases: Record<string, number>;
      versionCount: number;
      versions: {
        version: number;
        kind: string;
        artifactHash: string;
        aliases: string[];
        tags: Record<string, string>;
        lineage: { parentVersion?: number };
      }[];
      evals: unknown[];
      policy: { suites: string[] };
    }>(url, key, '/v1/registry/models/ner');
    const { deployments } = await api<{ deployments: DeploymentView[] }>(url, key, '/v1/deployments');
    const { promotions } = await api<{ promotions: Promotion[] }>(url, key, '/v1/registry/promotions');
    // ... which are the scenario's
    expect(models.map((m) => [m.name, m.versions, m.aliases])).toEqual([
      ['ner', 2, { champion: 1, challenger: 2 }],
    ]);
    expect(detail.versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(
      deployments.map((d) => [d.name, d.source, d.champion.version, d.canary?.version, d.canary?.share]),
    ).toEqual([['ner', 'registry', 'ner/1', 'ner/2', 0.25]]);
    expect(promotions.map((x) => x.outcome).sort()).toEqual(['promoted', 'refused']);

    const p = await newPage();
    try {
      await useKey(p, url, key);
      await p.getByRole('link', { name: 'Deployments' }).click();
      expect(new URL(p.url()).pathname).toBe('/deployments');
      await expect.poll(() => p.locator('section.part [aria-busy]').count(), POLL).toBe(0);
      expect(await p.locator('section.part .notice').count()).toBe(0);
      // the models: one row each, its aliases, its summary
      const modelRows = p.locator('section.part[aria-label="Registered models and pipelines"] tbody tr');
      expect(await modelRows.count()).toBe(models.length);
      const aliasText = (a: Record<string, number>) =>
        Object.entries(a)
          .map(([k, v]) => `${k} → v${v}`)
          .join(', ');
      for (const [i, m] of models.entries()) {
        const row = modelRows.nth(i);
        expect(await row.locator('th').textContent()).toBe(m.name);
        expect(await row.locator('td').first().textContent()).toBe(aliasText(m.aliases));
        const text = (await row.textContent()) as string;
        expect(text).toContain(`latest: ${m.latest}`);
        expect(text).toContain(`versions: ${m.versions}`);
        expect(text).toContain(`hasPolicy: ${m.hasPolicy ? '✓ yes' : '✗ no'}`);
      }
      // a name's versions, with their aliases, parent and artifact; its policy
      await p.getByRole('button', { name: 'ner' }).click();
      await expect.poll(() => p.textContent('.model-detail'), POLL).toContain('Versions and lineage');
      const box = p.locator('.model-detail');
      expect(await box.locator('h3').textContent()).toBe(detail.name);
      expect(await box.textContent()).toContain(`Aliases: ${aliasText(detail.aliases)}`);
      const versionRows = box.locator('table').filter({ has: p.locator('th', { hasText: 'artifact' }) });
      const vrows = versionRows.locator('tbody tr');
      expect(await vrows.count()).toBe(detail.versionCount);
      const vhead = await versionRows.locator('thead th').allTextContents();
      for (const [i, v] of detail.versions.entries()) {
        const cells = await vrows.nth(i).locator('td').allTextContents();
        const cell = (k: string) => cells[vhead.indexOf(k)];
        expect(cell('version')).toBe(String(v.version));
        expect(cell('kind')).toBe(v.kind);
        expect(cell('aliases')).toBe(v.aliases.join(', '));
        expect(cell('parent')).toBe(String(v.lineage.parentVersion ?? '—'));
        expect(cell('artifact')).toBe(v.artifactHash.slice(0, 12));
      }
      expect(detail.evals).toEqual([]);
      expect(await box.textContent()).toContain('No evaluation report yet.');
      expect(await box.textContent()).toMatch(/Promotion policy[\s\S]*ner:ncbi-disease/);
      // the deployment: champion, canary and its share, the comparison of the current window
      const cards = p.locator('.deployment');
      expect(await cards.count()).toBe(deployments.length);
      for (const [i, d] of deployments.entries()) {
        const text = (await cards.nth(i).textContent()) as string;
        expect(text).toContain(`${d.name} from ${d.source}`);
        expect(text).toContain(`Champion ${d.champion.uri} (version ${d.champion.version})`);
        const c = d.canary as Variant;
        expect(text).toContain(
          `Canary ${c.uri} (version ${c.version}), ${Math.round((c.share as number) * 1000) / 10}% of traffic`,
        );
        const cmp = d.agreement.canary?.current as { compared: number; agreementF1: number };
        const row = await cards.nth(i).locator('tbody tr').first().locator('td').allTextContents();
        expect(row[0]).toBe('canary');
        expect(row[2]).toBe(String(cmp.compared));
        expect(row[3]).toBe(String(Math.round(cmp.agreementF1 * 1000) / 1000));
      }
      // the promotion attempts, newest first, with the gate's checks
      const promotionCards = p.locator('.promotion');
      expect(await promotionCards.count()).toBe(promotions.length);
      for (const [i, x] of promotions.entries()) {
        const card = promotionCards.nth(i);
        const from = x.fromVersion !== null ? `v${x.fromVersion} → ` : '';
        expect(await card.locator('h3').textContent()).toBe(
          `${x.name}@${x.alias}: ${from}v${x.version} ${x.outcome}`,
        );
        const checkRows = card.locator('tbody tr');
        expect(await checkRows.count()).toBe(x.checks.length);
        for (const [j, ch] of x.checks.entries()) {
          const text = (await checkRows.nth(j).textContent()) as string;
          expect(text).toContain(ch.check);
          expect(text).toContain(ch.detail);
          expect(text).toContain(ch.pass ? '✓ yes' : '✗ no');
        }
      }
      const refusedCard = promotionCards.filter({ hasText: 'refused' });
      expect(await refusedCard.textContent()).toMatch(/ner@champion: v1 → v2 refused/);
      expect(await refusedCard.textContent()).toContain(
        'the champion (version 1) has no report on ner:ncbi-disease',
      );
      await shoot('deployments', true, p);
    } finally {
      await p.close();
    }
  }, 120_000);

  it('shows the monitoring page from /metrics, with drift and feedback explained', async () => {
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await expect.poll(() => page.locator('.metric h3').allTextContents(), POLL).toContain('Throughput');
    expect(await page.textContent('main')).toMatch(/No drift data yet[\s\S]*No feedback yet/);
    expect(await page.textContent('.cards')).toMatch(
      /\d+ API requests, \d+ notes, \d+\.\d\d req\/s on average/,
    );
    // the second reading gives a rate
    await expect.poll(() => page.textContent('.metric .big'), POLL).toMatch(/\d+\.\d\d req\/s/);
    await shoot('monitoring', true);
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.selectOption('#example', { label: 'soap-progress-01' });
    await page.waitForSelector('#note-view mark.c');
    await shoot('playground-example');
  });

  it('keeps note text out of URLs, storage, the console and the logs; asks no other host', async () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    const storage = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return { local: w.localStorage.length, session: Object.keys(w.sessionStorage) };
    });
    expect(storage).toEqual({ local: 0, session: ['clinote.apiKey'] });
    const phrases = NOTES.map(
      (n) =>
        n.text
          .split('\n')
          .find((l) => l.trim().length > 25)
          ?.trim() as string,
    );
    phrases.push(CODING_NOTE.trim(), DEPLOYMENT_NOTE.trim());
    const seen = [page.url(), ...consoleLines, ...logs].join('\n');
    for (const p of phrases) expect(seen).not.toContain(p);
    expect(logs.length).toBeGreaterThan(0);
  });
});
