/**
 * Gold negation in the brat corpora, entity by entity, for every reader of it: the assertion
 * evaluation (`clinote eval assertions`) and the assertion classifier's training data. The gold
 * entities of a document also become the targets the rule engine asserts, as concepts.
 */
import type { Concept } from '../doc/types.js';
import { type BratDocument, type BratEntity, entityAttributes } from './brat.js';

/** MACCROBAT entity types that are assertion targets, and the Clinote concept type each becomes. */
export const MACCROBAT_TARGET_TYPES: Readonly<Record<string, string>> = {
  Sign_symptom: 'problem',
  Disease_disorder: 'problem',
  Diagnostic_procedure: 'procedure',
  Therapeutic_procedure: 'procedure',
  Medication: 'medication',
  Lab_value: 'lab',
  Clinical_event: 'problem',
  Activity: 'problem',
  Outcome: 'problem',
  Other_event: 'problem',
};

/** Chia entity types that are assertion targets, and the Clinote concept type each becomes. */
export const CHIA_TARGET_TYPES: Readonly<Record<string, string>> = {
  Condition: 'problem',
  Observation: 'problem',
  Drug: 'medication',
  Procedure: 'procedure',
  Measurement: 'lab',
  Device: 'device',
};

/** MACCROBAT: triggers of events with `POLARITY NEG`. UNCERTAIN, MAYBE_NEG and MAYBE_POS are not negated. */
export function maccrobatNegated(doc: BratDocument): Set<string> {
  const out = new Set<string>();
  for (const [id, attrs] of entityAttributes(doc)) if (attrs.POLARITY === 'NEG') out.add(id);
  return out;
}

/** Whether every fragment of `x` lies inside a fragment of `scope`. */
function within(x: BratEntity, scope: BratEntity): boolean {
  return x.fragments.every((f) => scope.fragments.some((s) => s.start <= f.start && f.end <= s.end));
}

/** Chia: entities that are `Arg1` of `Has_negation`, and entities inside a negated `Scope`. */
export function chiaNegated(doc: BratDocument): Set<string> {
  const byId = new Map(doc.entities.map((e) => [e.id, e]));
  const out = new Set<string>();
  for (const r of doc.relations) {
    if (r.type !== 'Has_negation') continue;
    const arg = r.args.find((a) => a.role === 'Arg1');
    const e = arg ? byId.get(arg.ref) : undefined;
    if (!e) continue;
    if (e.type === 'Scope') {
      for (const x of doc.entities) if (x.id !== e.id && x.type !== 'Scope' && within(x, e)) out.add(x.id);
    } else out.add(e.id);
  }
  return out;
}

/**
 * The gold entities of a document whose type `types` maps to a Clinote concept type, as concepts
 * sorted by offsets (with their entities); `component` names who made them in their evidence.
 */
export function goldTargets(
  doc: BratDocument,
  types: Readonly<Record<string, string>>,
  component: string,
): { concept: Concept; entity: BratEntity }[] {
  const out: { concept: Concept; entity: BratEntity }[] = [];
  for (const e of doc.entities) {
    const type = Object.hasOwn(types, e.type) ? types[e.type] : undefined;
    if (type === undefined || e.end <= e.start || e.end > doc.text.length) continue;
    out.push({
      entity: e,
      concept: {
        start: e.start,
        end: e.end,
        text: doc.text.slice(e.start, e.end),
        type,
        codes: [],
        matched: { term: e.text, source: `gold:${e.type}` },
        score: 1,
        evidence: { component, rule: e.id },
      },
    });
  }
  out.sort((a, b) => a.concept.start - b.concept.start || a.concept.end - b.concept.end);
  return out;
}
