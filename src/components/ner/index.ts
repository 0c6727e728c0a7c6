/**
 * The `ner` component: mentions from a trained sequence labeller (a model directory made by
 * `clinote train ner`), assigned as the `concepts` layer. Each concept has the type the model maps
 * its entity type to (`Disease` -> `problem`), no codes, `matched.source: 'model'` and evidence
 * `{ component: 'ner', source: 'model', model: 'name@version' }`.
 *
 * The model's manifest and weights are read through the factory context: their hashes enter the
 * pipeline version. The dictionary features use `options.pack` (default: the built-in starter pack,
 * which is what the shipped models are trained with).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Concept } from '../../doc/types.js';
import { ClinoteError, isClinoteError } from '../../errors/error.js';
import { checkWeights, MANIFEST_FILE, parseManifest, WEIGHTS_FILE } from '../../models/artifact.js';
import { nerModelFromFiles } from '../../models/ner/artifact.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { defineComponent } from '../../pipeline/component.js';
import { Matcher } from '../../terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { packPath, readPack } from '../concepts/index.js';
import { nerInput } from './input.js';

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

function readModel(ctx: FactoryContext, dir: string): { text: string; weights: Uint8Array } {
  try {
    return {
      text: ctx.readResource(join(dir, MANIFEST_FILE)),
      weights: ctx.readResourceBytes(join(dir, WEIGHTS_FILE)),
    };
  } catch (e) {
    if (isClinoteError(e) && e.code === 'CLINOTE_E_RESOURCE_NOT_FOUND') {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_NOT_FOUND',
        `model '${dir}' cannot be read (a directory with manifest.json and weights.bin)`,
        { path: dir },
        { cause: e },
      );
    }
    throw e;
  }
}

export const nerComponent = defineComponent({
  name: 'ner',
  version: '0.1.0',
  description:
    'Concept mentions from a trained sequence labeller (a model directory made by `clinote train ner`).',
  requires: ['normalized', 'sections', 'sentences', 'tokens'],
  assigns: ['concepts'],
  options: NerOptions,
  create(options, ctx) {
    const dir = modelDir(options.model ?? DEFAULT_MODEL);
    const files = readModel(ctx, dir);
    const manifest = parseManifest(files.text, dir);
    checkWeights(manifest, files.weights, dir);
    const model = nerModelFromFiles({ manifest, weights: files.weights }, dir);
    const matcher = manifest.features.dictionary
      ? new Matcher(readPack(ctx, packPath(options.pack)), DEFAULT_KEYS)
      : undefined;
    const id = `${manifest.name}@${manifest.version}`;
    const types = manifest.types;
    return (doc) => {
      const input = nerInput(doc, matcher);
      const spans = model.predict(input);
      const concepts: Concept[] = [];
      let k = 0;
      for (const s of spans) {
        while (k < input.tokens.length && (input.tokens[k] as { end: number }).end <= s.start) k++;
        const sentence = input.tokens[k]?.sentence ?? -1;
        const text = doc.text.slice(s.start, s.end);
        concepts.push({
          start: s.start,
          end: s.end,
          text,
          type: types[s.type] ?? s.type.toLowerCase(),
          subtype: s.type,
          codes: [],
          matched: { term: text, source: 'model' },
          score: 1,
          ...(sentence >= 0 ? { sentence } : {}),
          evidence: { component: 'ner', rule: id, source: 'model', model: id },
        });
      }
      doc.set('concepts', concepts);
    };
  },
});
