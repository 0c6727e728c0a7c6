/**
 * What the model components (`ner`, `transformer-ner`) share: the `link` option, the linker it
 * builds, and the concepts made from a model's mentions (type mapping, sentence and section, the
 * linked pack concept and the other candidates, evidence naming the component and the model).
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import type { Concept, ConceptCandidate } from '../../doc/types.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { packPath, readPack } from '../concepts/index.js';
import { type LinkCandidate, Linker } from './link.js';
import { MERGE_POLICIES } from './merge.js';

/** Least score of the best candidate for a mention to take its codes (tuned on NCBI dev, docs/ner.md). */
export const DEFAULT_LINK_THRESHOLD = 0.5;

export const LinkOption = Type.Union(
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
            description: 'Least trigram cosine of a fuzzy candidate; 0 = no fuzzy matching (default 0.7).',
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
);

export const MergeOption = Type.Union(
  MERGE_POLICIES.map((p) => Type.Literal(p)),
  {
    description:
      'How mentions combine with a `concepts` layer assigned before: model-only (default), model-first, dictionary-first, union.',
  },
);

type LinkOptionValue =
  | boolean
  | { pack?: string; threshold?: number; fuzzy?: number; maxCandidates?: number };

/** A mention of a model: a typed character span, with the model's probability when it gives one. */
export interface ModelMention {
  readonly start: number;
  readonly end: number;
  /** The model's entity type (`Disease`). */
  readonly type: string;
  readonly probability?: number;
  /** How the mention was made (an ensemble's votes), added to the evidence's detail. */
  readonly detail?: string;
}

/** Turns a model's mentions into concepts (see the module comment). */
export class MentionConcepts {
  private readonly linker: Linker | undefined;
  private readonly threshold: number;
  private readonly maxCandidates: number;

  /**
   * `types`: entity type -> concept type; `component`: the evidence's component; `model`:
   * `name@version`; `pack`: the component's `pack` option (the link's default pack).
   */
  constructor(
    ctx: FactoryContext,
    private readonly types: Readonly<Record<string, string>>,
    private readonly component: string,
    private readonly model: string,
    linkOption: LinkOptionValue | undefined,
    pack: string | undefined,
  ) {
    const link = linkOption === true ? {} : linkOption === false ? undefined : linkOption;
    this.linker = link
      ? new Linker(readPack(ctx, packPath(link.pack ?? pack)), DEFAULT_KEYS, {
          types: [...new Set(Object.values(types))],
          ...(link.fuzzy !== undefined ? { fuzzyCutoff: link.fuzzy } : {}),
          maxCandidates: (link.maxCandidates ?? 4) + 1,
        })
      : undefined;
    this.threshold = link?.threshold ?? DEFAULT_LINK_THRESHOLD;
    this.maxCandidates = link?.maxCandidates ?? 4;
  }

  /** The concept type of an entity type. */
  conceptType(entityType: string): string {
    return this.types[entityType] ?? entityType.toLowerCase();
  }

  /** Concepts of the mentions (sorted by start) of a Doc with `tokens`, `sentences` and `sections`. */
  concepts(doc: Doc, spans: readonly ModelMention[]): Concept[] {
    const sentences = doc.get('sentences');
    const tokens = doc.get('tokens');
    const mentions = spans.map((s) => ({ start: s.start, end: s.end, type: this.conceptType(s.type) }));
    const linked = this.linker?.linkAll(
      { text: doc.text, tokens, sentences, sections: doc.get('sections') },
      mentions,
    );
    const out: Concept[] = [];
    let k = 0;
    for (const [i, s] of spans.entries()) {
      while (k < tokens.length && (tokens[k] as { end: number }).end <= s.start) k++;
      const sentence = tokens[k]?.sentence ?? -1;
      const section = sentence >= 0 ? sentences[sentence]?.section : undefined;
      const text = doc.text.slice(s.start, s.end);
      const score = s.probability !== undefined ? Math.round(s.probability * 1000) / 1000 : 1;
      const found = linked?.[i] ?? [];
      const top = found[0] && found[0].score >= this.threshold ? found[0] : undefined;
      const others = (top ? found.slice(1) : found).slice(0, this.maxCandidates).map(asCandidate);
      out.push({
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
          component: this.component,
          rule: this.model,
          source: 'model',
          model: this.model,
          ...(this.linker || s.detail
            ? {
                detail: [
                  s.detail,
                  !this.linker
                    ? undefined
                    : top
                      ? `linked (${top.method}, score ${top.score}): ${top.rule}`
                      : found.length > 0
                        ? `not linked: best candidate ${found[0]?.score} below ${this.threshold}`
                        : 'not linked: no candidate',
                ]
                  .filter((d) => d !== undefined)
                  .join('; '),
              }
            : {}),
        },
      });
    }
    return out;
  }
}

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
