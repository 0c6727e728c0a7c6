/**
 * Task `attributes`: clinical attributes and their links to the mention they modify.
 *
 *   clinote eval attributes --preset maccrobat [--data DIR] [--pipeline CONFIG] [--pack PACK] [--limit N] [--errors]
 *   clinote eval attributes --preset ade [--data DIR] ...
 *
 * `maccrobat` (brat, default data: the shared `maccrobat/` folder): strict and lenient span scores of
 * Dosage, Frequency, Administration, Duration, Date, Lab_value, Severity and Biological_structure,
 * and the F1 of the attribute-to-head links (gold MODIFY relations). Predictions come from these
 * layers, read by shape (a layer that is absent gives no predictions for its types):
 *
 * - `medications` (medications component): Dosage <- the dose regimen of a mention (its strength,
 *   dose, frequency, as-needed and intensity spans, joined when written next to each other: `60 mg
 *   daily`; a frequency alone is a Dosage too, see DosageMapping); Administration <- route and form
 *   spans; Duration <- duration spans. Each links to the drug span.
 * - `dates` (dates component): Date <- mentions of a date kind (`date`, `datetime`, `time`,
 *   `relative`); Duration <- kind `duration`; Frequency <- kind `frequency` or `set`; ages are not
 *   scored. A mention links to the first concept it governs (`governs` indexes).
 * - `measurements` (labs and vitals): Lab_value <- value spans, linked to the test span.
 * - `concepts[].modifiers`: Severity <- `severity`, Biological_structure <- `bodySite`, linked to the
 *   concept span.
 *
 * Link matching: a predicted link (attribute, head) is a true positive for a gold MODIFY link whose
 * attribute has the same type and overlaps the predicted attribute, and whose head overlaps the
 * predicted head (both ends lenient; strict: both ends exact); one-to-one, greedy by overlap (ties:
 * closest boundaries).
 *
 * `ade` (default data: `ade_corpus_v2/DRUG-DOSE.rel`): the drug-dose relations of the ADE corpus v2,
 * scored on the sentences that have one. A predicted pair is a medication's drug span with a dose
 * regimen span that holds an amount or an intensity (the `merged` mapping); it matches a gold (drug, dose) pair when both ends overlap (strict:
 * both exact). See docs/attributes-eval.md.
 */

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { conceptsComponent } from '../../components/concepts/index.js';
import { defaultRegistry } from '../../components/index.js';
import { medicationsComponent } from '../../components/medications/index.js';
import type { Medication } from '../../components/medications/types.js';
import { type BratDocument, readBratDir, resolveEntity } from '../../corpora/brat.js';
import { Doc } from '../../doc/doc.js';
import type { Span } from '../../doc/types.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { ClinoteError, toClinoteError } from '../../errors/error.js';
import { defineComponent } from '../../pipeline/component.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import type { Registry } from '../../pipeline/registry.js';
import { type LabeledSpan, prf, SpanScorer } from '../metrics.js';
import { pickPreset, resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask, PRF, SpanScores } from '../types.js';
import { evalPipelineConfig } from './ner.js';

