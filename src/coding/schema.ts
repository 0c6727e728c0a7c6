/**
 * The `codes` layer: ICD-10-CM codes suggested for a note, each with its evidence (spans of the
 * original text, the concepts, the guideline rule ids), a score, whether it is a principal-diagnosis
 * candidate, and the fiscal year of the code set. Items with `status: 'review'` are not codes: an
 * uncertain or incomplete diagnosis a person must look at (never emitted as a code in FHIR or in
 * the evaluation). The result schema (`src/output/schema.ts`) composes `CodeItemSchema`.
 */
import { type Static, Type } from '@sinclair/typebox';
import { closed, Literals, type ReadonlyDeep, TextSpanSchema } from '../doc/schema.js';

export const CODE_STATUS_VALUES = ['suggested', 'review'] as const;
export const REVIEW_REASONS = ['uncertain', 'needs-specificity'] as const;

export const HccSchema = Type.Object(
  {
    model: Type.String({ description: 'The CMS risk-adjustment model, e.g. `CMS-HCC Model V28`' }),
    category: Type.String({ description: 'The condition category (HCC) number' }),
    label: Type.Optional(Type.String({ description: 'The category label' })),
  },
  { ...closed, description: 'A CMS-HCC category of the code (from the mapping file, when present)' },
);

export const CodeEvidenceSchema = Type.Object(
  {
    spans: Type.Array(TextSpanSchema, {
      description: 'The mentions that support the code (original offsets)',
    }),
    concepts: Type.Array(Type.Integer({ minimum: 0 }), { description: 'Indexes into the concepts layer' }),
    conceptIds: Type.Array(Type.String(), { description: 'Pack ids of those concepts' }),
    rules: Type.Array(Type.String(), {
      description: 'Guideline rule ids that applied (resources/coding/rules.json), in order',
    }),
    indexPath: Type.Optional(
      Type.String({ description: 'The Alphabetic Index entry followed: `Diabetes > type 2 > with > ...`' }),
    ),
    component: Type.String({ description: 'The component: `coding@version`' }),
    pack: Type.String({ description: 'The coding pack: `icd10cm-FY<year>@<hash of the sources>`' }),
  },
  { ...closed, description: 'Why the code is suggested' },
);

export const CodeItemSchema = Type.Object(
  {
    system: Type.Literal('icd10cm', { description: 'The code system: `icd10cm`' }),
    code: Type.String({ description: 'The ICD-10-CM code, dotted (`E11.22`, `S72.001A`)' }),
    title: Type.String({ description: 'Its title in the Tabular List of the fiscal year' }),
    status: Literals(CODE_STATUS_VALUES, {
      description: '`suggested`: a code; `review`: not a code, for a person to decide (see `reason`)',
    }),
    reason: Type.Optional(
      Literals(REVIEW_REASONS, {
        description:
          'Why a person must review: an uncertain diagnosis (outpatient), or a category the note does not complete',
      }),
    ),
    billable: Type.Boolean({ description: 'A complete code of the fiscal year' }),
    score: Type.Number({ minimum: 0, maximum: 1, description: 'How well the note supports the code (0..1)' }),
    principal: Type.Boolean({ description: 'A principal (first-listed) diagnosis candidate' }),
    sequence: Type.Integer({
      minimum: 0,
      description: 'Order among the suggested codes (1 first); 0 for review items',
    }),
    fiscalYear: Type.Integer({ description: 'The fiscal year of the code set' }),
    hcc: Type.Optional(
      Type.Array(HccSchema, { description: 'CMS-HCC categories, when the mapping is available' }),
    ),
    evidence: CodeEvidenceSchema,
  },
  { ...closed, description: 'An ICD-10-CM code suggested for the note, with its evidence' },
);

export interface CodeItem extends ReadonlyDeep<Static<typeof CodeItemSchema>> {}
export type CodeEvidence = ReadonlyDeep<Static<typeof CodeEvidenceSchema>>;
export type Hcc = ReadonlyDeep<Static<typeof HccSchema>>;

declare module '../doc/types.js' {
  interface Layers {
    codes: CodeItem[];
  }
}
