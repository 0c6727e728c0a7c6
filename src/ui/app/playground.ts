/**
 * The playground: a note in, its result out, every concept highlighted in place with its evidence
 * a click away; tabs for the other layers, the FHIR Bundle and the raw JSON. The note text stays in
 * this page (the textarea, the request body): never in the URL, storage or the console.
 */
import { ApiError, authHint, call, getJson } from './api.js';
import { type Child, download, fill, h, notice, uid } from './dom.js';
import { brief, renderValue, table } from './generic.js';
import { locate, nestSpans } from './segments.js';

interface Span {
  readonly start: number;
  readonly end: number;
}
interface TextSpan extends Span {
  readonly text?: string;
}
interface Evidence {
  readonly component: string;
  readonly rule?: string;
  readonly detail?: string;
  readonly source?: string;
  readonly model?: string;
}
interface AssertionEvidence {
  readonly category?: string;
  readonly temporality?: string;
  readonly source: string;
  readonly rule: string;
  readonly cue: TextSpan | null;
  readonly scope: Span;
  readonly [k: string]: unknown;
}
interface Concept extends Span {
  readonly text: string;
  readonly type: string;
  readonly subtype?: string;
  readonly id?: string;
  readonly preferred?: string;
  readonly codes: readonly Record<string, unknown>[];
  readonly matched?: Readonly<Record<string, unknown>>;
  readonly score?: number;
  readonly candidates?: readonly Record<string, unknown>[];
  readonly section?: number;
  readonly sentence?: number;
  readonly evidence: Evidence;
  readonly assertion?: {
    readonly status: string;
    readonly categories: readonly string[];
    readonly evidence: readonly AssertionEvidence[];
    readonly temporality?: string;
    readonly temporalityEvidence?: readonly AssertionEvidence[];
    readonly [k: string]: unknown;
  };
  readonly modifiers?: Readonly<Record<string, unknown>>;
}
interface Section extends Span {
  readonly category: string;
  readonly header?: TextSpan;
  readonly evidence?: Evidence;
}
type Row = Readonly<Record<string, unknown>> & { readonly start?: number; readonly end?: number };
export interface Result {
  readonly id: string;
  readonly pipeline: { readonly name: string; readonly version: string };
  readonly sections: readonly Section[];
  readonly concepts: readonly Concept[];
  readonly medications?: readonly Row[];
  readonly measurements?: readonly Row[];
  readonly dates?: readonly Row[];
  readonly codes?: readonly Row[];
  readonly [k: string]: unknown;
}

interface Example {
  readonly name: string;
  readonly text: string;
}

const TABS = [
  ['annotated', 'Annotated note'],
  ['medications', 'Medications'],
  ['measurements', 'Labs & vitals'],
  ['dates', 'Dates'],
  ['codes', 'Codes'],
  ['fhir', 'FHIR Bundle'],
  ['json', 'Raw JSON'],
] as const;
type TabName = (typeof TABS)[number][0];

/** The layers of spans besides concepts, underlined in the note. */
type SpanLayer = 'medications' | 'measurements' | 'dates';
const LAYER_MARKS: readonly (readonly [SpanLayer, string])[] = [
  ['medications', 'medications'],
  ['measurements', 'labs & vitals'],
  ['dates', 'dates'],
];

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The rule of an annotation's evidence (`rule`), or its rules (a code's `rules`). */
const ruleOf = (e: unknown): string => {
  const x = (e ?? {}) as { rule?: unknown; rules?: unknown };
  if (typeof x.rule === 'string') return x.rule;
  return Array.isArray(x.rules) ? x.rules.map(String).join(', ') : '';
};
const statusOf = (c: Concept): string => c.assertion?.status ?? 'present';
const cssName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'other';
const offsets = (s: Span): string => `[${s.start}–${s.end})`;

