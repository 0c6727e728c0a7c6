/**
 * The `concepts` component: coded concept mentions from a terminology pack (dictionary matching
 * over the note's tokens). See docs/terminology.md.
 *
 * The pack is `options.pack` (a path, relative to the working directory), else the built-in
 * starter pack. The component reads no environment: the CLI maps `--pack` and `$CLINOTE_PACK` to
 * `options.pack`. It is read through the factory context, so
 * its hash is part of the pipeline version, and loaded once per process.
 */
import { isAbsolute, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Flag } from '../../doc/types.js';
import { ClinoteError, isClinoteError } from '../../errors/error.js';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { Matcher, type MatcherOptions } from '../../terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { SEMANTIC_TYPES } from '../../terminology/pack/format.js';
import { keysFingerprint } from '../../terminology/pack/keys.js';
import { loadPackCached } from '../../terminology/pack/load.js';
import type { Pack } from '../../terminology/pack/pack.js';

/** The built-in pack, under resources/. */
export const STARTER_PACK = 'terminology/starter.pack';

const ConceptsOptions = Type.Object(
  {
    pack: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Terminology pack file (relative to the working directory). Default: the built-in starter pack.',
      }),
    ),
    types: Type.Optional(
      Type.Array(Type.Union(SEMANTIC_TYPES.map((t) => Type.Literal(t))), {
        uniqueItems: true,
        description: 'Semantic types to report (default: all but `other`).',
      }),
    ),
    fuzzy: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              threshold: Type.Optional(
                Type.Number({ minimum: 0.5, maximum: 1, description: 'Default 0.85' }),
              ),
              minLength: Type.Optional(Type.Integer({ minimum: 3, maximum: 30, description: 'Default 5' })),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'Approximate matching of misspelled words (off by default).' },
      ),
    ),
    maxCandidates: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 20, description: 'Other senses kept per mention (default 4).' }),
    ),
    localAbbreviations: Type.Optional(
      Type.Boolean({
        description:
          'Apply "long form (SF)" definitions of the note to every use of SF; a long form the pack does not know keeps SF from a disease reading (default true).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Where the pack comes from: the option, or the built-in one. */
export function packPath(option: string | undefined): string {
  const p = option;
  if (p === undefined || p === '') return STARTER_PACK;
  return isAbsolute(p) ? p : resolve(p);
}

/** Read and load a pack through the factory context (its hash enters the pipeline version). */
export function readPack(ctx: FactoryContext, path: string): Pack {
  let bytes: Uint8Array;
  try {
    bytes = ctx.readResourceBytes(path);
  } catch (e) {
    if (isClinoteError(e) && e.code === 'CLINOTE_E_RESOURCE_NOT_FOUND') {
      throw new ClinoteError(
        'CLINOTE_E_PACK_NOT_FOUND',
        `terminology pack '${path}' cannot be read`,
        { path },
        { cause: e },
      );
    }
    throw e;
  }
  return loadPackCached(bytes, path);
}

let fingerprint: string | undefined;

export const conceptsComponent = defineComponent({
  name: 'concepts',
  version: '1.0.0',
  description:
    'Coded concept mentions (problems, medications, procedures, labs, anatomy, devices) from a terminology pack.',
  requires: ['normalized', 'sections', 'sentences', 'tokens'],
  assigns: ['concepts'],
  options: ConceptsOptions,
  create(options, ctx) {
    const pack = readPack(ctx, packPath(options.pack));
    const fuzzy = options.fuzzy === true ? {} : options.fuzzy === false ? undefined : options.fuzzy;
    const matcherOptions: MatcherOptions = {
      ...(options.types ? { types: options.types } : {}),
      ...(fuzzy ? { fuzzy } : {}),
      ...(options.maxCandidates !== undefined ? { maxCandidates: options.maxCandidates } : {}),
      ...(options.localAbbreviations !== undefined ? { localAbbreviations: options.localAbbreviations } : {}),
    };
    const matcher = new Matcher(pack, DEFAULT_KEYS, matcherOptions);
    fingerprint ??= keysFingerprint(DEFAULT_KEYS);
    const mismatch: Flag | undefined =
      pack.manifest.keysFingerprint === fingerprint
        ? undefined
        : {
            code: 'CLINOTE_W_PACK_KEYS_MISMATCH',
            message: `terminology pack '${pack.name}' was built with another term normalization; rebuild it`,
          };
    return (doc) => {
      const concepts = matcher.match({
        text: doc.text,
        tokens: doc.get('tokens'),
        sentences: doc.get('sentences'),
        sections: doc.get('sections'),
      });
      if (mismatch) doc.flags.push(mismatch);
      doc.set('concepts', concepts);
    };
  },
});
