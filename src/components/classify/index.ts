/**
 * The `classify` component: a trained classifier (a model directory with task `classify`, made by
 * `clinote train classify` or scripts/train-assertion.ts) applied to the note or to its concepts.
 *
 * - `target: 'concepts'` with an assertion model (kind `assertion`): after `assertions`, every
 *   concept gets the model's negation verdict (src/components/classify/assertion.ts: the rule's cue
 *   stays the evidence; where the model overrules the rules, the evidence names the model), and a
 *   classification item `{ target: 'concept', concept, label, probability, model }`.
 * - `target: 'document'` with a document model (kind `specialty`): one classification item for the
 *   whole note.
 *
 * Items are appended to the `classifications` layer (several `classify` steps add up). The model's
 * manifest and weights are read through the factory context: their hashes enter the pipeline
 * version. See docs/classify.md.
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { ClinoteError } from '../../errors/error.js';
import { readModelResources } from '../../models/artifact.js';
import { assertionFeatures } from '../../models/assertion/features.js';
import { type ClassifierFiles, classifierFromFiles } from '../../models/classify/index.js';
import { specialtyFeatures } from '../../models/classify/tasks/specialty.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { defineComponent } from '../../pipeline/component.js';
import { loadContextEngine } from '../assertions/index.js';
import { modelDir } from '../ner/index.js';
import { DEFAULT_SECTION_RULES, loadSectionMatcher } from '../sections/index.js';
import { applyNegation } from './assertion.js';
import type { Classification } from './types.js';

export { applyNegation } from './assertion.js';
export type { Classification } from './types.js';

/** The model used when the options name none (under resources/, built by scripts/train-assertion.ts). */
export const DEFAULT_CLASSIFY_MODEL = 'models/assertion-negation';

/** Model kinds the component applies to concepts, and to whole notes. */
export const CONCEPT_KINDS: readonly string[] = ['assertion'];
export const DOCUMENT_KINDS: readonly string[] = ['specialty'];

const ClassifyOptions = Type.Object(
  {
    model: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Classifier directory (manifest.json, weights.bin): absolute, relative to the working directory, else under resources/. Default: the shipped negation model, `models/assertion-negation`.',
      }),
    ),
    target: Type.Optional(
      Type.Union([Type.Literal('concepts'), Type.Literal('document')], {
        description:
          '`concepts`: each concept (an `assertion` model, after `assertions`); `document`: the whole note (a `specialty` model). Default: from the model kind.',
      }),
    ),
  },
  { additionalProperties: false },
);

function readClassifier(ctx: FactoryContext, dir: string): ClassifierFiles {
  const { manifest, weights } = readModelResources(ctx, dir, 'classifier');
  return classifierFromFiles(manifest, weights, dir);
}

function mismatch(dir: string, kind: string, target: string, kinds: readonly string[]): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_MODEL_TASK_MISMATCH',
    `classifier '${dir}' is a '${kind}' model; target '${target}' takes ${kinds.map((k) => `'${k}'`).join(', ')} models`,
    { path: dir, kind, target },
  );
}

/** Append items to the note's classifications (a pipeline may run several classify steps). */
function addClassifications(doc: Doc, items: readonly Classification[]): void {
  const before = doc.maybe('classifications') ?? [];
  doc.set('classifications', [...before, ...items]);
}

export const classifyComponent = defineComponent({
  name: 'classify',
  version: '0.1.0',
  description:
    'A trained classifier with calibrated probabilities: the negation of every concept (an assertion model, after `assertions`; overrules the rules where it learned they fail) or a label for the whole note (a specialty model).',
  requires: ['normalized', 'sentences', 'tokens'],
  reads: ['sections', 'concepts', 'concepts.assertion'],
  assigns: ['classifications'],
  outputs: ['classifications'],
  options: ClassifyOptions,
  create(options, ctx) {
    const dir = modelDir(options.model ?? DEFAULT_CLASSIFY_MODEL);
    const { manifest, classifier } = readClassifier(ctx, dir);
    const kind = manifest.kind;
    const target = options.target ?? (CONCEPT_KINDS.includes(kind) ? 'concepts' : 'document');
    const ref = classifier.ref;
    const evidence = { component: 'classify', rule: ref, source: 'model', model: ref } as const;

    if (target === 'concepts') {
      if (!CONCEPT_KINDS.includes(kind)) throw mismatch(dir, kind, target, CONCEPT_KINDS);
      const negatedIndex = manifest.labels.indexOf('negated');
      if (negatedIndex < 0 || manifest.labels.length !== 2) {
        throw new ClinoteError(
          'CLINOTE_E_MODEL_MANIFEST_INVALID',
          `classifier '${dir}': an assertion model has the labels 'affirmed' and 'negated'`,
          { path: dir },
        );
      }
      const engine = loadContextEngine(ctx);
      return (doc) => {
        const concepts: readonly Concept[] = doc.maybe('concepts') ?? [];
        const items: Classification[] = [];
        if (concepts.length > 0) {
          const feats = assertionFeatures(doc, engine, concepts);
          const updated = concepts.map((c, i) => {
            const f = feats[i] as (typeof feats)[number];
            const p = classifier.predict(f.features);
            const negated = p.index === negatedIndex;
            items.push({
              start: c.start,
              end: c.end,
              target: 'concept',
              concept: i,
              kind,
              label: p.label,
              probability: p.probability,
              model: ref,
              evidence: f.cue ? { ...evidence, detail: `nearest negation cue: ${f.cue.rule}` } : evidence,
            });
            if (!c.assertion) return c;
            const assertion = applyNegation(c.assertion, negated, c, f.cue, ref);
            if (assertion === c.assertion) return c;
            const out = Object.assign({}, c) as { assertion?: typeof assertion };
            out.assertion = assertion;
            return out as Concept;
          });
          doc.set('concepts', updated);
        }
        addClassifications(doc, items);
      };
    }

    if (!DOCUMENT_KINDS.includes(kind)) throw mismatch(dir, kind, target, DOCUMENT_KINDS);
    const matcher = loadSectionMatcher(ctx, DEFAULT_SECTION_RULES);
    return (doc) => {
      const p = classifier.predict(specialtyFeatures(doc.text, matcher));
      addClassifications(doc, [
        {
          start: 0,
          end: doc.text.length,
          target: 'document',
          kind,
          label: p.label,
          probability: p.probability,
          model: ref,
          evidence,
        },
      ]);
    };
  },
});
