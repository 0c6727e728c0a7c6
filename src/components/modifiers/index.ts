/**
 * The `modifiers` component: laterality, body site (with the pack code of an anatomy concept),
 * severity, course and acuity of problem and procedure concepts. It re-assigns the `concepts`
 * layer: a concept with modifiers is copied with a `modifiers` field; order, offsets and every
 * other field stay as they were (indexes into the layer stay valid). See docs/modifiers.md.
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { OffsetMapper } from '../../text/offsets.js';
import { ModifierExtractor } from './extract.js';
import { CompiledModifierRules, DEFAULT_MODIFIER_RULES, ModifierRulesSchema } from './rules.js';
import type { BodySiteModifier, ModifierKind, Modifiers } from './types.js';

export { ModifierExtractor, type RawModifier, TARGET_TYPES } from './extract.js';
export {
  CompiledModifierRules,
  DEFAULT_MODIFIER_RULES,
  type ModifierRules,
  ModifierRulesSchema,
} from './rules.js';
export type * from './types.js';

export const COMPONENT = 'modifiers';

export const ModifiersOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Word lists, under resources/ or absolute (default ${DEFAULT_MODIFIER_RULES})`,
      }),
    ),
  },
  { additionalProperties: false },
);

export function loadModifierExtractor(
  ctx: Parameters<typeof loadJsonResource>[0],
  path = DEFAULT_MODIFIER_RULES,
): ModifierExtractor {
  return new ModifierExtractor(new CompiledModifierRules(loadJsonResource(ctx, path, ModifierRulesSchema)));
}

export const modifiersComponent = defineComponent({
  name: COMPONENT,
  version: '1.0.0',
  description:
    'Laterality, body site (text and pack code), severity, course and acuity of problem and procedure concepts, each with its span.',
  requires: ['normalized', 'concepts'],
  reads: ['tokens'],
  assigns: ['concepts.modifiers'],
  options: ModifiersOptionsSchema,
  create(options, ctx) {
    const extractor = loadModifierExtractor(ctx, options.rules ?? DEFAULT_MODIFIER_RULES);
    return (doc) => {
      doc.set('concepts', withModifiers(doc, extractor));
    };
  },
});

/** The concepts layer with `modifiers` set on the concepts that have some (a new array; same order). */
export function withModifiers(doc: Doc, extractor: ModifierExtractor): Concept[] {
  const concepts = doc.maybe('concepts') ?? [];
  if (concepts.length === 0) return [...concepts];
  const view = doc.get('normalized');
  const mapper = new OffsetMapper(view);
  const tokens = doc.maybe('tokens');
  const found = extractor.extract({
    text: view.text,
    concepts,
    toNormalized: (o) => mapper.toNormalized(o),
    ...(tokens ? { tokens } : {}),
  });
  if (found.size === 0) return [...concepts];
  return concepts.map((c, i) => {
    const raw = found.get(i);
    if (!raw) return c;
    const mods: { -readonly [K in ModifierKind]?: Modifiers[K] } = {};
    for (const r of raw) {
      const [start, end] = mapper.toOriginal(r.start, r.end);
      const m: BodySiteModifier = {
        start,
        end,
        text: doc.text.slice(start, end),
        value: r.value,
        evidence: { component: COMPONENT, rule: r.rule },
        ...(r.code ? { code: r.code } : {}),
        ...(r.concept !== undefined ? { concept: r.concept } : {}),
      };
      mods[r.kind] = m;
    }
    return { ...c, modifiers: mods };
  });
}
