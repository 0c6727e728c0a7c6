/**
 * Training and evaluation data of the assertion classifier, from brat corpora read by path (the
 * shared data; nothing of it is copied into the repository):
 *
 * - MACCROBAT: the entities of clinical types (signs, diseases, procedures, medications, lab values,
 *   events) are the targets; an entity is negated when it triggers an event with `POLARITY NEG`.
 * - Chia: Condition, Observation, Drug, Procedure, Measurement and Device entities are the targets;
 *   one is negated when it is `Arg1` of a `Has_negation` relation (the link from the `Negation`
 *   annotation to its target), or lies inside a `Scope` entity that is.
 *
 * Each document runs through segmentation (normalize, sections, sentences, tokens, as in the
 * default pipeline), its gold entities become the `concepts` layer, the rule engine asserts them
 * (the `assertions` component's work), and every target gets its features and its gold label.
 * Documents are split by a seeded hash of their name (Chia: of the trial id, so a trial's inclusion
 * and exclusion criteria stay together) into train / dev (tuned on) / heldout (only scored).
 */
import { readFileSync } from 'node:fs';
import { assertConcepts, type ContextEngine } from '../../components/assertions/index.js';
import { normalizeComponent } from '../../components/normalize/index.js';
import { sectionsComponent } from '../../components/sections/index.js';
import { sentencesComponent } from '../../components/sentences/index.js';
import { tokensComponent } from '../../components/tokens/index.js';
import { type BratDocument, type BratEntity, entityAttributes } from '../../corpora/brat.js';
import { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { fnv1a, mix } from '../hash.js';
import { assertionFeatures, type NegationCue } from './features.js';

export type AssertionCorpus = 'maccrobat' | 'chia';
export type Split = 'train' | 'dev' | 'heldout';

export interface CorpusSpec {
  readonly name: AssertionCorpus;
  /** Path under the shared data dir. */
  readonly data: readonly string[];
  /** Gold entity type -> Clinote concept type; other types are not targets. */
  readonly types: Readonly<Record<string, string>>;
  /** Ids of the negated entities of a document. */
  negated(doc: BratDocument): Set<string>;
  /** The unit documents are split by (a document's name, or its trial id). */
  unit(id: string): string;
}

/** MACCROBAT: triggers of events with POLARITY NEG. UNCERTAIN, MAYBE_NEG and MAYBE_POS are not negated. */
export function maccrobatNegated(doc: BratDocument): Set<string> {
  const out = new Set<string>();
  for (const [id, attrs] of entityAttributes(doc)) if (attrs.POLARITY === 'NEG') out.add(id);
  return out;
}

function within(x: BratEntity, scope: BratEntity): boolean {
  return x.fragments.every((f) => scope.fragments.some((s) => s.start <= f.start && f.end <= s.end));
}

/** Chia: `Arg1` of `Has_negation` (the Negation's target), or inside a Scope that is. */
export function chiaNegated(doc: BratDocument): Set<string> {
  const byId = new Map(doc.entities.map((e) => [e.id, e]));
  const out = new Set<string>();
  for (const r of doc.relations) {
    if (r.type !== 'Has_negation') continue;
    const arg = r.args.find((a) => a.role === 'Arg1');
    const e = arg ? byId.get(arg.ref) : undefined;
    if (!e) continue;
    if (e.type === 'Scope') {
      for (const x of doc.entities) if (x.id !== e.id && x.type !== 'Scope' && within(x, e)) out.add(x.id);
    } else out.add(e.id);
  }
  return out;
}

export const CORPORA: Readonly<Record<AssertionCorpus, CorpusSpec>> = {
  maccrobat: {
    name: 'maccrobat',
    data: ['maccrobat'],
    types: {
      Sign_symptom: 'problem',
      Disease_disorder: 'problem',
      Diagnostic_procedure: 'procedure',
      Therapeutic_procedure: 'procedure',
      Medication: 'medication',
      Lab_value: 'lab',
      Clinical_event: 'problem',
      Activity: 'problem',
      Outcome: 'problem',
      Other_event: 'problem',
    },
    negated: maccrobatNegated,
    unit: (id) => id,
  },
  chia: {
    name: 'chia',
    data: ['chia', 'chia_with_scope'],
    types: {
      Condition: 'problem',
      Observation: 'problem',
      Drug: 'medication',
      Procedure: 'procedure',
      Measurement: 'lab',
      Device: 'device',
    },
    negated: chiaNegated,
    unit: (id) => id.replace(/_(inc|exc)$/, ''),
  },
};

/** The split of a document: a seeded hash of its unit name, 60 % train, 20 % dev, 20 % heldout. */
export function splitOf(unit: string, seed = 1): Split {
  const h = mix(fnv1a(unit), seed) % 100;
  return h < 60 ? 'train' : h < 80 ? 'dev' : 'heldout';
}

/** One target: a gold entity with its label, the rule verdict and the features. */
export interface AssertionExample {
  readonly corpus: AssertionCorpus;
  readonly doc: string;
  readonly split: Split;
  readonly entity: string;
  readonly goldType: string;
  readonly start: number;
  readonly end: number;
  readonly negated: boolean;
  readonly ruleNegated: boolean;
  readonly features: string[];
  readonly cue: NegationCue | null;
}

/** Segmentation as the default pipeline runs it: the components before `concepts`, with their options. */
export function segmentation(): Pipeline {
  const config = JSON.parse(readFileSync(resourcePath('pipelines/default.json'), 'utf8')) as {
    components: { name: string; options?: unknown }[];
  };
  const at = config.components.findIndex((c) => c.name === 'concepts');
  const registry = new Registry()
    .register(normalizeComponent)
    .register(sectionsComponent)
    .register(sentencesComponent)
    .register(tokensComponent);
  return createPipelineSync(
    { name: 'assertion-segmentation', components: config.components.slice(0, at < 0 ? 4 : at) },
    { registry, context: fileResourceContext() },
  );
}

/** The gold targets of a document as concepts (sorted by offsets), with their entities. */
export function goldTargets(doc: BratDocument, spec: CorpusSpec): { concept: Concept; entity: BratEntity }[] {
  const out: { concept: Concept; entity: BratEntity }[] = [];
  for (const e of doc.entities) {
    const type = Object.hasOwn(spec.types, e.type) ? spec.types[e.type] : undefined;
    if (type === undefined || e.end <= e.start || e.end > doc.text.length) continue;
    out.push({
      entity: e,
      concept: {
        start: e.start,
        end: e.end,
        text: doc.text.slice(e.start, e.end),
        type,
        codes: [],
        matched: { term: e.text, source: `gold:${e.type}` },
        score: 1,
        evidence: { component: 'assertion-data', rule: e.id },
      },
    });
  }
  out.sort((a, b) => a.concept.start - b.concept.start || a.concept.end - b.concept.end);
  return out;
}

/** The examples of one document (none when it has no target or cannot be segmented). */
export function documentExamples(
  b: BratDocument,
  spec: CorpusSpec,
  pipeline: Pipeline,
  engine: ContextEngine,
  seed = 1,
): AssertionExample[] {
  const gold = goldTargets(b, spec);
  if (gold.length === 0) return [];
  const negated = spec.negated(b);
  const doc = pipeline.runSync(new Doc(b.text, { id: b.id }));
  doc.set(
    'concepts',
    gold.map((g) => g.concept),
  );
  const asserted = assertConcepts(doc, engine);
  doc.set('concepts', asserted);
  const feats = assertionFeatures(doc, engine, asserted);
  const split = splitOf(spec.unit(b.id), seed);
  return asserted.map((c, i) => {
    const { entity } = gold[i] as { entity: BratEntity };
    const f = feats[i] as { features: string[]; cue: NegationCue | null };
    return {
      corpus: spec.name,
      doc: b.id,
      split,
      entity: entity.id,
      goldType: entity.type,
      start: c.start,
      end: c.end,
      negated: negated.has(entity.id),
      ruleNegated: c.assertion?.categories.includes('NEGATED') === true,
      features: f.features,
      cue: f.cue,
    };
  });
}
