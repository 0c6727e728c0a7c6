/**
 * The guideline logic of the coder as data (`resources/coding/rules.json`), validated by the
 * TypeBox schema below. Every rule has an id and the section of the ICD-10-CM Official Guidelines
 * for Coding and Reporting it implements; the ids are what a code's evidence lists. See
 * docs/coding.md and decision 0014.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import type { FactoryContext } from '../pipeline/component.js';
import { loadJsonResource } from '../pipeline/resource-file.js';

export const DEFAULT_CODING_RULES = 'coding/rules.json';

const RuleId = Type.String({ pattern: '^[a-z0-9]+(?:[.-][a-z0-9]+)*$', description: 'Rule id' });
/** A code range as the Tabular List writes references: `R00-R99`, `E11`, `J12-J18`, `R10.0`. */
const CodeRange = Type.String({
  pattern: '^[A-Z][0-9][0-9A-Z](?:\\.?[0-9A-Z]{1,4})?(?:-[A-Z][0-9][0-9A-Z](?:\\.?[0-9A-Z]{1,4})?)?$',
  description: 'A code or a range of codes (prefixes): `R00-R99`, `J12-J18`, `R10.0`',
});

export const ACTIONS = ['code', 'drop', 'review', 'family-history', 'personal-history'] as const;
const Action = Type.Union(
  ACTIONS.map((a) => Type.Literal(a)),
  {
    description:
      '`code`: as the patient’s condition; `drop`: not coded; `review`: not coded, flagged for a person; `family-history`: Z80-Z84 by the Index; `personal-history`: Z85-Z87 by the Index',
  },
);

export const RuleInfoSchema = Type.Object(
  {
    id: RuleId,
    section: Type.String({ minLength: 1, description: 'Guideline section, e.g. `Section IV.H`' }),
    title: Type.String({ minLength: 1, description: 'What the rule does' }),
  },
  { additionalProperties: false },
);

export const StatusPolicySchema = Type.Object(
  {
    status: Type.String({ description: 'An assertion status (assertions component)' }),
    inpatient: Action,
    outpatient: Action,
    rule: RuleId,
    fallback: Type.Optional(
      Type.Union([Type.Literal('drop'), Type.Literal('review'), Type.Literal('code-if-chronic')], {
        description: 'When a history action finds no Index entry',
      }),
    ),
  },
  { additionalProperties: false },
);

export const IntegralSchema = Type.Object(
  {
    id: RuleId,
    diagnoses: Type.Array(CodeRange, { minItems: 1 }),
    symptoms: Type.Array(CodeRange, { minItems: 1 }),
  },
  { additionalProperties: false, description: 'Symptoms routinely part of these diagnoses' },
);

