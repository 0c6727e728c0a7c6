/**
 * Modifiers of problem and procedure concepts: laterality, body site, severity, course and acuity.
 * The `modifiers` component copies each concept it modifies with a `modifiers` field (declared
 * below by merging into `Concept`); offsets of the concepts never change. See docs/modifiers.md.
 *
 * `ModifiersSchema` is the JSON Schema (TypeBox) of that field, for the result schema
 * (`src/output/schema.ts`); the types below are `Static<>` of these schemas.
 */
import { type Static, Type } from '@sinclair/typebox';
import { closed, EvidenceSchema, type ReadonlyDeep, SpanProperties, SpanText } from '../../doc/schema.js';

const ModifierProperties = {
  ...SpanProperties,
  text: SpanText,
  value: Type.String({
    description:
      'Normalized value: `left`/`right`/`bilateral`; `mild`/`moderate`/`severe`/`grade 2`/`8/10`; `worsening`...; `acute`...',
  }),
  evidence: EvidenceSchema,
};

export const ModifierSchema = Type.Object(ModifierProperties, {
  ...closed,
  description: 'A modifier as written, with its normalized value',
});
export interface Modifier extends ReadonlyDeep<Static<typeof ModifierSchema>> {}

export const BodySiteModifierSchema = Type.Object(
  {
    ...ModifierProperties,
    code: Type.Optional(
      Type.Object(
        {
          system: Type.String({ description: 'Code system, as in the concept codes' }),
          code: Type.String({ description: 'The code in its system' }),
        },
        { ...closed, description: 'The pack code when an anatomy concept covers the site' },
      ),
    ),
    concept: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Index (in concepts) of the anatomy concept covering the site',
      }),
    ),
  },
  { ...closed, description: 'The body site as written, with the anatomy concept that covers it' },
);
export interface BodySiteModifier extends ReadonlyDeep<Static<typeof BodySiteModifierSchema>> {}

export const ModifiersSchema = Type.Object(
  {
    laterality: Type.Optional(ModifierSchema),
    bodySite: Type.Optional(BodySiteModifierSchema),
    severity: Type.Optional(ModifierSchema),
    course: Type.Optional(ModifierSchema),
    acuity: Type.Optional(ModifierSchema),
  },
  {
    ...closed,
    description:
      'Set by the `modifiers` component on problems and procedures: laterality, body site, severity, course, acuity (docs/modifiers.md)',
  },
);
export type Modifiers = ReadonlyDeep<Static<typeof ModifiersSchema>>;

export type ModifierKind = keyof Modifiers;

declare module '../../doc/types.js' {
  interface Concept {
    /** Set by the `modifiers` component on problems and procedures. */
    readonly modifiers?: Modifiers;
  }
}
