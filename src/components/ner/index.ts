/**
 * The `ner` component: mentions from a trained sequence labeller (a model directory made by
 * `clinote train ner`), assigned as the `concepts` layer. Each concept has the type the model maps
 * its entity type to (`Disease` -> `problem`) and evidence `{ component: 'ner', source: 'model',
 * model: 'name@version' }`; its score is the model's probability of the mention when the model gives
 * one, else 1.
 *
 * With `link`, each mention is linked to the concepts of a terminology pack (./link.ts): the best
 * candidate above the threshold gives the concept its id, preferred name and codes (`matched` is the
 * pack term, `evidence.detail` the method and pack rule); the other candidates are listed with their
 * method. Without a link (or below the threshold) the concept has no codes, `matched.source: 'model'`.
 *
 * With `merge` (other than `model-only`) and a `concepts` layer assigned before (the `concepts`
 * component), the model's mentions are merged with the dictionary's concepts (./merge.ts). The
 * component declares `reads: ['concepts']`, so a pipeline that runs `concepts` after `ner` is refused.
 *
 * The model's manifest and weights are read through the factory context: their hashes enter the
 * pipeline version. The dictionary features use `options.pack` (default: the built-in starter pack,
 * which is what the shipped models are trained with).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import { checkWeights, parseManifest, readModelResources } from '../../models/artifact.js';
import { nerModelFromFiles } from '../../models/ner/artifact.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { defineComponent } from '../../pipeline/component.js';
import { Matcher } from '../../terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { packPath, readPack } from '../concepts/index.js';
import { nerInput } from './input.js';
import { LinkOption, MentionConcepts, MergeOption } from './mentions.js';
import { type MergePolicy, mergeConcepts } from './merge.js';

const NerOptions = Type.Object(
  {
    model: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Model directory (manifest.json, weights.bin): absolute, relative to the working directory, else under resources/. Default: the built NCBI-disease model, `models/ner-ncbi-disease`.',
      }),
    ),
    pack: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Terminology pack of the dictionary features (default: the built-in starter pack).',
      }),
    ),
    link: Type.Optional(LinkOption),
    merge: Type.Optional(MergeOption),
  },
  { additionalProperties: false },
);

/** The model used when the options name none (under resources/, built by scripts/train-models.ts). */
export const DEFAULT_MODEL = 'models/ner-ncbi-disease';

/**
 * Where the model directory is: an absolute path; a relative path that exists under the working
 * directory; else a path under resources/ (`models/ner-ncbi-disease`, the built models).
 */
export function modelDir(option: string): string {
  if (isAbsolute(option)) return option;
  const local = resolve(option);
  return existsSync(local) ? local : option;
}

/** A linear NER model directory read through the factory context (hashes recorded), ready to predict. */
export function loadLinearNer(
  ctx: FactoryContext,
  option: string | undefined,
  pack: string | undefined,
): {
  readonly manifest: ReturnType<typeof parseManifest>;
  readonly id: string;
  readonly predict: (doc: Doc) => ReturnType<ReturnType<typeof nerModelFromFiles>['predict']>;
} {
  const dir = modelDir(option ?? DEFAULT_MODEL);
  const files = readModelResources(ctx, dir, 'model');
  const manifest = parseManifest(files.manifest, dir);
  checkWeights(manifest, files.weights, dir);
  const model = nerModelFromFiles({ manifest, weights: files.weights }, dir);
  const matcher = manifest.features.dictionary
    ? new Matcher(readPack(ctx, packPath(pack)), DEFAULT_KEYS)
    : undefined;
  return {
    manifest,
    id: `${manifest.name}@${manifest.version}`,
    predict: (doc) => model.predict(nerInput(doc, matcher)),
  };
}

export const nerComponent = defineComponent({
  name: 'ner',
  version: '0.1.0',
  description:
    'Concept mentions from a trained sequence labeller (a model directory made by `clinote train ner`).',
  requires: ['normalized', 'sections', 'sentences', 'tokens'],
  reads: ['concepts'],
  assigns: ['concepts'],
  options: NerOptions,
  create(options, ctx) {
    const linear = loadLinearNer(ctx, options.model, options.pack);
    const make = new MentionConcepts(
      ctx,
      linear.manifest.types,
      'ner',
      linear.id,
      options.link,
      options.pack,
    );
    const policy: MergePolicy = options.merge ?? 'model-only';
    return (doc) => {
      const concepts = make.concepts(doc, linear.predict(doc));
      const dictionary = policy !== 'model-only' && doc.has('concepts') ? doc.get('concepts') : undefined;
      doc.set('concepts', dictionary ? mergeConcepts(concepts, dictionary, policy) : concepts);
    };
  },
});