export const CodingRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }),
    description: Type.Optional(Type.String()),
    rules: Type.Array(RuleInfoSchema, {
      minItems: 1,
      description: 'Every rule id and its guideline section',
    }),
    statuses: Type.Array(StatusPolicySchema, { minItems: 1 }),
    history: Type.Object(
      {
        family: Type.Array(Type.String(), { minItems: 1, description: 'Index path: `History`, `family`' }),
        familyRange: CodeRange,
        personal: Type.Array(Type.String(), { minItems: 1 }),
        personalRange: CodeRange,
        historyCodes: Type.Array(CodeRange, {
          description: 'Codes that are themselves a history or status (Z85-Z87, old myocardial infarction)',
        }),
        chronic: Type.Array(CodeRange, {
          description: 'Chronic conditions: stated as history, still the patient’s condition',
        }),
      },
      { additionalProperties: false },
    ),
    symptoms: Type.Object(
      {
        range: CodeRange,
        rule: RuleId,
        integral: Type.Array(IntegralSchema),
      },
      { additionalProperties: false },
    ),
    index: Type.Object(
      {
        preferredMainTerms: Type.Array(Type.String({ minLength: 1 }), {
          description:
            'Main terms that are the default when their qualifier is not stated (`Fracture, traumatic`)',
        }),
        synonyms: Type.Record(Type.String(), Type.Array(Type.String()), {
          description:
            'Words of the note that the Index writes otherwise (`cancer` -> `malignant neoplasm`), for subterms',
        }),
        negationCues: Type.Array(Type.String({ minLength: 1 }), {
          description: 'Words that stop a sentence from stating a `with` link itself',
        }),
      },
      { additionalProperties: false },
    ),
    concepts: Type.Object(
      {
        abbreviationMaxLength: Type.Integer({
          minimum: 0,
          description: 'An abbreviation this short (or shorter) with other senses is not coded',
        }),
        uncodedSources: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), {
            description:
              'Sources (the part of a concept id before `:`) whose concepts without an ICD-10-CM code are uncoded on purpose: never looked up in the Index',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    episode: Type.Object(
      {
        subsequent: Type.Array(Type.String({ minLength: 1 })),
        sequela: Type.Array(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, description: 'Cues of the episode of care (7th character)' },
    ),
    principal: Type.Object(
      {
        notPrincipal: Type.Array(CodeRange, { description: 'Codes never a principal-diagnosis candidate' }),
        sections: Type.Array(Type.String(), {
          description: 'Section categories where the diagnoses of the visit are stated',
        }),
      },
      { additionalProperties: false },
    ),
    scores: Type.Object(
      {
        concept: Type.Number({ minimum: 0, maximum: 1, description: 'Weight of a concept’s own code' }),
        index: Type.Number({ minimum: 0, maximum: 1, description: 'Weight of an Index entry' }),
        agree: Type.Number({ minimum: 0, maximum: 1, description: 'Bonus when both agree on the category' }),
        unspecified: Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Penalty of an unspecified default',
        }),
        minCoverage: Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Least share of mention words an Index entry must cover',
        }),
        threshold: Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Codes scoring below are not suggested',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type CodingRules = Static<typeof CodingRulesSchema>;

/** Every rule id the coder writes into evidence; each must be catalogued in the rules file. */
export const ENGINE_RULE_IDS = [
  'source.concept',
  'source.index',
  'index.see',
  'combination.with',
  'manifestation.pair',
  'specificity.stated',
  'specificity.laterality',
  'specificity.laterality-unspecified',
  'specificity.unspecified-default',
  'specificity.seventh-character',
  'specificity.needed',
  'valid.fiscal-year',
  'excludes1.pair',
  'sequence.code-first',
  'sequence.use-additional',
  'principal.candidate',
  'concept.ambiguous-abbreviation',
  'history.chronic',
  'history.code',
  'specificity.same-category',
  'source.alternative',
  'source.sibling',
  'rank.learned',
] as const;

/** Load and check a rules file: schema, then every referenced rule id catalogued. */
export function loadCodingRules(ctx: FactoryContext, path = DEFAULT_CODING_RULES): CodingRules {
  const rules = loadJsonResource(ctx, path, CodingRulesSchema);
  checkCodingRules(rules, path);
  return rules;
}

export function checkCodingRules(rules: CodingRules, path = DEFAULT_CODING_RULES): void {
  const ids = new Set<string>();
  for (const r of rules.rules) {
    if (ids.has(r.id))
      throw new ClinoteError('CLINOTE_E_CODING_RULES_INVALID', `${path}: rule id '${r.id}' twice`, {
        path,
        rule: r.id,
      });
    ids.add(r.id);
  }
  const used = [
    ...ENGINE_RULE_IDS,
    ...rules.statuses.map((s) => s.rule),
    rules.symptoms.rule,
    ...rules.symptoms.integral.map((i) => i.id),
  ];
  for (const id of used) {
    if (!ids.has(id))
      throw new ClinoteError(
        'CLINOTE_E_CODING_RULES_INVALID',
        `${path}: rule '${id}' is used but not catalogued in "rules"`,
        { path, rule: id },
      );
  }
}