/** The attribute types scored on MACCROBAT. */
export const ATTRIBUTE_TYPES = [
  'Dosage',
  'Frequency',
  'Administration',
  'Duration',
  'Date',
  'Lab_value',
  'Severity',
  'Biological_structure',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributePreset {
  readonly name: 'maccrobat' | 'ade';
  readonly description: string;
  /** Default data, relative to the shared data dir. */
  readonly defaultData: readonly string[];
}

export const ATTRIBUTE_PRESETS: Readonly<Record<string, AttributePreset>> = {
  maccrobat: {
    name: 'maccrobat',
    description:
      'MACCROBAT 2020 case reports (brat): attribute spans and MODIFY links (Dosage, Frequency, Administration, Duration, Date, Lab_value, Severity, Biological_structure)',
    defaultData: ['maccrobat'],
  },
  ade: {
    name: 'ade',
    description: 'ADE corpus v2 drug-dose relations (DRUG-DOSE.rel), on the sentences that have one',
    defaultData: ['ade_corpus_v2', 'DRUG-DOSE.rel'],
  },
};

/** A predicted or gold attribute with the span of the mention it modifies. */
export interface AttributeSpan extends LabeledSpan {
  readonly head?: Span;
  /** Where a prediction comes from (layer and field), for the counts. */
  readonly source?: string;
}

export interface AttributeLink {
  readonly type: string;
  readonly attr: Span;
  readonly head: Span;
}

// ---------------------------------------------------------------------------------------------
// Predictions

/**
 * How medication attributes map to MACCROBAT types:
 * - `regimen` (the default): MACCROBAT writes a drug's amount and how often it is taken as one
 *   Dosage (`60 mg daily`), and a frequency written apart from the amount as a Dosage too (`1 g of
 *   IV methylprednisolone daily`); its Frequency type is about events (`intermittent pain`,
 *   `followed up every 3 months`). Strength, dose, frequency, as-needed and intensity spans are
 *   joined when only whitespace, commas, a slash, the mention's route or form, or `dose of` lie
 *   between them (`10 mg/kg IV every 4 weeks`, `maintenance dose of 5 mg daily`, `12 mg/m2/weekly`),
 *   and each group is a Dosage.
 * - `merged`: the same groups, but a group without an amount (strength, dose or intensity) is a
 *   Frequency.
 * - `separate`: strength, dose and intensity spans are Dosage, frequency spans Frequency, each alone.
 */
export type DosageMapping = 'regimen' | 'merged' | 'separate';
export const DOSAGE_MAPPINGS: readonly DosageMapping[] = ['regimen', 'merged', 'separate'];

/** The Dosage and Frequency spans of a medication under a mapping (see DosageMapping). */
export function doseRegimens(
  text: string,
  m: Medication,
  mapping: DosageMapping = 'regimen',
): { type: 'Dosage' | 'Frequency'; start: number; end: number }[] {
  const parts: { start: number; end: number; amount: boolean }[] = [];
  const add = (x: { start: number; end: number } | undefined, amount: boolean): void => {
    if (x) parts.push({ start: x.start, end: x.end, amount });
  };
  add(m.strength, true);
  add(m.dose, true);
  add(m.intensity, true);
  add(m.frequency, false);
  if (mapping === 'separate') {
    return parts
      .sort((a, b) => a.start - b.start)
      .map((p) => ({ type: p.amount ? 'Dosage' : 'Frequency', start: p.start, end: p.end }));
  }
  add(m.asNeeded, false);
  parts.sort((a, b) => a.start - b.start);
  // what may lie inside one group: whitespace, commas, the route or form of the mention, `dose of`
  const fillers = [m.route, m.form].filter((x) => x !== undefined);
  const joinable = (from: number, to: number): boolean => {
    let gap = text.slice(from, to);
    for (const f of fillers) {
      if (f.start >= from && f.end <= to) {
        gap = gap.slice(0, f.start - from) + ' '.repeat(f.end - f.start) + gap.slice(f.end - from);
      }
    }
    // a `/` too: `12 mg/m2/weekly` is one regimen
    return /^(?:[\s,/]|\b(?:dose|doses|dosage|of|a|an|at)\b)*$/i.test(gap);
  };
  const groups: { start: number; end: number; amount: boolean }[] = [];
  for (const p of parts) {
    const g = groups[groups.length - 1];
    if (g && p.start >= g.end && joinable(g.end, p.start)) {
      g.end = Math.max(g.end, p.end);
      g.amount ||= p.amount;
    } else groups.push({ ...p });
  }
  return groups.map((g) => ({
    type: mapping === 'regimen' || g.amount ? 'Dosage' : 'Frequency',
    start: g.start,
    end: g.end,
  }));
}

/** Attribute predictions of the medications layer (see the file comment). */
export function medicationPredictions(
  text: string,
  meds: readonly Medication[],
  mapping: DosageMapping = 'regimen',
): AttributeSpan[] {
  const out: AttributeSpan[] = [];
  for (const m of meds) {
    const head = { start: m.drug.start, end: m.drug.end };
    for (const g of doseRegimens(text, m, mapping)) out.push({ ...g, head, source: `medications.${g.type}` });
    if (m.route)
      out.push({
        start: m.route.start,
        end: m.route.end,
        type: 'Administration',
        head,
        source: 'medications.route',
      });
    if (m.form)
      out.push({
        start: m.form.start,
        end: m.form.end,
        type: 'Administration',
        head,
        source: 'medications.form',
      });
    if (m.duration) {
      out.push({
        start: m.duration.start,
        end: m.duration.end,
        type: 'Duration',
        head,
        source: 'medications.duration',
      });
    }
  }
  return out;
}

type Loose = Record<string, unknown>;

function isSpan(x: unknown): x is Span & Loose {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Loose).start === 'number' &&
    typeof (x as Loose).end === 'number' &&
    ((x as Loose).end as number) > ((x as Loose).start as number)
  );
}

