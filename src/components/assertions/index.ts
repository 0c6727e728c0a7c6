/**
 * The `assertions` component: ConText over every sentence that holds a concept. It re-assigns the
 * `concepts` layer with an `assertion` on each concept (status, categories and evidence: the cue,
 * the rule id and the scope, or the section default, or the default). See docs/assertions.md.
 *
 * The engine is usable without a pipeline:
 *
 *   const engine = defaultContextEngine();
 *   engine.assert('No fever or chills.', { start: 3, end: 8 });   // status 'absent'
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import type { Concept, Section, Sentence, Token } from '../../doc/types.js';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { fileResourceContext } from '../../resources.js';
import { lastStartingAtOrBefore } from '../../text/offsets.js';
import { ContextEngine, type ContextSentence, type SectionContext, type SectionLevel } from './engine.js';
import { DEFAULT_ASSERTION_RULES, loadCompiledRules } from './rules.js';
import { DEFAULT_CHRONIC_LEXICON, loadCompiledLexicon } from './temporality.js';
import type { Assertion } from './types.js';

export {
  type AssertOptions,
  ContextEngine,
  ContextSentence,
  type CueMatch,
  DEFAULT_RULE_ID,
  type SectionContext,
  type SectionLevel,
} from './engine.js';
export { checkRow, type Expect, type ExpectDetail, locate, mismatch, type TableRow } from './expect.js';
export {
  type AssertionRule,
  type AssertionRules,
  AssertionRulesSchema,
  assertionRulesJsonSchema,
  CompiledRules,
  DEFAULT_ASSERTION_RULES,
  DIRECTIONS,
  type Direction,
  loadAssertionRules,
  loadCompiledRules,
  type ParsedPattern,
  parsePattern,
  type SectionDefault,
} from './rules.js';
export { AssertionEvidenceSchema, AssertionSchema, TemporalityEvidenceSchema } from './schema.js';
export {
  type ChronicLexicon,
  ChronicLexiconSchema,
  CompiledLexicon,
  chronicLexiconJsonSchema,
  DEFAULT_CHRONIC_LEXICON,
  loadChronicLexicon,
  loadCompiledLexicon,
  TEMPORALITY_DEFAULT_RULE,
} from './temporality.js';
export {
  ASSERTION_CATEGORIES,
  type Assertion,
  type AssertionCategory,
  type AssertionEvidence,
  type AssertionStatus,
  statusOf,
  TEMPORALITIES,
  type Temporality,
  type TemporalityEvidence,
  type TextSpan,
} from './types.js';

/**
 * Build an engine from a rule file and a temporality lexicon read through a factory context
 * (default: the packaged files).
 */
export function loadContextEngine(
  ctx: FactoryContext,
  path = DEFAULT_ASSERTION_RULES,
  lexiconPath = DEFAULT_CHRONIC_LEXICON,
): ContextEngine {
  return new ContextEngine(loadCompiledRules(ctx, path), loadCompiledLexicon(ctx, lexiconPath));
}

let defaultEngine: ContextEngine | undefined;

/** The engine over the packaged rules (`resources/assertions/rules.json`), built once per process. */
export function defaultContextEngine(): ContextEngine {
  defaultEngine ??= loadContextEngine(fileResourceContext());
  return defaultEngine;
}

