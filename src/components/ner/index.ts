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
import type { Concept, ConceptCandidate } from '../../doc/types.js';
import { checkWeights, parseManifest, readModelResources } from '../../models/artifact.js';
import { nerModelFromFiles } from '../../models/ner/artifact.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { defineComponent } from '../../pipeline/component.js';
import { Matcher } from '../../terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { packPath, readPack } from '../concepts/index.js';
import { nerInput } from './input.js';
import { type LinkCandidate, Linker } from './link.js';
import { MERGE_POLICIES, type MergePolicy, mergeConcepts } from './merge.js';

/** Least score of the best candidate for a mention to take its codes (tuned on NCBI dev, docs/ner.md). */
export const DEFAULT_LINK_THRESHOLD = 0.5;

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
    link: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              pack: Type.Optional(
                Type.String({
                  minLength: 1,
                  description: 'Pack linked to (default: the `pack` option, else the starter pack).',
                }),
              ),
              threshold: Type.Optional(
                Type.Number({
                  minimum: 0,
                  maximum: 2,
                  description: `Least score of the best candidate to code the mention (default ${DEFAULT_LINK_THRESHOLD}; above 1: never, candidates only).`,
                }),
              ),
              fuzzy: Type.Optional(
                Type.Number({
                  minimum: 0,
                  maximum: 1,
                  description:
                    'Least trigram cosine of a fuzzy candidate; 0 = no fuzzy matching (default 0.7).',
                }),
              ),
              maxCandidates: Type.Optional(
                Type.Integer({ minimum: 0, maximum: 20, description: 'Candidates listed (default 4).' }),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'Link mentions to pack concepts (off by default; `true` = the defaults).' },
      ),
    ),
    merge: Type.Optional(
      Type.Union(
        MERGE_POLICIES.map((p) => Type.Literal(p)),
        {
          description:
            'How mentions combine with a `concepts` layer assigned before: model-only (default), model-first, dictionary-first, union.',
        },
      ),
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
  const { manifest, weights } = readModelResources(ctx, dir, 'model');
  return { text: manifest, weights };
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
    const link = options.link === true ? {} : options.link === false ? undefined : options.link;
    const linker = link
      ? new Linker(readPack(ctx, packPath(link.pack ?? options.pack)), DEFAULT_KEYS, {
          types: [...new Set(Object.values(types))],
          ...(link.fuzzy !== undefined ? { fuzzyCutoff: link.fuzzy } : {}),
          maxCandidates: (link.maxCandidates ?? 4) + 1,
        })
      : undefined;
    const threshold = link?.threshold ?? DEFAULT_LINK_THRESHOLD;
    const maxCandidates = link?.maxCandidates ?? 4;
    const policy: MergePolicy = options.merge ?? 'model-only';
    return (doc) => {
      const input = nerInput(doc, matcher);
      const spans = model.predict(input);
      const sentences = doc.get('sentences');
      const mentions = spans.map((s) => ({
        start: s.start,
        end: s.end,
        type: types[s.type] ?? s.type.toLowerCase(),
      }));
      const linked = linker
        ? linker.linkAll(
            { text: doc.text, tokens: doc.get('tokens'), sentences, sections: doc.get('sections') },
            mentions,
          )
        : undefined;
      const concepts: Concept[] = [];
      let k = 0;
      for (const [i, s] of spans.entries()) {
        while (k < input.tokens.length && (input.tokens[k] as { end: number }).end <= s.start) k++;
        const sentence = input.tokens[k]?.sentence ?? -1;
        const section = sentence >= 0 ? sentences[sentence]?.section : undefined;
        const text = doc.text.slice(s.start, s.end);
        const probability = (s as { probability?: number }).probability;
        const score = typeof probability === 'number' ? Math.round(probability * 1000) / 1000 : 1;
        const found = linked?.[i] ?? [];
        const top = found[0] && found[0].score >= threshold ? found[0] : undefined;
        const others = (top ? found.slice(1) : found).slice(0, maxCandidates).map(asCandidate);
        concepts.push({
          start: s.start,
          end: s.end,
          text,
          type: (mentions[i] as { type: string }).type,
          subtype: s.type,
          ...(top ? { id: top.id, preferred: top.preferred } : {}),
          codes: top ? [...top.codes] : [],
          matched: top
            ? {
                term: top.term,
                source: top.source,
                ...(top.similarity !== undefined ? { similarity: top.similarity } : {}),
              }
            : { term: text, source: 'model' },
          score,
          ...(others.length > 0 ? { candidates: others } : {}),
          ...(section !== undefined && section >= 0 ? { section } : {}),
          ...(sentence >= 0 ? { sentence } : {}),
          evidence: {
            component: 'ner',
            rule: id,
            source: 'model',
            model: id,
            ...(linker
              ? {
                  detail: top
                    ? `linked (${top.method}, score ${top.score}): ${top.rule}`
                    : found.length > 0
                      ? `not linked: best candidate ${found[0]?.score} below ${threshold}`
                      : 'not linked: no candidate',
                }
              : {}),
          },
        });
      }
      const dictionary = policy !== 'model-only' && doc.has('concepts') ? doc.get('concepts') : undefined;
      doc.set('concepts', dictionary ? mergeConcepts(concepts, dictionary, policy) : concepts);
    };
  },
});

function asCandidate(c: LinkCandidate): ConceptCandidate {
  return {
    id: c.id,
    type: c.type,
    preferred: c.preferred,
    score: c.score,
    codes: [...c.codes],
    method: c.method,
  };
}