function layer(doc: Doc, name: string): unknown[] {
  const v = (doc as unknown as { maybe(n: string): unknown }).maybe(name);
  return Array.isArray(v) ? v : [];
}

const DATE_NOT_DATE = new Set(['duration', 'frequency', 'set', 'age']);

/**
 * Attribute predictions of the other layers, read by shape: `dates`, `measurements` and the
 * `modifiers` of concepts (see the file comment). Unknown shapes are skipped.
 */
export function otherPredictions(doc: Doc): AttributeSpan[] {
  const out: AttributeSpan[] = [];
  const concepts = layer(doc, 'concepts');
  const conceptSpan = (i: unknown): Span | undefined => {
    const c = typeof i === 'number' ? concepts[i] : undefined;
    return isSpan(c) ? { start: c.start, end: c.end } : undefined;
  };
  for (const d of layer(doc, 'dates')) {
    if (!isSpan(d)) continue;
    const kind = typeof d.kind === 'string' ? d.kind.toLowerCase() : 'date';
    const type =
      kind === 'duration'
        ? 'Duration'
        : kind === 'frequency' || kind === 'set'
          ? 'Frequency'
          : DATE_NOT_DATE.has(kind)
            ? null
            : 'Date';
    if (!type) continue;
    const first = Array.isArray(d.governs)
      ? d.governs[0]
      : Array.isArray(d.concepts)
        ? d.concepts[0]
        : d.concept;
    const head = conceptSpan(first);
    out.push({ start: d.start, end: d.end, type, ...(head ? { head } : {}), source: `dates.${kind}` });
  }
  for (const m of layer(doc, 'measurements')) {
    if (typeof m !== 'object' || m === null) continue;
    const value = (m as Loose).value;
    const test = (m as Loose).test;
    if (!isSpan(value)) continue;
    const head = isSpan(test) ? { start: test.start, end: test.end } : undefined;
    out.push({
      start: value.start,
      end: value.end,
      type: 'Lab_value',
      ...(head ? { head } : {}),
      source: 'measurements.value',
    });
  }
  concepts.forEach((c) => {
    if (!isSpan(c)) return;
    const mods = c.modifiers;
    if (typeof mods !== 'object' || mods === null) return;
    const head = { start: c.start, end: c.end };
    const add = (key: string, type: AttributeType): void => {
      const v = (mods as Loose)[key];
      for (const x of Array.isArray(v) ? v : [v]) {
        if (isSpan(x))
          out.push({ start: x.start, end: x.end, type, head, source: `concepts.modifiers.${key}` });
      }
    };
    add('severity', 'Severity');
    add('bodySite', 'Biological_structure');
  });
  return out;
}

/**
 * The predictions of `others` that do not repeat one of `first`: a Duration of the `dates` layer
 * that overlaps a Duration of the `medications` layer is the same attribute found twice (`for 5
 * days` after a drug is both a medication duration and a TIMEX3 duration); the medication's one is
 * kept, as it links to the drug. Other types are not found by two layers and are kept as they are.
 */
export function withoutRepeats(
  others: readonly AttributeSpan[],
  first: readonly AttributeSpan[],
): AttributeSpan[] {
  const durations = first.filter((p) => p.type === 'Duration');
  if (durations.length === 0) return [...others];
  return others.filter(
    (o) => o.type !== 'Duration' || !durations.some((d) => d.start < o.end && o.start < d.end),
  );
}

// ---------------------------------------------------------------------------------------------
// Gold

/** MACCROBAT gold: attribute entities of the scored types and their MODIFY links (attribute -> head). */
export function maccrobatGold(doc: BratDocument): { spans: AttributeSpan[]; links: AttributeLink[] } {
  const types = new Set<string>(ATTRIBUTE_TYPES);
  const spans: AttributeSpan[] = [];
  for (const e of doc.entities)
    if (types.has(e.type)) spans.push({ start: e.start, end: e.end, type: e.type });
  const links: AttributeLink[] = [];
  for (const r of doc.relations) {
    if (r.type !== 'MODIFY') continue;
    const a1 = r.args.find((a) => a.role === 'Arg1');
    const a2 = r.args.find((a) => a.role === 'Arg2');
    if (!a1 || !a2) continue;
    const attr = resolveEntity(doc, a1.ref);
    const head = resolveEntity(doc, a2.ref);
    if (!attr || !head || !types.has(attr.type)) continue;
    links.push({
      type: attr.type,
      attr: { start: attr.start, end: attr.end },
      head: { start: head.start, end: head.end },
    });
  }
  return { spans, links };
}

