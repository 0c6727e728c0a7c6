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
import type { BratDocument, BratEntity } from '../../corpora/brat.js';
import {
  goldTargets as bratGoldTargets,
  CHIA_TARGET_TYPES,
  chiaNegated,
  MACCROBAT_TARGET_TYPES,
  maccrobatNegated,
} from '../../corpora/negation.js';
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

export { chiaNegated, maccrobatNegated };

export const CORPORA: Readonly<Record<AssertionCorpus, CorpusSpec>> = {
  maccrobat: {
    name: 'maccrobat',
    data: ['maccrobat'],
    types: MACCROBAT_TARGET_TYPES,
    negated: maccrobatNegated,
    unit: (id) => id,
  },
  chia: {
    name: 'chia',
    data: ['chia', 'chia_with_scope'],
    types: CHIA_TARGET_TYPES,
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
  return bratGoldTargets(doc, spec.types, 'assertion-data');
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