export const AssertionsOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Rule file, under resources/ or absolute (default ${DEFAULT_ASSERTION_RULES})`,
      }),
    ),
    chronic: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Temporality lexicon (chronic conditions, onset cues), under resources/ or absolute (default ${DEFAULT_CHRONIC_LEXICON})`,
      }),
    ),
    sectionDefaults: Type.Optional(
      Type.Boolean({
        description:
          'Apply the section defaults (family history -> FAMILY, past history -> HISTORICAL, allergies -> ALLERGY; default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

function sectionContext(doc: Doc, sections: readonly Section[], index: number): SectionContext {
  const levels: SectionLevel[] = [];
  let i = index;
  for (let guard = 0; guard < 8 && i >= 0 && i < sections.length; guard++) {
    const s = sections[i] as Section;
    levels.push({
      category: s.category,
      header: s.header
        ? { start: s.header.start, end: s.header.end, text: doc.text.slice(s.header.start, s.header.end) }
        : null,
      span: { start: s.start, end: s.end },
    });
    const parent = (s as { readonly parent?: number }).parent;
    if (parent === undefined || parent === i) break;
    i = parent;
  }
  return { levels };
}

/**
 * Assert every concept of a note (the component's work, usable on its own). Returns new concept
 * objects with `assertion`; the note is not changed.
 */
export function assertConcepts(
  doc: Doc,
  engine: ContextEngine,
  options: { sectionDefaults?: boolean } = {},
): Concept[] {
  const concepts = doc.maybe('concepts') ?? [];
  if (concepts.length === 0) return [];
  const tokens: readonly Token[] = doc.maybe('tokens') ?? [];
  const sentences: readonly Sentence[] = doc.maybe('sentences') ?? [];
  const sections: readonly Section[] = doc.maybe('sections') ?? [];
  const useSections = options.sectionDefaults !== false;

  const { from, to } = sentenceTokenRanges(tokens, sentences.length);

  type Prepared = { sentence: ContextSentence; section: SectionContext | undefined };
  const build = (a: number, b: number, sectionIndex: number): Prepared => {
    const context = sectionIndex >= 0 ? sectionContext(doc, sections, sectionIndex) : undefined;
    const names = context?.levels.map((l) => l.category);
    const sentence = engine.prepareTokens(doc.text, tokens, a, b, names ? { sections: names } : {});
    return { sentence, section: useSections ? context : undefined };
  };
  // sentences by index, lines (no sentence) by their start offset, keys read with their answer by
  // the key's sentence index
  const bySentence: (Prepared | undefined)[] = new Array(sentences.length);
  const byLine = new Map<number, Prepared>();
  const byKey = new Map<number, Prepared>();
  const prepare = (si: number, lineStart: number, a: number, b: number, sectionIndex: number) => {
    let p = si >= 0 ? bySentence[si] : byLine.get(lineStart);
    if (!p) {
      p = build(a, b, sectionIndex);
      if (si >= 0) bySentence[si] = p;
      else byLine.set(lineStart, p);
    }
    return p;
  };
  const prepareKey = (si: number, a: number, b: number, sectionIndex: number): Prepared => {
    let p = byKey.get(si);
    if (!p) {
      p = build(a, b, sectionIndex);
      byKey.set(si, p);
    }
    return p;
  };

  return concepts.map((c) => {
    const { sentence: si, section: sectionIndex } = conceptPlace(c, sentences, sections);
    const sentence = si >= 0 ? sentences[si] : undefined;
    let p: { sentence: ContextSentence; section: SectionContext | undefined };
    if (sentence && (from[si] as number) >= 0) {
      // a key that ends its sentence (`Smoking:`, often taken for a header) or a question is read
      // with its answer when the answer is the rest of its line (`Smoking: None`): `neg.key-value`
      // and `neg.question-answer` can reach it
      const answer = answerOf(doc.text, tokens, sentences, from, to, si);
      p =
        answer >= 0
          ? prepareKey(si, from[si] as number, to[answer] as number, sectionIndex)
          : prepare(si, -1, from[si] as number, to[si] as number, sectionIndex);
    } else {
      // no sentence: the line holding the concept
      const lineStart = doc.text.lastIndexOf('\n', Math.max(0, c.start - 1)) + 1;
      const nl = doc.text.indexOf('\n', c.end);
      const lineEnd = nl < 0 ? doc.text.length : nl;
      let a = lastStartingAtOrBefore(tokens, lineStart - 1) + 1;
      while (a < tokens.length && (tokens[a] as Token).start < lineStart) a++;
      let b = a;
      while (b < tokens.length && (tokens[b] as Token).end <= lineEnd) b++;
      p = prepare(-1, lineStart, a, b, sectionIndex);
    }
    const assertion = p.sentence.assert(
      { start: c.start, end: c.end },
      p.section ? { type: c.type, section: p.section } : { type: c.type },
    );
    // Object.assign, not a spread: concepts come in many shapes, and a spread of them is slow
    const out = Object.assign({}, c) as { assertion?: Assertion };
    out.assertion = assertion;
    return out as Concept;
  });
}

export const assertionsComponent = defineComponent({
  name: 'assertions',
  version: '1.2.0',
  description:
    'ConText assertions on every concept: negated, possible, hypothetical, historical, family, conditional, allergy, and the temporality (recent / historical / hypothetical onset), with the cue, rule and scope as evidence.',
  requires: ['normalized', 'sections', 'sentences', 'tokens', 'concepts'],
  assigns: ['concepts.assertion'],
  options: AssertionsOptionsSchema,
  create(options, ctx) {
    const engine = loadContextEngine(
      ctx,
      options.rules ?? DEFAULT_ASSERTION_RULES,
      options.chronic ?? DEFAULT_CHRONIC_LEXICON,
    );
    const sectionDefaults = options.sectionDefaults !== false;
    return (doc) => {
      doc.set('concepts', assertConcepts(doc, engine, { sectionDefaults }));
    };
  },
});

const ONE_WORD_ANSWERS = new Set([
  'no',
  'none',
  'negative',
  'neg',
  'denies',
  'denied',
  'never',
  'absent',
  'nil',
]);

/**
 * The sentence after sentence `si` when `si` is a key ending in a colon (or a question) and that
 * sentence is its answer: it starts on the same line and ends the line, or it is one word (`Smoking: None`, `HIV:
 * Negative`, `Any chest pain? No.`, where the sectionizer or the sentence splitter cut after the
 * colon); -1 otherwise.
 */
function answerOf(
  text: string,
  tokens: readonly Token[],
  sentences: readonly Sentence[],
  from: Int32Array,
  to: Int32Array,
  si: number,
): number {
  const next = si + 1;
  if (next >= sentences.length) return -1;
  const last = (to[si] as number) - 1;
  const a = from[next] as number;
  const b = to[next] as number;
  if (last < 0 || a < 0 || a !== last + 1) return -1;
  const mark = (tokens[last] as Token).norm;
  if (mark !== ':' && mark !== '?') return -1;
  const colonEnd = (tokens[last] as Token).end;
  const answerStart = (tokens[a] as Token).start;
  for (let p = colonEnd; p < answerStart; p++) if (text.charCodeAt(p) === 10) return -1;
  // a one-word answer (`No.`), or an answer that ends its line
  if (b - a <= 2 && ONE_WORD_ANSWERS.has((tokens[a] as Token).norm.toLowerCase())) return next;
  const answerEnd = (tokens[b - 1] as Token).end;
  for (let p = answerEnd; p < text.length; p++) {
    const ch = text.charCodeAt(p);
    if (ch === 10) break;
    if (ch !== 32 && ch !== 9 && ch !== 13) return -1;
  }
  return next;
}

/**
 * The sentence and the section a concept lies in (indexes, -1 for none): its own `sentence` and
 * `section` when set, else the last one starting at or before it that also covers its end.
 */
export function conceptPlace(
  c: Concept,
  sentences: readonly Sentence[],
  sections: readonly Section[],
): { sentence: number; section: number } {
  let si = c.sentence ?? -1;
  if (si < 0 || si >= sentences.length) {
    const k = lastStartingAtOrBefore(sentences, c.start);
    si = k >= 0 && (sentences[k] as Sentence).end >= c.end ? k : -1;
  }
  let section = c.section ?? (si >= 0 ? (sentences[si] as Sentence).section : undefined) ?? -1;
  if (section < 0 && sections.length > 0) {
    const k = lastStartingAtOrBefore(sections, c.start);
    section = k >= 0 && (sections[k] as Section).end >= c.end ? k : -1;
  }
  return { sentence: si, section };
}

/** The token range `[from[s], to[s])` of each sentence `s` (-1 for a sentence without tokens). */
export function sentenceTokenRanges(
  tokens: readonly Token[],
  sentenceCount: number,
): { from: Int32Array; to: Int32Array } {
  const from = new Int32Array(sentenceCount).fill(-1);
  const to = new Int32Array(sentenceCount).fill(-1);
  tokens.forEach((t, i) => {
    const s = t.sentence;
    if (s < 0 || s >= sentenceCount) return;
    if (from[s] === -1) from[s] = i;
    to[s] = i + 1;
  });
  return { from, to };
}