// ---------------------------------------------------------------------------------------------
// Link scoring

function overlap(a: Span, b: Span): number {
  return Math.min(a.end, b.end) - Math.max(a.start, b.start);
}

const linkKey = (l: AttributeLink): string =>
  `${l.type}:${l.attr.start}:${l.attr.end}:${l.head.start}:${l.head.end}`;

/** One-to-one matching of links: lenient (both ends overlap) or strict (both ends exact), same type. */
export function matchLinks(
  gold: readonly AttributeLink[],
  pred: readonly AttributeLink[],
  mode: 'strict' | 'lenient',
): { pairs: [number, number][]; missed: number[]; spurious: number[] } {
  const cands: { i: number; j: number; score: number; dist: number }[] = [];
  const dist = (a: Span, b: Span): number => Math.abs(a.start - b.start) + Math.abs(a.end - b.end);
  gold.forEach((g, i) => {
    pred.forEach((p, j) => {
      if (g.type !== p.type) return;
      if (mode === 'strict') {
        if (linkKey(g) === linkKey(p)) cands.push({ i, j, score: 0, dist: 0 });
        return;
      }
      const a = overlap(g.attr, p.attr);
      const h = overlap(g.head, p.head);
      if (a > 0 && h > 0)
        cands.push({ i, j, score: a + h, dist: dist(g.attr, p.attr) + dist(g.head, p.head) });
    });
  });
  cands.sort((x, y) => y.score - x.score || x.dist - y.dist || x.i - y.i || x.j - y.j);
  const ug = new Set<number>();
  const up = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of cands) {
    if (ug.has(c.i) || up.has(c.j)) continue;
    ug.add(c.i);
    up.add(c.j);
    pairs.push([c.i, c.j]);
  }
  return {
    pairs,
    missed: gold.map((_, i) => i).filter((i) => !ug.has(i)),
    spurious: pred.map((_, j) => j).filter((j) => !up.has(j)),
  };
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Accumulates link scores per attribute type, strict and lenient. */
export class LinkScorer {
  readonly #counts = new Map<string, { strict: Counts; lenient: Counts }>();

  constructor(types: readonly string[] = []) {
    for (const t of types) this.#type(t);
  }

  #type(t: string): { strict: Counts; lenient: Counts } {
    let c = this.#counts.get(t);
    if (!c) this.#counts.set(t, (c = { strict: { tp: 0, fp: 0, fn: 0 }, lenient: { tp: 0, fp: 0, fn: 0 } }));
    return c;
  }

  add(gold: readonly AttributeLink[], predIn: readonly AttributeLink[]): void {
    const seen = new Set<string>();
    const goldU = gold.filter((l) => !seen.has(linkKey(l)) && seen.add(linkKey(l)));
    seen.clear();
    const pred = predIn.filter((l) => !seen.has(linkKey(l)) && seen.add(linkKey(l)));
    for (const mode of ['strict', 'lenient'] as const) {
      const m = matchLinks(goldU, pred, mode);
      for (const [i] of m.pairs) this.#type((goldU[i] as AttributeLink).type)[mode].tp++;
      for (const i of m.missed) this.#type((goldU[i] as AttributeLink).type)[mode].fn++;
      for (const j of m.spurious) this.#type((pred[j] as AttributeLink).type)[mode].fp++;
    }
  }

  result(): { strict: PRF; lenient: PRF; byType: Record<string, SpanScores> } {
    const byType: Record<string, SpanScores> = {};
    const sum = { strict: { tp: 0, fp: 0, fn: 0 }, lenient: { tp: 0, fp: 0, fn: 0 } };
    for (const t of [...this.#counts.keys()].sort()) {
      const c = this.#counts.get(t) as { strict: Counts; lenient: Counts };
      byType[t] = {
        strict: prf(c.strict.tp, c.strict.fp, c.strict.fn),
        lenient: prf(c.lenient.tp, c.lenient.fp, c.lenient.fn),
      };
      for (const k of ['strict', 'lenient'] as const) {
        sum[k].tp += c[k].tp;
        sum[k].fp += c[k].fp;
        sum[k].fn += c[k].fn;
      }
    }
    return {
      strict: prf(sum.strict.tp, sum.strict.fp, sum.strict.fn),
      lenient: prf(sum.lenient.tp, sum.lenient.fp, sum.lenient.fn),
      byType,
    };
  }
}

