/**
 * The `coding` component: ICD-10-CM codes for the note, from its concepts with their assertions and
 * modifiers, the FY2023 Alphabetic Index and Tabular List (a coding pack compiled from the official
 * XML files, cached by their hashes), and the guideline rules of resources/coding/rules.json. It
 * assigns the `codes` layer (src/coding/schema.ts). See docs/coding.md.
 */
import { Type } from '@sinclair/typebox';
import { type CareSetting, Coder } from '../../coding/engine.js';
import { HccMap } from '../../coding/hcc.js';
import { loadCodingPack } from '../../coding/load.js';
import { DEFAULT_CODE_RANKER, loadCodeRanker } from '../../coding/ranker.js';
import { DEFAULT_CODING_RULES, loadCodingRules } from '../../coding/rules.js';
import { defineComponent } from '../../pipeline/component.js';

export type { CodeEvidence, CodeItem, Hcc } from '../../coding/schema.js';
export { CodeItemSchema } from '../../coding/schema.js';

const NAME = 'coding';
const VERSION = '1.0.0';

export const CodingOptionsSchema = Type.Object(
  {
    setting: Type.Optional(
      Type.Union([Type.Literal('inpatient'), Type.Literal('outpatient')], {
        description:
          'Care setting for uncertain diagnoses (default outpatient: not coded, flagged for review; inpatient: coded as established). A note’s `setting` metadata, or a note type naming an admission or discharge, overrides it.',
      }),
    ),
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Guideline rules, under resources/ or absolute (default ${DEFAULT_CODING_RULES})`,
      }),
    ),
    tabular: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Tabular List XML (.xml or .xml.gz); default: the FY2023 file under the shared data dir',
      }),
    ),
    index: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Alphabetic Index XML (.xml or .xml.gz); default: the FY2023 file under the shared data dir',
      }),
    ),
    hcc: Type.Optional(
      Type.Union([Type.Boolean(), Type.String({ minLength: 1 })], {
        description:
          'CMS-HCC V28 categories per code: true (default) reads the shared data dir’s hcc/ folder when present; a folder path; false for none',
      }),
    ),
    ranker: Type.Optional(
      Type.Union([Type.Boolean(), Type.String({ minLength: 1 })], {
        description: `The learned code ranker (calibrated scores, threshold for a target precision): true uses ${DEFAULT_CODE_RANKER} (trained on CodiEsp case reports); a model folder under resources/ or absolute; false (default) for the rule weights alone`,
      }),
    ),
    rankerThreshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          'Keep codes whose calibrated probability reaches this (default: the threshold in the model)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The setting of one note: its `setting` metadata, else its note type, else the option. */
export function noteSetting(meta: Readonly<Record<string, unknown>>, dflt: CareSetting): CareSetting {
  const s = meta.setting;
  if (s === 'inpatient' || s === 'outpatient') return s;
  const type = meta.noteType ?? meta.note_type ?? meta.type;
  if (typeof type === 'string') {
    if (/\b(discharge|admission|inpatient|h&p|history and physical|operative)\b/i.test(type))
      return 'inpatient';
    if (/\b(clinic|office|outpatient|ambulatory|emergency|ed visit)\b/i.test(type)) return 'outpatient';
  }
  return dflt;
}

export const codingComponent = defineComponent({
  name: NAME,
  version: VERSION,
  description:
    'ICD-10-CM codes for the note (FY2023 Alphabetic Index and Tabular List, guideline rules as data): negated, hypothetical and family mentions never coded as the patient’s, uncertain ones by setting, combination codes, Excludes1, sequencing, specificity; each code with evidence and a score.',
  requires: ['concepts', 'concepts.assertion', 'concepts.modifiers', 'sentences'],
  reads: ['sections'],
  assigns: ['codes'],
  outputs: ['codes'],
  options: CodingOptionsSchema,
  create(options, ctx) {
    const rules = loadCodingRules(ctx, options.rules ?? DEFAULT_CODING_RULES);
    const { pack } = loadCodingPack(ctx, {
      ...(options.tabular ? { tabular: options.tabular } : {}),
      ...(options.index ? { index: options.index } : {}),
    });
    const hcc =
      options.hcc === false
        ? null
        : typeof options.hcc === 'string'
          ? HccMap.load(options.hcc)
          : HccMap.load();
    const setting = options.setting ?? 'outpatient';
    const ranker =
      options.ranker === undefined || options.ranker === false
        ? null
        : loadCodeRanker(
            ctx,
            typeof options.ranker === 'string' ? options.ranker : DEFAULT_CODE_RANKER,
            options.rankerThreshold,
          );
    const coder = new Coder(pack, rules, { setting, component: `${NAME}@${VERSION}`, hcc, ranker });
    return (doc) => {
      const sections = doc.maybe('sections');
      doc.set(
        'codes',
        coder.code({
          text: doc.text,
          concepts: doc.get('concepts'),
          sentences: doc.get('sentences'),
          ...(sections ? { sections } : {}),
          setting: noteSetting(doc.meta, setting),
        }),
      );
    };
  },
});
