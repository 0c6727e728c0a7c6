/**
 * The `medications` component: medication mentions with their sig (strength, dose, form, route,
 * frequency as FHIR Timing.repeat, as-needed and its reason, duration, status, indication), each
 * attribute linked to its drug. Anchors on the medication concepts of the `concepts` layer, and
 * finds drug heads that are not concepts where a sig clearly follows a drug-like word. Rule data:
 * resources/medications/sig.json and context.json. See docs/medications.md.
 */
import { Type } from '@sinclair/typebox';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { MedicationExtractor } from './extract.js';
import { CompiledLexicon, MedicationContextSchema, SigLexiconSchema } from './lexicon.js';
import { SigGrammar } from './sig.js';
import type { Medication } from './types.js';

export { type ExtractInput, type ExtractOptions, MedicationExtractor, mergeTiming } from './extract.js';
export {
  CompiledLexicon,
  type MedicationContext,
  MedicationContextSchema,
  medicationContextJsonSchema,
  type SigLexicon,
  SigLexiconSchema,
  sigLexiconJsonSchema,
} from './lexicon.js';
export { type Element, parseNumber, SigGrammar } from './sig.js';
export { findTableRows, splitCells, type TableCell, type TableRow } from './table.js';
export type * from './types.js';

declare module '../../doc/types.js' {
  interface Layers {
    medications: Medication[];
  }
}

export const DEFAULT_SIG_LEXICON = 'medications/sig.json';
export const DEFAULT_MEDICATION_CONTEXT = 'medications/context.json';

export const MedicationsOptionsSchema = Type.Object(
  {
    lexicon: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Sig lexicon, under resources/ or absolute (default ${DEFAULT_SIG_LEXICON})`,
      }),
    ),
    context: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Sections, table columns, salts and drug stems (default ${DEFAULT_MEDICATION_CONTEXT})`,
      }),
    ),
    heads: Type.Optional(
      Type.Boolean({
        description:
          'Find drug heads that are not concepts when a sig follows a drug-like word (default true)',
      }),
    ),
    bareDrugs: Type.Optional(
      Type.Boolean({
        description: 'Report medication concepts that have no sig attribute too (default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Build the sig grammar from rule files read through the factory context. */
export function loadSigGrammar(
  ctx: FactoryContext,
  lexicon = DEFAULT_SIG_LEXICON,
  context = DEFAULT_MEDICATION_CONTEXT,
): SigGrammar {
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) {
    const sig = loadJsonResource(ctx, lexicon, SigLexiconSchema);
    const cx = loadJsonResource(ctx, context, MedicationContextSchema);
    return new SigGrammar(new CompiledLexicon(sig, cx));
  }
  // compiled once per content (the same grammar in this process, the lexicon's data on disk)
  const sigText = ctx.readResource(lexicon);
  const cxText = ctx.readResource(context);
  const key = `${sigText.length}\n${sigText}${cxText}`;
  return compiled(`${LEXICON_KIND}:grammar`, key, () => {
    const data = compiled(
      LEXICON_KIND,
      key,
      () => {
        const texts: FactoryContext = {
          readResource: (p) => (p === lexicon ? sigText : p === context ? cxText : ctx.readResource(p)),
          readResourceBytes: (p) => ctx.readResourceBytes(p),
          compiled,
        };
        return new CompiledLexicon(
          loadJsonResource(texts, lexicon, SigLexiconSchema),
          loadJsonResource(texts, context, MedicationContextSchema),
        ).data;
      },
      { persist: true },
    );
    // built from the data on a miss too: one way to the runtime structures, cached or not
    return new SigGrammar(CompiledLexicon.fromData(data));
  });
}

/** Key of the on-disk cache entry of the compiled lexicon (bump the version when the compiler changes). */
const LEXICON_KIND = 'medication-lexicon@2';

export const medicationsComponent = defineComponent({
  name: 'medications',
  version: '1.1.0',
  description:
    'Medication mentions with their sig linked to the drug: strength, dose, form, route, frequency (FHIR Timing.repeat), as-needed and reason, duration, status, indication.',
  requires: ['normalized', 'sections', 'sentences', 'tokens', 'concepts'],
  assigns: ['medications'],
  outputs: ['medications'],
  options: MedicationsOptionsSchema,
  create(options, ctx) {
    const grammar = loadSigGrammar(ctx, options.lexicon, options.context);
    const extractor = new MedicationExtractor(grammar, {
      ...(options.heads !== undefined ? { heads: options.heads } : {}),
      ...(options.bareDrugs !== undefined ? { bareDrugs: options.bareDrugs } : {}),
    });
    return (doc) => {
      doc.set(
        'medications',
        extractor.extract({
          text: doc.text,
          tokens: doc.get('tokens'),
          sentences: doc.get('sentences'),
          sections: doc.get('sections'),
          concepts: doc.get('concepts'),
        }),
      );
    };
  },
});