/** Render the playground into `root`; returns what to undo when the page is left. */
export function playground(root: HTMLElement): () => void {
  const exampleSel = h('select', { id: 'example', 'aria-describedby': 'example-help' });
  const pipelineSel = h('select', { id: 'pipeline' });
  const note = h('textarea', {
    id: 'note',
    rows: 10,
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'Paste or type a clinical note here, or drop a .txt file…',
  });
  const runBtn = h('button', { type: 'submit', id: 'run', class: 'primary' }, 'Run');
  const clearBtn = h('button', { type: 'button', id: 'clear' }, 'Clear');
  const status = h('p', { id: 'run-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const out = h('div', { id: 'out', class: 'out' });
  const form = h(
    'form',
    { class: 'input', 'aria-label': 'Note input' },
    h(
      'div',
      { class: 'toolbar' },
      h('label', null, 'Example note ', exampleSel),
      h('label', null, 'Pipeline ', pipelineSel),
      runBtn,
      clearBtn,
    ),
    h('span', { id: 'example-help', class: 'sr-only' }, 'Picking an example loads it and runs it.'),
    h('label', { for: 'note', class: 'note-label' }, 'Note text (Ctrl+Enter runs it)'),
    note,
    status,
  );
  fill(root, h('h1', null, 'Playground'), form, out);
  fill(
    out,
    notice('empty', 'No result yet', 'Paste, type or drop a note above (or pick an example note), then Run.'),
  );

  let noteId = 'playground';
  /**
   * The note as given (an example, a file, a paste of the whole note): a textarea turns CR LF into
   * LF, so the text is sent as given while the textarea still holds it, and offsets stay those of
   * the original.
   */
  let raw: string | undefined;
  let examples: readonly Example[] = [];
  let generation = 0;
  let runs = 0;

  // ---- examples (synthetic notes shipped with the UI)
  fill(exampleSel, h('option', { value: '' }, 'Loading…'));
  const examplesUrl = document.querySelector('meta[name="clinote-examples"]')?.getAttribute('content');
  if (examplesUrl) {
    getJson<{ notes: Example[] }>(examplesUrl)
      .then((x) => {
        examples = x.notes;
        fill(
          exampleSel,
          h('option', { value: '' }, '(choose an example)'),
          examples.map((e, i) => h('option', { value: String(i) }, e.name)),
        );
      })
      .catch(() => fill(exampleSel, h('option', { value: '' }, '(examples unavailable)')));
  } else fill(exampleSel, h('option', { value: '' }, '(no examples)'));
  exampleSel.addEventListener('change', () => {
    const e = examples[Number(exampleSel.value)];
    if (exampleSel.value === '' || !e) return;
    note.value = e.text;
    raw = e.text;
    noteId = e.name;
    void run();
  });

  // ---- pipelines
  let pipelinesAsked = 0;
  const loadPipelines = async (): Promise<void> => {
    // a new key asks again: only the last answer counts
    const asked = ++pipelinesAsked;
    pipelineSel.disabled = true;
    fill(pipelineSel, h('option', { value: '' }, 'Loading…'));
    try {
      const p = await getJson<{ default: string; pipelines: { name: string; stamp: { version: string } }[] }>(
        '/v1/pipelines',
      );
      if (asked !== pipelinesAsked) return;
      if (status.textContent?.startsWith('This server needs an API key')) status.textContent = '';
      fill(
        pipelineSel,
        p.pipelines.map((x) =>
          h(
            'option',
            { value: x.name, selected: x.name === p.default },
            `${x.name} (${x.stamp.version.slice(0, 8)})${x.name === p.default ? ' — default' : ''}`,
          ),
        ),
      );
      pipelineSel.disabled = false;
    } catch (e) {
      if (asked !== pipelinesAsked) return;
      fill(pipelineSel, h('option', { value: '' }, '(default)'));
      if (e instanceof ApiError) status.textContent = authHint(e) ?? `Pipelines unavailable: ${e.code}`;
    }
  };
  void loadPipelines();
  const onKey = () => void loadPipelines();
  document.addEventListener('clinote:key', onKey);

  // ---- input: paste (runs at once), drop (a file or text), Ctrl+Enter
  note.addEventListener('paste', (e) => {
    const pasted = e.clipboardData?.getData('text/plain');
    if (pasted === undefined || pasted === '') return;
    e.preventDefault();
    performance.mark('clinote:paste');
    const whole = note.selectionStart === 0 && note.selectionEnd === note.value.length;
    note.setRangeText(pasted, note.selectionStart, note.selectionEnd, 'end');
    raw = whole ? pasted : undefined;
    noteId = 'playground';
    void run('clinote:paste');
  });
  note.addEventListener('dragover', (e) => {
    e.preventDefault();
    note.classList.add('drop');
  });
  note.addEventListener('dragleave', () => note.classList.remove('drop'));
  note.addEventListener('drop', (e) => {
    e.preventDefault();
    note.classList.remove('drop');
    const file = e.dataTransfer?.files[0];
    if (file) {
      if (file.size > MAX_FILE_BYTES) {
        status.textContent = `That file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: drop a plain-text note.`;
        return;
      }
      void file.text().then((t) => {
        note.value = t;
        raw = t;
        noteId = 'dropped'; // not the file's name: it may name a patient
        void run();
      });
      return;
    }
    const t = e.dataTransfer?.getData('text/plain');
    if (t) {
      note.value = t;
      raw = t;
      void run();
    }
  });
  note.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  });
  note.addEventListener('input', () => {
    raw = undefined;
    noteId = 'playground';
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  clearBtn.addEventListener('click', () => {
    generation++;
    note.value = '';
    raw = undefined;
    exampleSel.value = '';
    status.textContent = '';
    fill(out, notice('empty', 'No result yet', 'Paste, type or drop a note above, then Run.'));
    note.focus();
  });

  const leave = () => {
    generation++;
    document.removeEventListener('clinote:key', onKey);
  };

  async function run(startMark?: string): Promise<void> {
    const text = raw !== undefined && raw.replace(/\r\n?/g, '\n') === note.value ? raw : note.value;
    const gen = ++generation;
    if (text.trim() === '') {
      fill(out, notice('empty', 'Nothing to run', 'The note is empty: paste, type or drop a note first.'));
      return;
    }
    if (!startMark) performance.mark('clinote:run');
    const pipeline = pipelineSel.disabled ? '' : pipelineSel.value;
    const body = JSON.stringify({ id: noteId, text, ...(pipeline !== '' ? { pipeline } : {}) });
    status.textContent = 'Running…';
    out.setAttribute('aria-busy', 'true');
    runBtn.disabled = true;
    let result: Result;
    try {
      const r = await call('/v1/extract', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      result = (await r.json()) as Result;
      performance.mark('clinote:response');
    } catch (e) {
      if (gen !== generation) return;
      runBtn.disabled = false;
      out.removeAttribute('aria-busy');
      status.textContent = '';
      const err = e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', 'the request failed');
      fill(
        out,
        notice(
          'error',
          'The note could not be processed',
          h('p', null, h('code', null, err.code), ' ', err.detail),
          authHint(err) ?? '',
        ),
      );
      return;
    }
    if (gen !== generation) return;
    runBtn.disabled = false;
    out.removeAttribute('aria-busy');
    new ResultView(out, text, result, body).render();
    performance.mark('clinote:rendered');
    // the last run's figures only (read by bench/ui.ts): nothing piles up over a long session
    performance.clearMeasures('clinote:paste-to-highlight');
    performance.clearMeasures('clinote:render');
    performance.measure('clinote:paste-to-highlight', startMark ?? 'clinote:run', 'clinote:rendered');
    performance.measure('clinote:render', 'clinote:response', 'clinote:rendered');
    for (const m of ['clinote:paste', 'clinote:run', 'clinote:response', 'clinote:rendered'])
      performance.clearMarks(m);
    const n = result.concepts.length;
    status.textContent = `${n} concept${n === 1 ? '' : 's'} found by pipeline ${result.pipeline.name} ${result.pipeline.version}.`;
    out.dataset.run = String(++runs);
  }

  return leave;
}

/** One result on screen: the tabs, the annotated note and its evidence panel. */
class ResultView {
  private starts: number[] = [];
  private nodes: Text[] = [];
  private marks: HTMLElement[] = [];
  private selected = -1;
  private fhir: Promise<string> | undefined;
  private readonly noteView = h('div', {
    id: 'note-view',
    class: 'note-view',
    tabindex: '0',
    role: 'region',
    'aria-label': 'Annotated note',
  });
  private readonly aside = h('aside', {
    id: 'evidence',
    class: 'evidence',
    'aria-live': 'polite',
    'aria-label': 'Evidence of the selected concept',
  });
  private readonly tabs = new Map<TabName, { tab: HTMLButtonElement; panel: HTMLElement; built: boolean }>();
  private readonly filters = { types: new Set<string>(), statuses: new Set<string>(), section: '' };
  private readonly shown = h('span', { class: 'muted', id: 'shown' });

  constructor(
    private readonly out: HTMLElement,
    private readonly text: string,
    private readonly result: Result,
    private readonly body: string,
  ) {}

  render(): void {
    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Result views' });
    const panels = h('div', { class: 'panels' });
    for (const [name, label] of TABS) {
      const tab = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${name}`,
          'aria-controls': `panel-${name}`,
          'aria-selected': name === 'annotated' ? 'true' : 'false',
          tabindex: name === 'annotated' ? '0' : '-1',
          'data-tab': name,
        },
        label,
      );
      const panel = h('section', {
        role: 'tabpanel',
        id: `panel-${name}`,
        'aria-labelledby': `tab-${name}`,
        class: 'panel',
        hidden: name !== 'annotated',
        tabindex: '-1',
      });
      tab.addEventListener('click', () => this.select(name));
      tablist.appendChild(tab);
      panels.appendChild(panel);
      this.tabs.set(name, { tab, panel, built: false });
    }
    tablist.addEventListener('keydown', (e) => {
      const names = TABS.map((t) => t[0]);
      const current = names.indexOf((document.activeElement as HTMLElement | null)?.dataset.tab as TabName);
      let next = -1;
      if (e.key === 'ArrowRight') next = (current + 1) % names.length;
      else if (e.key === 'ArrowLeft') next = (current - 1 + names.length) % names.length;
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = names.length - 1;
      if (next < 0) return;
      e.preventDefault();
      const name = names[next] as TabName;
      this.select(name);
      this.tabs.get(name)?.tab.focus();
    });
    fill(this.out, tablist, panels);
    this.build('annotated');
  }

  private select(name: TabName): void {
    for (const [n, t] of this.tabs) {
      const on = n === name;
      t.tab.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tab.tabIndex = on ? 0 : -1;
      t.panel.hidden = !on;
    }
    this.build(name);
  }

  private build(name: TabName): void {
    const t = this.tabs.get(name);
    if (!t || t.built) return;
    t.built = true;
    const r = this.result;
    const file = (what: string) => `clinote-${cssName(r.id).slice(0, 40) || 'note'}-${what}.json`;
    switch (name) {
      case 'annotated':
        this.buildAnnotated(t.panel, file('result'));
        break;
      case 'medications':
        this.buildLayer(t.panel, 'medications', 'medications', r.medications, file('medications'), (m) => {
          const timing = (m.frequency as { timing?: unknown } | undefined)?.timing;
          return { 'FHIR timing': timing === undefined ? '' : h('code', null, JSON.stringify(timing)) };
        });
        break;
      case 'measurements':
        this.buildLayer(t.panel, 'measurements', 'labs and vitals', r.measurements, file('measurements'));
        break;
      case 'dates':
        this.buildLayer(t.panel, 'dates', 'dates', r.dates, file('dates'));
        break;
      case 'codes':
        this.buildLayer(t.panel, 'codes', 'codes', r.codes, file('codes'), (c) => ({
          evidence: this.spanButtons(
            ((c.evidence as { spans?: TextSpan[] } | undefined)?.spans ?? []).slice(0, 8),
          ),
        }));
        break;
      case 'fhir':
        this.buildFhir(t.panel, file('fhir-bundle'));
        break;
      case 'json': {
        const json = JSON.stringify(r, null, 2);
        fill(
          t.panel,
          this.downloadButton('Download the JSON result', file('result'), () => json),
          h('pre', { class: 'code', id: 'raw-json', tabindex: '0' }, json),
        );
        break;
      }
    }
  }

  private downloadButton(label: string, name: string, content: () => string | Promise<string>): HTMLElement {
    const b = h('button', { type: 'button', class: 'download', 'data-download': name }, `⬇ ${label}`);
    b.addEventListener('click', () => {
      void Promise.resolve(content()).then(
        (text) => download(name, text),
        () => {},
      );
    });
    return b;
  }

  // ---- the annotated note
  private buildAnnotated(panel: HTMLElement, fileName: string): void {
    const r = this.result;
    const types = [...new Set(r.concepts.map((c) => c.type))].sort();
    const statuses = [...new Set(r.concepts.map(statusOf))].sort();
    for (const t of types) this.filters.types.add(t);
    for (const s of statuses) this.filters.statuses.add(s);
    const check = (group: Set<string>, value: string, cls: string) => {
      const box = h('input', { type: 'checkbox', checked: true, value });
      box.addEventListener('change', () => {
        if (box.checked) group.add(value);
        else group.delete(value);
        this.applyFilters();
      });
      return h('label', { class: `chip ${cls}` }, box, ' ', value);
    };
    const sectionSel = h('select', { id: 'filter-section' });
    fill(
      sectionSel,
      h('option', { value: '' }, 'All sections'),
      r.sections.map((s, i) => h('option', { value: String(i) }, this.sectionLabel(s, i))),
    );
    sectionSel.addEventListener('change', () => {
      this.filters.section = sectionSel.value;
      this.applyFilters();
    });
    const filters = h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': 'Filters' },
      h(
        'fieldset',
        null,
        h('legend', null, 'Type'),
        types.map((t) => check(this.filters.types, t, `t-${cssName(t)}`)),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, 'Assertion'),
        statuses.map((s) => check(this.filters.statuses, s, `a-${cssName(s)}`)),
      ),
      h('label', null, 'Section ', sectionSel),
      this.layerToggles(),
      this.shown,
      this.downloadButton('Download the JSON result', fileName, () => JSON.stringify(r, null, 2)),
    );
    const outline = h(
      'nav',
      { class: 'outline', 'aria-label': 'Sections' },
      h('h2', null, 'Sections'),
      r.sections.length === 0
        ? h('p', { class: 'muted' }, 'No sections layer in this result.')
        : h(
            'ol',
            null,
            r.sections.map((s, i) => {
              const b = h(
                'button',
                { type: 'button', class: 'link', 'data-section': String(i) },
                this.sectionLabel(s, i),
              );
              b.addEventListener('click', () => this.focusSpan(s.header ?? s, true));
              return h('li', null, b, h('span', { class: 'muted' }, ` ${s.category}`));
            }),
          ),
    );
    fill(this.aside, h('p', { class: 'muted' }, 'Select a highlighted concept to see its evidence.'));
    this.renderNote();
    this.noteView.addEventListener('click', (e) => {
      const m = (e.target as Element).closest<HTMLElement>('mark.c');
      if (m) this.selectConcept(Number(m.dataset.i));
    });
    this.noteView.addEventListener('keydown', (e) => {
      const m = (e.target as Element).closest<HTMLElement>('mark.c');
      if (!m) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.selectConcept(Number(m.dataset.i));
        return;
      }
      // in text order (the order of the marks in the document)
      const all = [...this.noteView.querySelectorAll<HTMLElement>('mark.c')];
      const at = all.indexOf(m);
      const next =
        e.key === 'ArrowRight'
          ? all[at + 1]
          : e.key === 'ArrowLeft'
            ? all[at - 1]
            : e.key === 'Home'
              ? all[0]
              : e.key === 'End'
                ? all[all.length - 1]
                : undefined;
      if (!next) return;
      e.preventDefault();
      m.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
    const legend = h(
      'p',
      { class: 'legend', 'aria-label': 'Legend' },
      h('mark', { class: 'c a-absent' }, 'negated'),
      ' ',
      h('mark', { class: 'c a-possible' }, 'uncertain'),
      ' ',
      h('mark', { class: 'c a-hypothetical' }, 'hypothetical'),
      ' ',
      h('mark', { class: 'c a-family' }, 'family'),
      ' ',
      h('mark', { class: 'c a-historical' }, 'historical'),
    );
    fill(
      panel,
      filters,
      legend,
      r.concepts.length === 0
        ? notice(
            'empty',
            'No concepts',
            'The pipeline found no concept in this note (or has no concept component).',
          )
        : null,
      h('div', { class: 'annot-grid' }, outline, this.noteView, this.aside),
    );
    this.applyFilters();
    // the previous result's ranges go; this one's layers are underlined
    for (const name of ['clinote-cue', 'clinote-scope', 'clinote-focus']) this.highlight(name, []);
    for (const [layer] of LAYER_MARKS) this.showLayer(layer, true);
  }

  /** Checkboxes that underline the spans of the other layers in the note (CSS highlights). */
  private layerToggles(): Child {
    const present = LAYER_MARKS.filter(([layer]) => (this.result[layer]?.length ?? 0) > 0);
    if (present.length === 0) return null;
    return h(
      'fieldset',
      null,
      h('legend', null, 'Underline'),
      present.map(([layer, label]) => {
        const box = h('input', { type: 'checkbox', checked: true, value: layer });
        box.addEventListener('change', () => this.showLayer(layer, box.checked));
        return h('label', { class: `chip layer-${layer}` }, box, ' ', label);
      }),
    );
  }

  private showLayer(layer: SpanLayer, on: boolean): void {
    const spans = on
      ? (this.result[layer] ?? []).filter(
          (r): r is Row & Span => typeof r.start === 'number' && typeof r.end === 'number',
        )
      : [];
    this.highlight(`clinote-${layer}`, spans);
  }

  private sectionLabel(s: Section, i: number): string {
    return s.header?.text ?? (s.header ? this.text.slice(s.header.start, s.header.end) : `Section ${i + 1}`);
  }

  private renderNote(): void {
    const { text } = this;
    const concepts = this.result.concepts;
    const frag = document.createDocumentFragment();
    const starts: number[] = [];
    const nodes: Text[] = [];
    const marks: HTMLElement[] = [];
    let first = true;
    const emit = (parent: Node, from: number, to: number) => {
      if (to <= from) return;
      const t = document.createTextNode(text.slice(from, to));
      starts.push(from);
      nodes.push(t);
      parent.appendChild(t);
    };
    const walk = (parent: Node, list: ReturnType<typeof nestSpans>, from: number, to: number) => {
      let pos = from;
      for (const n of list) {
        emit(parent, pos, n.start);
        const c = concepts[n.index] as Concept;
        const m = document.createElement('mark');
        const status = statusOf(c);
        m.className = `c t-${cssName(c.type)} a-${cssName(status)}`;
        m.dataset.i = String(n.index);
        m.dataset.start = String(c.start);
        m.dataset.end = String(c.end);
        if (n.clipped) m.dataset.clipped = 'true';
        // one tab stop for all the concepts (the first); arrow keys move between them
        m.tabIndex = first ? 0 : -1;
        first = false;
        m.setAttribute('role', 'button');
        m.setAttribute('aria-pressed', 'false');
        m.title = `${c.type}${c.subtype ? ` (${c.subtype})` : ''}: ${status}`;
        marks[n.index] = m;
        parent.appendChild(m);
        walk(m, n.children, n.start, n.end);
        pos = n.end;
      }
      emit(parent, pos, to);
    };
    walk(frag, nestSpans(concepts, text.length), 0, text.length);
    this.noteView.replaceChildren(frag);
    this.starts = starts;
    this.nodes = nodes;
    this.marks = marks;
  }

  private applyFilters(): void {
    const { types, statuses, section } = this.filters;
    let shown = 0;
    this.result.concepts.forEach((c, i) => {
      const m = this.marks[i];
      if (!m) return;
      const on =
        types.has(c.type) && statuses.has(statusOf(c)) && (section === '' || String(c.section) === section);
      m.classList.toggle('dim', !on);
      if (on) shown++;
    });
    this.shown.textContent = `${shown} of ${this.result.concepts.length} concepts shown`;
  }

  /** A DOM Range over note offsets [start, end). */
  private range(s: Span): Range | undefined {
    if (this.nodes.length === 0 || s.end <= s.start) return undefined;
    const at = (offset: number): [Text, number] => {
      const i = locate(this.starts, offset);
      const node = this.nodes[i] as Text;
      return [node, Math.max(0, Math.min(offset - (this.starts[i] as number), node.length))];
    };
    const r = document.createRange();
    const [a, ao] = at(s.start);
    const [b, bo] = at(s.end);
    r.setStart(a, ao);
    r.setEnd(b, bo);
    return r;
  }

  private highlight(name: string, spans: readonly Span[]): void {
    if (typeof Highlight === 'undefined' || !('highlights' in CSS)) return;
    const ranges = spans.map((s) => this.range(s)).filter((r): r is Range => r !== undefined);
    if (ranges.length === 0) CSS.highlights.delete(name);
    else CSS.highlights.set(name, new Highlight(...ranges));
  }

  /** Buttons that show spans in the note (a code's evidence). */
  private spanButtons(spans: readonly TextSpan[]): Child {
    return spans.map((sp, i) => {
      const b = h(
        'button',
        { type: 'button', class: 'link', 'data-start': String(sp.start), 'data-end': String(sp.end) },
        sp.text ?? this.text.slice(sp.start, sp.end),
      );
      b.addEventListener('click', () => {
        this.select('annotated');
        this.focusSpan(sp, true);
      });
      return [i > 0 ? ', ' : '', b];
    });
  }

  private focusSpan(s: Span, scroll: boolean): void {
    this.highlight('clinote-focus', [s]);
    const r = this.range(s);
    if (!r || !scroll) return;
    const box = r.getBoundingClientRect();
    const view = this.noteView.getBoundingClientRect();
    this.noteView.scrollTop += box.top - view.top - 16;
    if (box.top < 0 || box.top > window.innerHeight) window.scrollBy({ top: box.top - 80 });
  }

  private selectConcept(i: number): void {
    const c = this.result.concepts[i];
    if (!c) return;
    const prev = this.marks[this.selected];
    if (prev) {
      prev.classList.remove('sel');
      prev.setAttribute('aria-pressed', 'false');
    }
    this.selected = i;
    const m = this.marks[i];
    if (m) {
      this.noteView.querySelector('mark.c[tabindex="0"]')?.setAttribute('tabindex', '-1');
      m.tabIndex = 0;
    }
    m?.classList.add('sel');
    m?.setAttribute('aria-pressed', 'true');
    const ev = [...(c.assertion?.evidence ?? []), ...(c.assertion?.temporalityEvidence ?? [])];
    const cues = ev.map((e) => e.cue).filter((x): x is TextSpan => x !== null && x !== undefined);
    this.highlight('clinote-cue', cues);
    this.highlight(
      'clinote-scope',
      ev.filter((e) => e.source === 'cue').map((e) => e.scope),
    );
    this.highlight('clinote-focus', []);
    fill(this.aside, this.evidenceOf(c, i));
  }

  private evidenceOf(c: Concept, i: number): Child {
    const a = c.assertion;
    const section = c.section !== undefined ? this.result.sections[c.section] : undefined;
    const made = c.evidence.model ?? c.evidence.rule ?? '';
    const cueRow = (e: AssertionEvidence) =>
      h(
        'li',
        { class: `ev ev-${cssName(e.source)}` },
        h('strong', null, e.category ?? e.temporality ?? ''),
        ` — ${e.source}, rule `,
        h('code', null, e.rule),
        e.cue
          ? [
              ', cue ',
              h(
                'mark',
                {
                  class: 'cue',
                  'data-start': String(e.cue.start),
                  'data-end': String(e.cue.end),
                },
                e.cue.text ?? this.text.slice(e.cue.start, e.cue.end),
              ),
              ` ${offsets(e.cue)}`,
            ]
          : ', no cue',
        `, scope ${offsets(e.scope)}`,
        // fields of later components (a model's name and version, a score) as they come
        Object.entries(e)
          .filter(([k]) => !['category', 'temporality', 'source', 'rule', 'cue', 'scope'].includes(k))
          .map(([k, v]) => [`, ${k} `, h('code', null, typeof v === 'string' ? v : JSON.stringify(v))]),
      );
    const id = uid('ev');
    return [
      h('h2', { id }, c.text, ' ', h('span', { class: 'muted' }, offsets(c))),
      h(
        'dl',
        { class: 'kv', 'aria-labelledby': id },
        h('dt', null, 'Type'),
        h('dd', null, c.type, c.subtype ? ` (${c.subtype})` : ''),
        c.preferred ? [h('dt', null, 'Concept'), h('dd', null, c.preferred, c.id ? ` — ${c.id}` : '')] : null,
        h('dt', null, 'Made by'),
        h(
          'dd',
          { class: 'made-by' },
          c.evidence.component,
          made ? [' — ', h('code', null, made)] : '',
          c.evidence.detail ? ` (${c.evidence.detail})` : '',
        ),
        c.matched
          ? [
              h('dt', null, 'Matched'),
              h('dd', null, brief(c.matched.term), ` from ${brief(c.matched.source)}`),
            ]
          : null,
        c.score !== undefined ? [h('dt', null, 'Score'), h('dd', null, brief(c.score))] : null,
        section
          ? [h('dt', null, 'Section'), h('dd', null, this.sectionLabel(section, c.section ?? 0))]
          : null,
        a
          ? [
              h('dt', null, 'Assertion'),
              h(
                'dd',
                { class: 'assertion', 'data-status': a.status },
                h('strong', null, a.status),
                a.categories.length > 0 ? ` (${a.categories.join(', ')})` : '',
                a.temporality ? `; temporality ${a.temporality}` : '',
              ),
            ]
          : null,
      ),
      a
        ? [
            h('h3', null, 'Assertion history'),
            h('ol', { class: 'history' }, a.evidence.map(cueRow), (a.temporalityEvidence ?? []).map(cueRow)),
          ]
        : null,
      h('h3', null, 'Codes'),
      c.codes.length > 0 ? table(c.codes) : h('p', { class: 'muted' }, 'No codes.'),
      c.candidates && c.candidates.length > 0
        ? [h('h3', null, 'Other candidates'), table(c.candidates)]
        : null,
      c.modifiers && Object.keys(c.modifiers).length > 0
        ? [h('h3', null, 'Modifiers'), renderValue(c.modifiers, 2)]
        : null,
      h('p', { class: 'muted' }, `Concept #${i}`),
    ];
  }

  // ---- the other layers
  private buildLayer(
    panel: HTMLElement,
    layer: string,
    label: string,
    items: readonly Row[] | undefined,
    fileName: string,
    extra?: (row: Row) => Record<string, Child>,
  ): void {
    if (items === undefined) {
      fill(
        panel,
        notice(
          'empty',
          `No ${label} layer`,
          `The result of pipeline '${this.result.pipeline.name}' has no \`${layer}\` layer: its config does not run the component that makes it.`,
        ),
      );
      return;
    }
    if (items.length === 0) {
      fill(
        panel,
        this.downloadButton(`Download ${label}`, fileName, () => '[]'),
        notice('empty', `No ${label}`, `The pipeline found no ${label} in this note.`),
      );
      return;
    }
    const skip = new Set(['start', 'end', 'evidence', 'sentence', 'section', 'text']);
    const keys: string[] = [];
    for (const r of items)
      for (const k of Object.keys(r)) if (!skip.has(k) && !keys.includes(k)) keys.push(k);
    const extraKeys = extra ? Object.keys(extra(items[0] as Row)) : [];
    const rows = items.map((r, i) => {
      // a layer of spans (medications, measurements, dates); a code has its spans in its evidence
      const span =
        typeof r.start === 'number' && typeof r.end === 'number' ? { start: r.start, end: r.end } : undefined;
      const show = span
        ? h(
            'button',
            { type: 'button', class: 'link', 'aria-label': `Show ${layer} ${i + 1} in the note` },
            this.text.slice(span.start, span.end),
          )
        : null;
      show?.addEventListener('click', () => {
        this.select('annotated');
        if (span) this.focusSpan(span, true);
      });
      const ex = extra ? extra(r) : {};
      return h(
        'tr',
        span ? { 'data-start': String(span.start), 'data-end': String(span.end) } : null,
        h('td', null, show),
        keys.map((k) => h('td', null, brief(r[k]))),
        extraKeys.map((k) => h('td', null, ex[k])),
        h('td', null, h('code', null, ruleOf(r.evidence))),
      );
    });
    fill(
      panel,
      this.downloadButton(`Download ${label}`, fileName, () => JSON.stringify(items, null, 2)),
      h(
        'div',
        { class: 'scroll-x' },
        h(
          'table',
          { class: `layer layer-${layer}` },
          h('caption', { class: 'sr-only' }, label),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, layer === 'medications' ? 'Sig (as written)' : 'As written'),
              keys.map((k) => h('th', { scope: 'col' }, k)),
              extraKeys.map((k) => h('th', { scope: 'col' }, k)),
              h('th', { scope: 'col' }, 'rule'),
            ),
          ),
          h('tbody', null, rows),
        ),
      ),
    );
  }

  private fhirText(): Promise<string> {
    this.fhir ??= call('/v1/extract?format=fhir', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: this.body,
    }).then(async (r) => JSON.stringify(await r.json(), null, 2));
    this.fhir.catch(() => {
      this.fhir = undefined;
    });
    return this.fhir;
  }

  private buildFhir(panel: HTMLElement, fileName: string): void {
    fill(panel, h('p', { class: 'muted', role: 'status' }, 'Loading the FHIR Bundle…'));
    this.fhirText().then(
      (json) =>
        fill(
          panel,
          this.downloadButton('Download the FHIR Bundle', fileName, () => this.fhirText()),
          h('pre', { class: 'code', id: 'fhir-json', tabindex: '0' }, json),
        ),
      (e: unknown) => {
        const t = this.tabs.get('fhir');
        if (t) t.built = false;
        const err = e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', 'the request failed');
        fill(
          panel,
          notice(
            'error',
            'The FHIR Bundle could not be made',
            h('p', null, h('code', null, err.code), ' ', err.detail),
          ),
        );
      },
    );
  }
}