function links(spans: readonly AttributeSpan[]): AttributeLink[] {
  const out: AttributeLink[] = [];
  for (const s of spans)
    if (s.head) out.push({ type: s.type, attr: { start: s.start, end: s.end }, head: s.head });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pipeline

/** A `concepts` stand-in that finds nothing, used when the real component cannot be built. */
const noConcepts = defineComponent({
  name: 'concepts',
  version: '0.0.0-none',
  description: 'No concepts (the concepts component could not be built)',
  requires: [],
  assigns: ['concepts'],
  options: conceptsComponent.options,
  create() {
    return (doc) => {
      doc.set('concepts', []);
    };
  },
});

/** Components whose layers the task reads, added to the pipeline when missing (and registered). */
export const ATTRIBUTE_COMPONENTS = ['medications', 'dates', 'measurements', 'modifiers'] as const;

function registry(withConcepts: boolean): Registry {
  const r = defaultRegistry();
  if (!r.get('concepts')) r.register(withConcepts ? conceptsComponent : noConcepts);
  if (!r.get('medications')) r.register(medicationsComponent);
  return r;
}

/**
 * The pipeline to evaluate: `--pipeline` or the default, with `--pack` given to `concepts`;
 * `concepts` is added after `tokens`, and `medications`, `dates`, `measurements` and `modifiers`
 * (those the registry has) after `concepts`, when the config lacks them. When a concepts
 * component that was added cannot be built (no terminology pack), one that finds nothing stands in
 * and a note says so.
 */
export function attributesPipeline(
  options: Pick<EvalOptions, 'pipeline' | 'pack'>,
  notes: string[],
): Pipeline {
  const { config, packApplied } = evalPipelineConfig(options);
  const base = config as { components?: unknown };
  const components: Loose[] = Array.isArray(base.components) ? [...(base.components as Loose[])] : [];
  const names = components.map((c) => c.name);
  let addedConcepts = false;
  if (!names.includes('concepts')) {
    const at = names.indexOf('tokens');
    components.splice(at < 0 ? components.length : at + 1, 0, {
      name: 'concepts',
      ...(options.pack !== undefined && !packApplied ? { options: { pack: options.pack } } : {}),
    });
    addedConcepts = true;
    notes.push("the pipeline had no 'concepts' component: one was added after 'tokens'");
  }
  // the attribute components, after `concepts`, when the registry has them and the config does not
  const reg = registry(true);
  let at = components.findIndex((c) => c.name === 'concepts');
  for (const name of ATTRIBUTE_COMPONENTS) {
    const have = components.findIndex((c) => c.name === name);
    if (have >= 0) {
      at = Math.max(at, have);
      continue;
    }
    if (!reg.get(name)) continue;
    components.splice(at + 1, 0, { name });
    at++;
    notes.push(`the pipeline had no '${name}' component: one was added after 'concepts'`);
  }
  const patched = { ...(config as object), components };
  try {
    return loadPipelineSync({ config: patched, registry: registry(true) });
  } catch (e) {
    if (!addedConcepts) throw e;
    notes.push(
      `the concepts component could not be built (${toClinoteError(e).code}); medications were found without concepts (drug heads by rule only)`,
    );
    const without = {
      ...patched,
      components: components.map((c) => (c.name === 'concepts' ? { name: 'concepts' } : c)),
    };
    return loadPipelineSync({ config: without, registry: registry(false) });
  }
}

function runDoc(pipeline: Pipeline, id: string, text: string): Doc | null {
  try {
    return pipeline.runSync(new Doc(text, { id }));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// MACCROBAT

export interface MaccrobatScoring {
  readonly spans: ReturnType<SpanScorer['result']>;
  /** Dosage and Frequency under each mapping (lenient and strict). */
  readonly mappings: Record<DosageMapping, Record<'Dosage' | 'Frequency', SpanScores>>;
  readonly links: ReturnType<LinkScorer['result']>;
  readonly predSources: Record<string, number>;
  readonly failed: number;
  readonly seconds: number;
  readonly layers: Record<string, boolean>;
}

/** Score the attribute spans and links of brat documents. */
export function scoreMaccrobat(
  docs: readonly BratDocument[],
  pipeline: Pipeline,
  options: { errors?: boolean } = {},
): MaccrobatScoring {
  const scorer = new SpanScorer({ errors: options.errors === true, types: ATTRIBUTE_TYPES });
  const linker = new LinkScorer(ATTRIBUTE_TYPES);
  const alt = Object.fromEntries(
    DOSAGE_MAPPINGS.map((m) => [m, new SpanScorer({ types: ['Dosage', 'Frequency'] })]),
  ) as Record<DosageMapping, SpanScorer>;
  const predSources: Record<string, number> = {};
  const layers: Record<string, boolean> = {
    medications: false,
    dates: false,
    measurements: false,
    modifiers: false,
  };
  let failed = 0;
  let seconds = 0;
  for (const g of docs) {
    const gold = maccrobatGold(g);
    const t0 = performance.now();
    const doc = runDoc(pipeline, g.id, g.text);
    seconds += (performance.now() - t0) / 1000;
    let pred: AttributeSpan[] = [];
    let others: AttributeSpan[] = [];
    const meds = doc?.maybe('medications') ?? [];
    if (!doc) failed++;
    else {
      for (const l of ['medications', 'dates', 'measurements'] as const)
        if (
          layers[l] === false &&
          layer(doc, l).length >= 0 &&
          (doc as unknown as { has(n: string): boolean }).has(l)
        )
          layers[l] = true;
      const medPred = medicationPredictions(g.text, meds);
      others = withoutRepeats(otherPredictions(doc), medPred);
      pred = [...medPred, ...others];
      if (pred.some((p) => p.source?.startsWith('concepts.modifiers'))) layers.modifiers = true;
    }
    for (const m of DOSAGE_MAPPINGS) {
      const keep = (x: { type: string }): boolean => x.type === 'Dosage' || x.type === 'Frequency';
      alt[m].add({
        id: g.id,
        text: g.text,
        gold: gold.spans.filter(keep),
        pred: [...medicationPredictions(g.text, meds, m), ...others].filter(keep),
      });
    }
    for (const p of pred) if (p.source) predSources[p.source] = (predSources[p.source] ?? 0) + 1;
    const sentences = doc?.maybe('sentences');
    scorer.add({ id: g.id, text: g.text, gold: gold.spans, pred, ...(sentences ? { sentences } : {}) });
    linker.add(gold.links, links(pred));
  }
  const mappings = Object.fromEntries(
    DOSAGE_MAPPINGS.map((m) => {
      const r = alt[m].result();
      return [m, { Dosage: r.byType.Dosage as SpanScores, Frequency: r.byType.Frequency as SpanScores }];
    }),
  ) as MaccrobatScoring['mappings'];
  return { spans: scorer.result(), mappings, links: linker.result(), predSources, failed, seconds, layers };
}

// ---------------------------------------------------------------------------------------------
// ADE corpus v2

export interface AdeSentence {
  /** PubMed id and sentence number within the file. */
  readonly id: string;
  readonly text: string;
  readonly pairs: readonly { readonly drug: Span; readonly dose: Span }[];
}

/**
 * Read DRUG-DOSE.rel (`PMID|sentence|dose|begin|end|drug|begin|end`, offsets into the whole
 * abstract): one item per distinct sentence, the offsets moved into the sentence (the shift that
 * puts both the dose and the drug text at their offsets). Rows whose texts cannot be placed are
 * counted and dropped.
 */
export function parseAdeDoseFile(content: string): { sentences: AdeSentence[]; dropped: number } {
  const bySentence = new Map<string, { pmid: string; text: string; pairs: { drug: Span; dose: Span }[] }>();
  let dropped = 0;
  for (const line of content.split('\n')) {
    if (line.trim() === '') continue;
    const p = line.replace(/\r$/, '').split('|');
    if (p.length < 8) {
      dropped++;
      continue;
    }
    const [pmid, text, dose, ds, de, drug, gs, ge] = p as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const dStart = Number(ds);
    const dEnd = Number(de);
    const gStart = Number(gs);
    const gEnd = Number(ge);
    let shift: number | null = null;
    for (let k = text.indexOf(dose); k >= 0 && shift === null; k = text.indexOf(dose, k + 1)) {
      const s = dStart - k;
      if (text.slice(gStart - s, gEnd - s) === drug && text.slice(dEnd - s - dose.length, dEnd - s) === dose)
        shift = s;
    }
    if (shift === null) {
      dropped++;
      continue;
    }
    const key = `${pmid}|${text}`;
    let item = bySentence.get(key);
    if (!item) bySentence.set(key, (item = { pmid, text, pairs: [] }));
    const pair = {
      drug: { start: gStart - shift, end: gEnd - shift },
      dose: { start: dStart - shift, end: dEnd - shift },
    };
    if (!item.pairs.some((x) => x.drug.start === pair.drug.start && x.dose.start === pair.dose.start))
      item.pairs.push(pair);
  }
  const sentences: AdeSentence[] = [];
  const perPmid = new Map<string, number>();
  for (const v of bySentence.values()) {
    const n = (perPmid.get(v.pmid) ?? 0) + 1;
    perPmid.set(v.pmid, n);
    sentences.push({ id: `${v.pmid}#${n}`, text: v.text, pairs: v.pairs });
  }
  return { sentences, dropped };
}

/** Predicted (drug, dose) pairs of a sentence: each medication's drug with its dose regimen spans. */
export function predictedDosePairs(text: string, meds: readonly Medication[]): { drug: Span; dose: Span }[] {
  const out: { drug: Span; dose: Span }[] = [];
  for (const m of meds) {
    for (const g of doseRegimens(text, m, 'merged')) {
      if (g.type !== 'Dosage') continue;
      out.push({ drug: { start: m.drug.start, end: m.drug.end }, dose: { start: g.start, end: g.end } });
    }
  }
  return out;
}

export function scoreAde(
  sentences: readonly AdeSentence[],
  pipeline: Pipeline,
  options: { errors?: boolean } = {},
): {
  pairs: ReturnType<LinkScorer['result']>;
  spans: ReturnType<SpanScorer['result']>;
  failed: number;
  seconds: number;
  errors: EvalErrorItem[];
} {
  const linker = new LinkScorer(['Dose']);
  const scorer = new SpanScorer({ types: ['Dose'] });
  const errors: EvalErrorItem[] = [];
  let failed = 0;
  let seconds = 0;
  for (const s of sentences) {
    const t0 = performance.now();
    const doc = runDoc(pipeline, s.id, s.text);
    seconds += (performance.now() - t0) / 1000;
    if (!doc) failed++;
    const pred = doc ? predictedDosePairs(s.text, doc.maybe('medications') ?? []) : [];
    const gold = s.pairs.map((p) => ({ type: 'Dose', attr: p.dose, head: p.drug }));
    const predLinks = pred.map((p) => ({ type: 'Dose', attr: p.dose, head: p.drug }));
    linker.add(gold, predLinks);
    scorer.add({
      id: s.id,
      text: s.text,
      gold: gold.map((g) => ({ ...g.attr, type: 'Dose' })),
      pred: predLinks.map((p) => ({ ...p.attr, type: 'Dose' })),
    });
    if (options.errors) {
      const m = matchLinks(gold, predLinks, 'lenient');
      const show = (l: AttributeLink, kind: 'fn' | 'fp'): EvalErrorItem => ({
        kind,
        doc: s.id,
        type: 'Dose',
        start: l.attr.start,
        end: l.attr.end,
        text: s.text.slice(l.attr.start, l.attr.end),
        detail: `drug "${s.text.slice(l.head.start, l.head.end)}"`,
        context: s.text,
      });
      for (const i of m.missed) errors.push(show(gold[i] as AttributeLink, 'fn'));
      for (const j of m.spurious) errors.push(show(predLinks[j] as AttributeLink, 'fp'));
    }
  }
  return { pairs: linker.result(), spans: scorer.result(), failed, seconds, errors };
}

// ---------------------------------------------------------------------------------------------
// The task

export function attributePreset(name: string | undefined): AttributePreset {
  return pickPreset('attributes', ATTRIBUTE_PRESETS, name);
}

function resolveData(preset: AttributePreset, data: string | undefined): string {
  return resolveEvalData(data, preset.defaultData, { preset: preset.name });
}

const LAYER_TYPES: Record<string, readonly AttributeType[]> = {
  medications: ['Dosage', 'Frequency', 'Administration', 'Duration'],
  dates: ['Date', 'Duration', 'Frequency'],
  measurements: ['Lab_value'],
  modifiers: ['Severity', 'Biological_structure'],
};

export async function runAttributes(options: EvalOptions): Promise<EvalReport> {
  const preset = attributePreset(options.preset);
  const data = resolveData(preset, options.data);
  const notes: string[] = [];
  const pipeline = attributesPipeline(options, notes);

  if (preset.name === 'ade') {
    let path = data;
    if (statSync(data).isDirectory()) path = join(data, 'DRUG-DOSE.rel');
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_EVAL_DATA_MALFORMED',
        `cannot read '${path}'`,
        { path },
        { cause: e },
      );
    }
    const parsed = parseAdeDoseFile(content);
    if (parsed.sentences.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no drug-dose rows in '${path}'`, { path });
    }
    const sentences =
      options.limit !== undefined ? parsed.sentences.slice(0, Math.max(0, options.limit)) : parsed.sentences;
    const r = scoreAde(sentences, pipeline, { errors: options.errors === true });
    notes.push(
      'A pair is (drug, dose regimen): both ends must overlap the gold pair (strict: both exact). Gold doses without a number are predicted only when they are a dose intensity (`high-dose`, `low-dose`); `overdose`, `low`, `standard` count as misses.',
    );
    return {
      task: 'attributes',
      data: path,
      preset: preset.name,
      strict: r.pairs.strict,
      lenient: r.pairs.lenient,
      byType: r.spans.byType,
      scores: {
        pairs: { strict: r.pairs.strict, lenient: r.pairs.lenient },
        doseSpans: r.spans.byType.Dose,
        notes,
      },
      counts: {
        sentences: sentences.length,
        goldPairs: sentences.reduce((n, s) => n + s.pairs.length, 0),
        droppedRows: parsed.dropped,
        failedDocuments: r.failed,
      },
      timing: {
        seconds: r.seconds,
        itemsPerSecond: r.seconds > 0 ? sentences.length / r.seconds : 0,
        unit: 'sentences',
      },
      ...(options.errors ? { errors: r.errors } : {}),
    };
  }

  const dir = readBratDir(data, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.split !== undefined ? { split: options.split } : {}),
  });
  if (dir.docs.length === 0) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no .txt/.ann pairs in '${data}'`, {
      path: data,
    });
  }
  const r = scoreMaccrobat(dir.docs, pipeline, { errors: options.errors === true });
  const missing = Object.entries(r.layers)
    .filter(([, present]) => !present)
    .map(([l]) => `${l} (${(LAYER_TYPES[l] ?? []).join(', ')})`);
  if (missing.length > 0) notes.push(`no predictions from: ${missing.join('; ')}`);
  if (r.failed > 0)
    notes.push(`${r.failed} document(s) failed in the pipeline and were scored with no predictions`);
  return {
    task: 'attributes',
    data,
    preset: preset.name,
    strict: r.spans.strict,
    lenient: r.spans.lenient,
    byType: r.spans.byType,
    macro: r.spans.macro,
    scores: {
      dosageMapping: 'regimen',
      mappings: Object.fromEntries(
        DOSAGE_MAPPINGS.map((m) => [
          m,
          { Dosage: r.mappings[m].Dosage.lenient.f1, Frequency: r.mappings[m].Frequency.lenient.f1 },
        ]),
      ),
      links: { strict: r.links.strict, lenient: r.links.lenient },
      linksByType: r.links.byType,
      predictionSources: Object.fromEntries(
        Object.entries(r.predSources).sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
      ...(notes.length > 0 ? { notes } : {}),
    },
    counts: { ...r.spans.counts, failedDocuments: r.failed, unpairedFiles: dir.unpaired.length },
    timing: {
      seconds: r.seconds,
      itemsPerSecond: r.seconds > 0 ? dir.docs.length / r.seconds : 0,
      unit: 'docs',
    },
    ...(r.spans.errors ? { errors: r.spans.errors } : {}),
  };
}

export const attributesTask: EvalTask = {
  name: 'attributes',
  description:
    'Clinical attributes (dosage, frequency, route, duration, dates, lab values, severity, body site) and their links to the mention they modify (--preset maccrobat | ade)',
  run: runAttributes,
};
