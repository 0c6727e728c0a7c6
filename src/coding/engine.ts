/**
 * The coder: from the concepts of a note (with their assertions and modifiers) to a short, ranked,
 * sequenced list of ICD-10-CM codes, each with its evidence. Steps (rule ids in brackets; the
 * guideline sections are in resources/coding/rules.json):
 *
 * 1. the assertion of each problem decides what is coded (statuses): negated, hypothetical and
 *    conditional mentions never are; family -> family history through the Index (Z80-Z84);
 *    historical -> personal history through the Index (Z85-Z87), or the condition itself when it is
 *    chronic; uncertain -> coded as established (inpatient) or a review item (outpatient);
 * 2. candidates: the concept's own ICD-10-CM code [source.concept] and the Alphabetic Index entry
 *    of the mention [source.index], combination entries under `with` absorbing the other mention
 *    [combination.with], the Index's manifestation pair [manifestation.pair];
 * 3. specificity from the note (children, laterality, 7th character) [specificity.*]; codes not
 *    valid in the fiscal year are dropped [valid.fiscal-year]; incomplete ones become review items;
 * 4. symptoms integral to a coded definitive diagnosis are dropped [symptom.integral, integral.*];
 *    Excludes1 pairs are resolved [excludes1.pair];
 * 5. principal-diagnosis candidates [principal.candidate], then sequence with the `code first` and
 *    `use additional code` notes [sequence.*].
 *
 * It never reads note text into logs; it is pure (same input, same output).
 */
import type { Concept, Section, Sentence } from '../doc/types.js';
import type { HccMap } from './hcc.js';
import { IndexLookup, type LinkedCondition, type LookupHit } from './lookup.js';
import type { CodingPack } from './pack.js';
import type { CandidateSignals, CodeRanker } from './ranker.js';
import type { CodingRules } from './rules.js';
import type { CodeItem } from './schema.js';
import { specify } from './specificity.js';
import { TableLookup } from './tables.js';
import { contentKeys } from './words.js';

export type CareSetting = 'inpatient' | 'outpatient';

export interface CoderOptions {
  /** Care setting (uncertain diagnoses): default outpatient. */
  readonly setting?: CareSetting;
  /** Component name and version for evidence (`coding@1.0.0`). */
  readonly component?: string;
  /** CMS-HCC categories. */
  readonly hcc?: HccMap | null;
  /** The learned ranker: its calibrated probability is the score and decides what is kept. */
  readonly ranker?: CodeRanker | null;
}

/** A candidate code of a note with what the ranker reads, before any threshold (training data). */
export interface CollectedCandidate {
  readonly signals: CandidateSignals;
  /** Concepts (indices) whose mentions support it. */
  readonly concepts: readonly number[];
}

export interface CoderInput {
  readonly text: string;
  readonly concepts: readonly Concept[];
  readonly sentences?: readonly Sentence[];
  readonly sections?: readonly Section[];
  /** Per-note setting (from the note type), overriding the option. */
  readonly setting?: CareSetting;
}

interface Candidate {
  code: string;
  title: string;
  billable: boolean;
  score: number;
  concepts: Set<number>;
  rules: string[];
  indexPath?: string;
  review?: 'uncertain' | 'needs-specificity';
  /** Manifestation codes go after their etiology. */
  after?: string;
  firstOffset: number;
  inPrincipalSection: boolean;
  /** What the ranker reads (filled by `add`). */
  mentions: number;
  statuses: Set<string>;
  sections: Set<string>;
  coverage: number;
  conceptScore: number;
  /** Spans of the note's own words that carry the code where no concept does (the tables' scan). */
  textSpans?: { start: number; end: number }[];
  /** Another complete code of a candidate's category (`source.sibling`), for the ranker. */
  sibling?: boolean;
  /** The other source's code where concept and Index disagree (`source.alternative`), for the ranker. */
  alternative?: boolean;
}

type NewCandidate = Omit<
  Candidate,
  'firstOffset' | 'inPrincipalSection' | 'mentions' | 'statuses' | 'sections' | 'coverage' | 'conceptScore'
> & { coverage?: number };

const PROBLEM_TYPES = new Set(['problem']);

/** A sentence with these words is never read for table codes without a concept (doubt, history, relatives). */
const TEXT_BLOCKERS =
  /\b(?:if|rule out|r\/o|ruled|possible|possibly|probable|probably|suspected|suspicion|suspicious|concern|concerning|risk|may|might|could|questionable|history|hx|family|mother|father|sister|brother|aunt|uncle|grandmother|grandfather|son|daughter|screening|evaluate|evaluation|cannot|unlikely|versus|vs)\b|\?/i;

/** One table view per pack (built on first use). */
const tableLookups = new WeakMap<CodingPack, TableLookup>();
function tablesOf(pack: CodingPack): TableLookup {
  let t = tableLookups.get(pack);
  if (!t) {
    t = new TableLookup(pack);
    tableLookups.set(pack, t);
  }
  return t;
}

const compiledRanges = new WeakMap<readonly string[], readonly (readonly [string, string])[]>();

/** Whether a code falls in one of the ranges (`R00-R99`, `E11`); the ranges are parsed once. */
function hasRange(ranges: readonly string[], code: string): boolean {
  let rs = compiledRanges.get(ranges);
  if (!rs) {
    rs = ranges.map((r) => {
      const u = r.replace(/\./g, '');
      const d = u.indexOf('-');
      return d < 0 ? ([u, u] as const) : ([u.slice(0, d), u.slice(d + 1)] as const);
    });
    compiledRanges.set(ranges, rs);
  }
  const c = code.replace('.', '').toUpperCase();
  for (const [from, to] of rs)
    if (c.slice(0, from.length) >= from && c.slice(0, to.length) <= to) return true;
  return false;
}

function pushRule(rules: string[], ...ids: string[]): void {
  for (const id of ids) if (!rules.includes(id)) rules.push(id);
}

export class Coder {
  readonly pack: CodingPack;
  readonly rules: CodingRules;
  readonly lookup: IndexLookup;
  /** The Neoplasm Table and the Table of Drugs of the pack (none when the pack lacks them). */
  readonly tables: TableLookup;
  readonly #options: CoderOptions;
  readonly #episodeSubsequent: RegExp;
  readonly #episodeSequela: RegExp;
  /** The Index's negation cues as one pattern (the tables' scan of a sentence's own words). */
  readonly #negationCue: RegExp;
  readonly #symptomRange: readonly string[];
  readonly #synonyms: readonly (readonly [string, string, readonly string[]])[];
  readonly #uncodedSources: ReadonlySet<string>;
  readonly #familyRange: readonly string[];
  readonly #personalRange: readonly string[];

  constructor(pack: CodingPack, rules: CodingRules, options: CoderOptions = {}, lookup?: IndexLookup) {
    this.pack = pack;
    this.rules = rules;
    this.lookup = lookup ?? new IndexLookup(pack, rules.index.preferredMainTerms);
    this.tables = tablesOf(pack);
    this.#options = options;
    const alt = (cues: readonly string[]) =>
      new RegExp(`\\b(?:${cues.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');
    this.#episodeSubsequent = alt(rules.episode.subsequent);
    this.#episodeSequela = alt(rules.episode.sequela);
    // no cue: a pattern that never matches (an empty alternation would match at every word)
    this.#negationCue = rules.index.negationCues.length > 0 ? alt(rules.index.negationCues) : /(?!)/;
    this.#symptomRange = [rules.symptoms.range];
    this.#synonyms = Object.entries(rules.index.synonyms).map(([w, k]) => [w, ` ${w} `, k] as const);
    this.#uncodedSources = new Set(rules.concepts.uncodedSources ?? []);
    this.#familyRange = [rules.history.familyRange];
    this.#personalRange = [rules.history.personalRange];
  }

  get packLabel(): string {
    return `icd10cm-FY${this.pack.fiscalYear}@${this.pack.version}`;
  }

  code(input: CoderInput): CodeItem[] {
    return this.#run(input, false).items;
  }

  /**
   * Every candidate code the rules allow for the note (safety rules applied: never negated, family
   * or hypothetical mentions), after the guideline conventions and before any threshold, with the
   * ranker's signals; the concept and Index codes are both kept when they disagree. For training.
   */
  collect(input: CoderInput): CollectedCandidate[] {
    return this.#run(input, true).collected;
  }

  #run(input: CoderInput, collecting: boolean): { items: CodeItem[]; collected: CollectedCandidate[] } {
    const ranker = collecting ? null : (this.#options.ranker ?? null);
    const widen = collecting || ranker !== null;
    const setting = input.setting ?? this.#options.setting ?? 'outpatient';
    const { text, concepts } = input;
    const sentences = input.sentences ?? [];
    const sections = input.sections ?? [];
    const policy = new Map(this.rules.statuses.map((s) => [s.status, s]));
    const principalSections = new Set(this.rules.principal.sections);

    // negated mentions' spans are blanked out of the sentence context
    const negated = concepts.filter((c) => c.assertion?.status === 'absent');
    const contextCache = new Map<number, ReadonlySet<string>>();
    const contextOf = (c: Concept): Set<string> => {
      const cached = c.sentence !== undefined ? contextCache.get(c.sentence) : undefined;
      if (cached) return new Set(cached);
      const made = contextUncached(c);
      if (c.sentence !== undefined) contextCache.set(c.sentence, new Set(made));
      return made;
    };
    const contextUncached = (c: Concept): Set<string> => {
      const s = c.sentence !== undefined ? sentences[c.sentence] : undefined;
      const start = s?.start ?? c.start;
      let end = s?.end ?? c.end;
      // a sentence cut short by a number the splitter took for a list marker (`stage 3.`)
      const eol = text.indexOf('\n', end);
      const lineEnd = eol < 0 ? text.length : eol;
      if (lineEnd - end <= 12) end = lineEnd;
      // a list marker (`2.`) is not a stage or a type
      let t = text
        .slice(start, end)
        .replace(
          /^(\s*)(\d{1,2}[.)])(\s)/,
          (_m, a: string, b: string, c: string) => a + ' '.repeat(b.length) + c,
        );
      for (const n of negated) {
        if (n.end <= start || n.start >= end) continue;
        const a = Math.max(0, n.start - start);
        const b = Math.min(t.length, n.end - start);
        t = t.slice(0, a) + ' '.repeat(b - a) + t.slice(b);
      }
      return new Set(contentKeys(t));
    };
    const sentenceText = (c: Concept): string => {
      const s = c.sentence !== undefined ? sentences[c.sentence] : undefined;
      return s ? text.slice(s.start, s.end) : text.slice(c.start, c.end);
    };

    // what each problem mention is, given its assertion and the setting
    interface Plan {
      readonly i: number;
      readonly c: Concept;
      readonly action: 'code' | 'review' | 'family-history' | 'personal-history';
      readonly rule?: string;
      readonly fallback?: string;
    }
    const plans: Plan[] = [];
    for (let i = 0; i < concepts.length; i++) {
      const c = concepts[i]!;
      if (!PROBLEM_TYPES.has(c.type)) continue;
      if (this.#ambiguousAbbreviation(c)) continue; // [concept.ambiguous-abbreviation]
      if (this.#uncodedOnPurpose(c)) continue; // [concept.uncoded-on-purpose]
      const status = c.assertion?.status ?? 'present';
      if (status === 'present') {
        plans.push({ i, c, action: 'code' });
        continue;
      }
      const p = policy.get(status);
      if (!p) continue; // a status the rules do not know is never coded
      const action = setting === 'inpatient' ? p.inpatient : p.outpatient;
      if (action === 'drop') continue;
      const rule = status === 'possible' && action === 'code' ? 'uncertain.inpatient' : p.rule;
      plans.push({ i, c, action, rule, ...(p.fallback ? { fallback: p.fallback } : {}) });
    }

    // conditions a `with` subterm may combine with: the affirmed ones coded as the patient's
    const linkable: LinkedCondition[] = plans
      .filter((p) => p.action === 'code')
      .map((p) => ({
        id: p.i,
        keys: new Set([...contentKeys(p.c.text), ...contentKeys(p.c.preferred ?? '')]),
      }));

    const cands = new Map<string, Candidate>();
    const absorbed = new Map<number, string>(); // concept -> the combination code that absorbed it
    const w = this.rules.scores;

    const add = (cand: NewCandidate, c: Concept) => {
      const key = `${cand.review ?? 'code'}|${cand.code}`;
      const category = c.section !== undefined ? sections[c.section]?.category : undefined;
      const inPrincipal = principalSections.has(category ?? '');
      const prev = cands.get(key);
      const status = c.assertion?.status ?? 'present';
      const cs = Math.min(1, c.score);
      if (!prev) {
        cands.set(key, {
          ...cand,
          firstOffset: c.start,
          inPrincipalSection: inPrincipal,
          mentions: 1,
          statuses: new Set([status]),
          sections: new Set(category ? [category] : []),
          coverage: cand.coverage ?? 0,
          conceptScore: cs,
        });
        return;
      }
      if (!cand.alternative) prev.alternative = false;
      prev.mentions++;
      prev.statuses.add(status);
      if (category) prev.sections.add(category);
      prev.coverage = Math.max(prev.coverage, cand.coverage ?? 0);
      prev.conceptScore = Math.max(prev.conceptScore, cs);
      // another mention of the same code: noisy-or of the scores
      prev.score = 1 - (1 - prev.score) * (1 - cand.score);
      for (const x of cand.concepts) prev.concepts.add(x);
      pushRule(prev.rules, ...cand.rules);
      prev.inPrincipalSection ||= inPrincipal;
      if (cand.textSpans) prev.textSpans = [...(prev.textSpans ?? []), ...cand.textSpans];
      if (!prev.indexPath && cand.indexPath) prev.indexPath = cand.indexPath;
    };

    for (const plan of plans) {
      const { c, i } = plan;
      const mention = contentKeys(c.text);
      const preferred = c.preferred ? contentKeys(c.preferred) : [];
      const context = contextOf(c);
      for (const k of mention) context.add(k);
      // the Index's words for the note's (`cancer` -> `malignant neoplasm`), as subterm context
      const lower = ` ${c.text.toLowerCase()} `;
      for (const [word, spaced, keys] of this.#synonyms) {
        if (lower.includes(spaced) || mention.includes(word)) for (const k of keys) context.add(k);
      }
      const stated = this.#statesLink(sentenceText(c)) ? context : undefined;
      const others = linkable.filter((l) => l.id !== i);
      const sentence = sentenceText(c);
      const episode = this.#episodeSequela.test(sentence)
        ? 'sequela'
        : this.#episodeSubsequent.test(sentence)
          ? 'subsequent'
          : 'initial';
      const lat = c.modifiers?.laterality?.value;
      const specCtx = { keys: context, episode, ...(lat ? { laterality: lat } : {}) } as const;
      const baseRules: string[] = plan.rule ? [plan.rule] : [];

      const ownCode = c.codes.find((x) => x.system === 'icd10cm')?.code;
      if (
        plan.action === 'personal-history' &&
        ownCode &&
        hasRange(this.rules.history.historyCodes, ownCode)
      ) {
        const spec = specify(this.pack, ownCode, specCtx);
        const info = this.pack.info(spec.code);
        if (info.valid && spec.billable)
          add(
            {
              code: info.code,
              title: info.title,
              billable: true,
              score: Math.min(1, w.concept * Math.min(1, c.score)),
              concepts: new Set([i]),
              rules: [...baseRules, 'history.code', 'source.concept', ...spec.rules],
            },
            c,
          );
        continue;
      }
      if (plan.action === 'family-history' || plan.action === 'personal-history') {
        const fam = plan.action === 'family-history';
        const path = fam ? this.rules.history.family : this.rules.history.personal;
        const range = fam ? this.#familyRange : this.#personalRange;
        const input = { mention, context };
        let hit = this.lookup.lookupUnder(path, input);
        if ((!hit || hit.coverage < w.minCoverage) && preferred.length > 0)
          hit = this.lookup.lookupUnder(path, {
            mention: preferred,
            context: new Set([...preferred, ...context]),
          });
        if (hit && hit.coverage < w.minCoverage) hit = null;
        // the concept may itself be the history code (`family history of colon cancer`)
        const ownHistory = c.codes.find((x) => x.system === 'icd10cm' && hasRange(range, x.code));
        if (ownHistory && (!hit || !hasRange(range, hit.code))) {
          const spec = specify(this.pack, ownHistory.code, specCtx);
          const info = this.pack.info(spec.code);
          if (info.valid && spec.billable) {
            add(
              {
                code: info.code,
                title: info.title,
                billable: true,
                score: Math.min(1, w.concept * Math.min(1, c.score)),
                concepts: new Set([i]),
                rules: [...baseRules, 'source.concept', ...spec.rules],
              },
              c,
            );
            continue;
          }
        }
        if (hit && hasRange(range, hit.code)) {
          const spec = specify(this.pack, hit.code, specCtx);
          const info = this.pack.info(spec.code);
          if (info.valid) {
            add(
              {
                code: info.code,
                title: info.title,
                billable: spec.billable,
                score: Math.min(1, w.index * Math.max(hit.coverage, 0.5) + w.agree),
                concepts: new Set([i]),
                rules: [
                  ...baseRules,
                  'source.index',
                  ...spec.rules,
                  ...(spec.billable ? [] : ['specificity.needed']),
                ],
                indexPath: hit.path.join(' > '),
                coverage: hit.coverage,
                ...(spec.billable ? {} : { review: 'needs-specificity' as const }),
              },
              c,
            );
          }
          continue;
        }
        // no history entry: a chronic condition is still the patient's, else not coded
        if (!(plan.fallback === 'code-if-chronic' && (isChronic(c) || this.#chronicCode(c)))) continue;
        baseRules.push('history.chronic');
      }

      // the concept's own code and the Index entry of the mention
      const own = c.codes.find((x) => x.system === 'icd10cm');
      const links = { linked: others, ...(stated ? { stated } : {}) };
      let hit: LookupHit | null = this.lookup.lookup({ mention, context, ...links });
      if (preferred.length > 0 && (!hit || hit.coverage < 1)) {
        const alt = this.lookup.lookup({ mention: preferred, context, ...links });
        if (alt && (!hit || alt.coverage > hit.coverage)) hit = alt;
      }
      if (hit && hit.coverage < w.minCoverage && hit.linked.length === 0) hit = null;
      if (hit && hit.linked.length === 0) {
        // a subterm stated by another affirmed condition of the sentence is a combination with it
        const mine = new Set(mention);
        const extra = hit.used.filter((k) => !mine.has(k));
        const by = others.filter(
          (o) =>
            concepts[o.id]!.sentence === c.sentence &&
            extra.some((k) => o.keys.has(k)) &&
            !hasRange(
              this.rules.principal.notPrincipal,
              concepts[o.id]!.codes.find((x) => x.system === 'icd10cm')?.code ?? 'A00',
            ),
        );
        if (by.length > 0) hit = { ...hit, linked: by.map((o) => o.id) };
      }

      interface Choice {
        code: string;
        score: number;
        rules: string[];
        indexPath?: string;
        manif?: string;
        linked?: readonly number[];
        coverage?: number;
      }
      const choices: Choice[] = [];
      if (own) {
        choices.push({
          code: own.code,
          score: w.concept * Math.min(1, c.score) * Math.min(1, own.score || 1),
          rules: ['source.concept'],
        });
      }
      if (hit) {
        const hrules = ['source.index'];
        if (hit.via.length > 0) hrules.push('index.see');
        if (hit.linked.length > 0) hrules.push('combination.with');
        choices.push({
          code: hit.code,
          score: w.index * hit.coverage + (hit.linked.length > 0 ? w.agree : 0),
          rules: hrules,
          indexPath: hit.path.join(' > '),
          ...(hit.manif ? { manif: hit.manif } : {}),
          linked: hit.linked,
          coverage: hit.coverage,
        });
      }
      // the Neoplasm Table, by site and behaviour [source.neoplasm-table, neoplasm.*] (I.C.2): only
      // for a mention coded as the patient's (or for review), never a history or family mention
      let table: Choice | null = null;
      if ((plan.action === 'code' || plan.action === 'review') && this.tables.hasNeoplasm) {
        const s = c.sentence !== undefined ? sentences[c.sentence] : undefined;
        const after = text.slice(c.end, Math.max(c.end, Math.min(s?.end ?? c.end, c.end + 80)));
        const t = this.tables.neoplasm(c.text, after);
        if (t) {
          const cat = (x: string) => x.replace('.', '').slice(0, 3);
          const code = t.code.replace(/-+$/, '');
          const agrees = choices.some((x) => cat(x.code) === cat(code));
          table = {
            code,
            score: Math.min(1, w.index + (agrees ? w.agree : 0)),
            rules: [
              ...(own && cat(own.code) === cat(code) ? ['source.concept'] : []),
              'source.neoplasm-table',
              t.rule,
            ],
            indexPath: t.path,
            coverage: 1,
          };
        }
      }
      if (choices.length === 0 && !table) continue;
      // both: agreement on the category is a bonus; the more specific code of the two is kept
      let pick: Choice;
      if (choices.length === 2) {
        const [a, b] = choices as [Choice, Choice];
        const cat = (x: string) => x.replace('.', '').slice(0, 3);
        if (cat(a.code) === cat(b.code)) {
          const spec = (x: string) => x.replace(/[-.]/g, '').length;
          const winner = spec(b.code) >= spec(a.code) ? b : a;
          pick = {
            ...winner,
            score: Math.min(1, Math.max(a.score, b.score) + w.agree),
            rules: ['source.concept', ...b.rules],
          };
        } else {
          // the Index is where a code is located (I.B.1): an entry covering the whole mention wins
          const full = hit !== null && hit.coverage >= 1;
          pick = full || b.score > a.score || (b.linked?.length ?? 0) > 0 ? b : a;
        }
      } else pick = table ?? choices[0]!;
      // the table's code, where site and behaviour are both clear, is where the Index sends a
      // neoplasm (`Carcinoma - see Neoplasm, by site, malignant`)
      if (table) pick = table;
      const emit = (pick: Choice, alternative = false): void => {
        // the words of the Index entry followed count as stated (`leg` -> see `lower limb`)
        const pathKeys = pick.indexPath ? contentKeys(pick.indexPath) : [];
        const spec = specify(this.pack, pick.code, { ...specCtx, keys: new Set([...context, ...pathKeys]) });
        const info = this.pack.info(spec.code);
        if (!info.valid) return; // [valid.fiscal-year]: not a code of this year
        const unspecifiedDefault = spec.rules.includes('specificity.unspecified-default');
        const score = Math.max(0, Math.min(1, pick.score - (unspecifiedDefault ? w.unspecified : 0)));
        const review =
          plan.action === 'review'
            ? ('uncertain' as const)
            : spec.billable
              ? undefined
              : ('needs-specificity' as const);
        const rules = [...baseRules, ...pick.rules, ...spec.rules];
        if (!spec.billable) pushRule(rules, 'specificity.needed');
        add(
          {
            code: info.code,
            title: info.title,
            billable: spec.billable,
            score,
            concepts: new Set([i, ...(pick.linked ?? [])]),
            rules,
            ...(pick.indexPath ? { indexPath: pick.indexPath } : {}),
            ...(review ? { review } : {}),
            ...(pick.coverage !== undefined ? { coverage: pick.coverage } : {}),
            ...(alternative ? { alternative } : {}),
          },
          c,
        );
        if (alternative) return;
        if (!review) for (const l of pick.linked ?? []) absorbed.set(l, info.code);
        if (pick.manif && !review) {
          const m = specify(this.pack, pick.manif, specCtx);
          const mi = this.pack.info(m.code);
          if (mi.valid && m.billable)
            add(
              {
                code: mi.code,
                title: mi.title,
                billable: true,
                score,
                concepts: new Set([i]),
                rules: [...baseRules, 'source.index', 'manifestation.pair', ...m.rules],
                ...(pick.indexPath ? { indexPath: pick.indexPath } : {}),
                after: info.code,
              },
              c,
            );
        }
      };
      emit(pick);
      // for the ranker, the other source's code of another category is a candidate too
      // [source.alternative], only when the Index entry came from the mention's own words (no
      // sentence context such as `family`, no combination) and the mention is coded as such
      if (widen && plan.action === 'code' && hit && hit.linked.length === 0) {
        const own = new Set([...mention, ...preferred]);
        const cat = (x: string) => x.replace('.', '').slice(0, 3);
        const other = choices.find((x) => cat(x.code) !== cat(pick.code));
        if (other && !table && hit.used.every((k) => own.has(k)))
          emit({ ...other, rules: [...other.rules, 'source.alternative'], linked: [] }, true);
      }
    }

    // the Table of Drugs [source.drug-table, drug.*] (I.C.19.e): a substance mention affirmed as
    // the patient's, with an adverse effect, poisoning or underdosing cue beside it
    if (this.tables.hasDrugs) {
      for (let i = 0; i < concepts.length; i++) {
        const c = concepts[i]!;
        if ((c.assertion?.status ?? 'present') !== 'present' || this.#ambiguousAbbreviation(c)) continue;
        const s = c.sentence !== undefined ? sentences[c.sentence] : undefined;
        const start = Math.min(s?.start ?? c.start, c.start);
        const end = Math.max(s?.end ?? c.end, c.end);
        const t = this.tables.drugMention(
          c.text,
          text.slice(start, c.start),
          text.slice(c.end, end),
          text.slice(start, end),
          c.preferred,
        );
        if (!t) continue;
        const sentence = text.slice(start, end);
        const episode = this.#episodeSequela.test(sentence)
          ? 'sequela'
          : this.#episodeSubsequent.test(sentence)
            ? 'subsequent'
            : 'initial';
        const spec = specify(this.pack, t.code, { keys: new Set(contentKeys(sentence)), episode });
        const info = this.pack.info(spec.code);
        if (!info.valid || !spec.billable) continue; // [valid.fiscal-year]
        add(
          {
            code: info.code,
            title: info.title,
            billable: true,
            score: Math.min(1, w.index * Math.min(1, c.score || 1) + w.agree),
            concepts: new Set([i]),
            rules: ['source.drug-table', t.rule, ...spec.rules],
            indexPath: t.path,
            coverage: 1,
          },
          c,
        );
      }
    }
    // the tables from a sentence's own words where no concept carries them (`adverse reaction to
    // penicillin`, `metastatic disease to the liver`), only in a sentence that states nothing
    // against them: no negation, doubt, history or relative, no concept of another status there
    if ((this.tables.hasDrugs || this.tables.hasNeoplasm) && sentences.length > 0) {
      for (let si = 0; si < sentences.length; si++) {
        const s = sentences[si]!;
        const st = text.slice(s.start, s.end);
        if (!/metasta|adverse|side effect|overdos|poisoning|toxicity|ingestion|underdos/i.test(st)) continue;
        if (TEXT_BLOCKERS.test(st)) continue;
        if (this.#negationCue.test(st)) continue;
        for (const f of this.tables.scan(st)) {
          const start = s.start + f.start;
          const end = s.start + f.end;
          const inside = concepts.filter((c) => c.start < end && c.end > start);
          if (inside.some((c) => (c.assertion?.status ?? 'present') !== 'present')) continue;
          const episode = this.#episodeSequela.test(st)
            ? 'sequela'
            : this.#episodeSubsequent.test(st)
              ? 'subsequent'
              : 'initial';
          const spec = specify(this.pack, f.hit.code.replace(/-+$/, ''), {
            keys: new Set(contentKeys(st)),
            episode,
          });
          const info = this.pack.info(spec.code);
          if (!info.valid || !spec.billable) continue; // [valid.fiscal-year]
          const drug = f.hit.rule.startsWith('drug.');
          const section = sections.findIndex((x) => x.start <= start && start < x.end);
          const at = { start, end, score: 1, ...(section >= 0 ? { section } : {}) } as unknown as Concept;
          add(
            {
              code: info.code,
              title: info.title,
              billable: true,
              score: Math.min(1, w.index),
              concepts: new Set(),
              rules: [drug ? 'source.drug-table' : 'source.neoplasm-table', f.hit.rule, ...spec.rules],
              indexPath: f.hit.path,
              coverage: 1,
              textSpans: [{ start, end }],
            },
            at,
          );
        }
      }
    }

    // a mention absorbed by a combination code loses its separate code [combination.with]
    let list = [...cands.values()];
    // unless the combination code asks for it with "use additional code" (CKD stage with I12)
    list = list.filter((k) => {
      if (k.review || k.concepts.size === 0) return true; // the tables' scan: no concept to absorb
      return [...k.concepts].some((x) => {
        const by = absorbed.get(x);
        if (by === undefined || by === k.code) return true;
        if (this.pack.noteCovers(by, 'useAdditionalCode', k.code)) return true;
        return false;
      });
    });

    const suggested = () => list.filter((k) => !k.review);
    const isSymptom = (code: string) => hasRange(this.#symptomRange, code);
    const definitive = (code: string) => !hasRange(this.rules.principal.notPrincipal, code);

    // symptoms integral to a coded definitive diagnosis [symptom.integral]
    const drop = new Set<Candidate>();
    const current = suggested();
    const asSymptom = new Map(
      current.map((k) => [k, this.rules.symptoms.integral.filter((e) => hasRange(e.symptoms, k.code))]),
    );
    const asDiagnosis = new Map(
      current.map((k) => [
        k,
        definitive(k.code) ? this.rules.symptoms.integral.filter((e) => hasRange(e.diagnoses, k.code)) : [],
      ]),
    );
    for (const s of current) {
      const sym = asSymptom.get(s)!;
      if (sym.length === 0) continue;
      for (const d of current) {
        if (d === s) continue;
        const entry = asDiagnosis.get(d)!.find((e) => sym.includes(e));
        if (entry && s.code !== d.code && !hasRange(entry.diagnoses, s.code)) {
          drop.add(s);
          pushRule(d.rules, this.rules.symptoms.rule, entry.id);
          break;
        }
      }
    }
    list = list.filter((k) => !drop.has(k));

    // the ranker's view of each candidate; with a ranker its probability is the score from here on
    const collected: CollectedCandidate[] = [];
    if (widen) {
      const noteKeys = new Set(contentKeys(text));
      // the other complete codes of each candidate's category [source.sibling]
      for (const k of suggested()) {
        if (k.sibling) continue;
        for (const leaf of this.#siblings(k.code, noteKeys)) {
          if (cands.has(`code|${leaf.code}`)) continue;
          const sib: Candidate = {
            ...k,
            code: leaf.code,
            title: leaf.title,
            billable: true,
            concepts: new Set(k.concepts),
            rules: [
              ...k.rules.filter((r) => r.startsWith('source.') || r.startsWith('assert.')),
              'source.sibling',
            ],
            statuses: new Set(k.statuses),
            sections: new Set(k.sections),
            sibling: true,
          };
          delete sib.indexPath;
          delete sib.after;
          cands.set(`code|${leaf.code}`, sib);
          list.push(sib);
        }
      }
      const open = suggested();
      for (const k of open) {
        const signals = this.#signals(k, noteKeys, text.length, open.length);
        if (collecting) collected.push({ signals, concepts: [...k.concepts].sort((a, b) => a - b) });
        else if (ranker) {
          k.score = ranker.probability(signals);
          pushRule(k.rules, 'rank.learned');
        }
      }
      if (collecting) return { items: [], collected };
      // the ranker's threshold applies before the conventions: a candidate it rejects never
      // displaces another (Excludes1, an unspecified code beside a specific one)
      if (ranker) list = list.filter((k) => k.review !== undefined || k.score >= ranker.threshold);
    }

    // Excludes1 pairs [excludes1.pair]
    const sug = suggested().sort((a, b) => b.score - a.score);
    const gone = new Set<Candidate>();
    for (let x = 0; x < sug.length; x++) {
      const a = sug[x]!;
      if (gone.has(a)) continue;
      for (let y = x + 1; y < sug.length; y++) {
        const b = sug[y]!;
        if (gone.has(b)) continue;
        if (
          !this.pack.noteCovers(a.code, 'excludes1', b.code) &&
          !this.pack.noteCovers(b.code, 'excludes1', a.code)
        )
          continue;
        // the definitive diagnosis wins over a symptom; else the better supported (a: higher score)
        const loser = isSymptom(a.code) && !isSymptom(b.code) ? a : b;
        const winner = loser === a ? b : a;
        gone.add(loser);
        pushRule(winner.rules, 'excludes1.pair');
        for (const ci of loser.concepts) winner.concepts.add(ci);
        if (loser === a) break;
      }
    }
    // an unspecified code beside a more specific one of its category [specificity.same-category];
    // with the ranker, one code per category for the same mentions: the more probable one (the
    // ranker reads whether a title is unspecified and whether the note states the specific words)
    if (ranker) {
      for (const a of sug) {
        if (gone.has(a)) continue;
        const cat = a.code.slice(0, 3);
        for (const b of sug) {
          if (b === a || gone.has(b) || b.code.slice(0, 3) !== cat) continue;
          if (![...b.concepts].some((ci) => a.concepts.has(ci))) continue;
          const loser = b.score > a.score ? a : b;
          const winner = loser === a ? b : a;
          gone.add(loser);
          pushRule(winner.rules, 'specificity.same-category');
          if (loser === a) break;
        }
      }
    }
    for (const a of ranker ? [] : sug) {
      if (gone.has(a) || !/\b(unspecified|without complications?)\b/i.test(a.title)) continue;
      const cat = a.code.slice(0, 3);
      const better = sug.find(
        (b) =>
          b !== a &&
          !gone.has(b) &&
          b.code.slice(0, 3) === cat &&
          !/\b(unspecified|without complications?)\b/i.test(b.title),
      );
      if (!better) continue;
      gone.add(a);
      pushRule(better.rules, 'specificity.same-category');
      for (const ci of a.concepts) better.concepts.add(ci);
    }
    const threshold = ranker ? ranker.threshold : w.threshold;
    list = list.filter((k) => !gone.has(k) && (k.review !== undefined || k.score >= threshold));

    // principal candidates and sequence
    const isManifestation = (k: Candidate) =>
      k.after !== undefined || /in diseases classified elsewhere/i.test(k.title);
    const principal = (k: Candidate) => definitive(k.code) && !isManifestation(k);
    const codesOut = suggested().sort(
      (a, b) =>
        Number(principal(b)) - Number(principal(a)) ||
        Number(b.inPrincipalSection) - Number(a.inPrincipalSection) ||
        b.score - a.score ||
        a.firstOffset - b.firstOffset,
    );
    this.#sequence(codesOut);

    const component = this.#options.component ?? 'coding';
    const item = (k: Candidate, seq: number): CodeItem => {
      const idx = [...k.concepts].sort((a, b) => a - b);
      const spans = [
        ...idx.map((ci) => concepts[ci]!),
        ...(k.textSpans ?? []).filter(
          (t) => !idx.some((ci) => concepts[ci]!.start <= t.start && concepts[ci]!.end >= t.end),
        ),
      ]
        .map((c) => ({ start: c.start, end: c.end, text: text.slice(c.start, c.end) }))
        .sort((a, b) => a.start - b.start);
      const rules = [...k.rules];
      if (!k.review) pushRule(rules, 'valid.fiscal-year');
      if (!k.review && principal(k)) pushRule(rules, 'principal.candidate');
      const hcc = this.#options.hcc?.get(k.code) ?? [];
      return {
        system: 'icd10cm',
        code: k.code,
        title: k.title,
        status: k.review ? 'review' : 'suggested',
        ...(k.review ? { reason: k.review } : {}),
        billable: k.billable,
        score: Math.round(k.score * 1000) / 1000,
        principal: !k.review && principal(k),
        sequence: seq,
        fiscalYear: this.pack.fiscalYear,
        ...(hcc.length > 0 ? { hcc: [...hcc] } : {}),
        evidence: {
          spans,
          concepts: idx,
          conceptIds: [
            ...new Set(idx.map((ci) => concepts[ci]!.id).filter((x): x is string => x !== undefined)),
          ],
          rules,
          ...(k.indexPath ? { indexPath: k.indexPath } : {}),
          component,
          pack: this.packLabel,
        },
      };
    };
    const reviews = list
      .filter((k) => k.review)
      .filter((k) => !codesOut.some((s) => s.code === k.code))
      .sort((a, b) => a.firstOffset - b.firstOffset);
    return {
      items: [...codesOut.map((k, n) => item(k, n + 1)), ...reviews.map((k) => item(k, 0))],
      collected,
    };
  }

  readonly #leafCache = new Map<
    string,
    readonly { code: string; title: string; keys: readonly string[] }[]
  >();

  /**
   * The complete codes of a code's category other than itself, for the ranker: all of them in a
   * small category (at most 12), else those whose own title words (beyond the category's) the note
   * states. Codes that need a seventh character are left out.
   */
  #siblings(code: string, noteKeys: ReadonlySet<string>): { code: string; title: string }[] {
    const cat = code.replace('.', '').slice(0, 3);
    let leaves = this.#leafCache.get(cat);
    if (!leaves) {
      const out: { code: string; title: string; keys: readonly string[] }[] = [];
      const catKeys = new Set(contentKeys(this.pack.info(cat).title));
      const walk = (id: string) => {
        for (const ch of this.pack.children(id)) {
          const info = this.pack.info(ch);
          if (info.billable)
            out.push({
              code: info.code,
              title: info.title,
              keys: contentKeys(info.title).filter((x) => !catKeys.has(x)),
            });
          walk(ch);
        }
      };
      if (this.pack.info(cat).valid) walk(cat);
      leaves = out;
      this.#leafCache.set(cat, leaves);
    }
    const small = leaves.length <= 12;
    return leaves.filter(
      (l) =>
        l.code !== code &&
        (small || (l.keys.length > 0 && l.keys.filter((x) => noteKeys.has(x)).length * 2 >= l.keys.length)),
    );
  }

  /** What the ranker reads about a candidate. */
  #signals(
    k: Candidate,
    noteKeys: ReadonlySet<string>,
    length: number,
    candidates: number,
  ): CandidateSignals {
    const titleKeys = contentKeys(k.title);
    const overlap = titleKeys.length ? titleKeys.filter((x) => noteKeys.has(x)).length / titleKeys.length : 0;
    const catKeys = new Set(contentKeys(this.pack.info(k.code.replace('.', '').slice(0, 3)).title));
    const own = titleKeys.filter((x) => !catKeys.has(x));
    const distinct = own.length ? own.filter((x) => noteKeys.has(x)).length / own.length : -1;
    return {
      code: k.code,
      title: k.title,
      billable: k.billable,
      ruleScore: k.score,
      rules: k.rules,
      mentions: k.mentions,
      statuses: [...k.statuses],
      sections: [...k.sections],
      inPrincipalSection: k.inPrincipalSection,
      coverage: k.coverage,
      conceptScore: k.conceptScore,
      sibling: k.sibling ?? false,
      alternative: k.alternative ?? false,
      distinctOverlap: distinct,
      position: length > 0 ? k.firstOffset / length : 0,
      titleOverlap: overlap,
      noteCandidates: candidates,
    };
  }

  /** The sentence states a link itself (`with`, `due to`) and negates nothing. */
  #statesLink(sentence: string): boolean {
    const words = sentence.toLowerCase().match(/[a-z]+/g) ?? [];
    if (!words.some((x) => x === 'with' || x === 'due')) return false;
    const cues = new Set(this.rules.index.negationCues);
    return !words.some((x) => cues.has(x));
  }

  /** A concept of an authored source without an ICD-10-CM code: a finding uncoded on purpose. */
  #uncodedOnPurpose(c: Concept): boolean {
    if (c.id === undefined || this.#uncodedSources.size === 0) return false;
    const colon = c.id.indexOf(':');
    return (
      colon > 0 &&
      this.#uncodedSources.has(c.id.slice(0, colon)) &&
      !c.codes.some((k) => k.system === 'icd10cm')
    );
  }

  /** A short abbreviation with senses of other kinds or other categories (`CT`, `MS`). */
  #ambiguousAbbreviation(c: Concept): boolean {
    const text = c.text.trim();
    if (text.length > this.rules.concepts.abbreviationMaxLength) return false;
    // matched through another form (`CT` read as `CTS`): not what the note wrote
    if (c.matched.term.toLowerCase() !== text.toLowerCase()) return true;
    const others = c.candidates ?? [];
    if (others.length === 0)
      return c.matched.source === 'abbreviations' && !c.codes.some((x) => x.system === 'icd10cm');
    const cat = (code: string | undefined) => code?.replace('.', '').slice(0, 3);
    const mine = cat(c.codes.find((x) => x.system === 'icd10cm')?.code);
    return others.some(
      (o) => o.type !== c.type || cat(o.codes.find((x) => x.system === 'icd10cm')?.code) !== mine,
    );
  }

  /** The concept's code is a chronic condition (rules: history.chronic). */
  #chronicCode(c: Concept): boolean {
    const code = c.codes.find((x) => x.system === 'icd10cm')?.code;
    return code !== undefined && hasRange(this.rules.history.chronic, code);
  }

  /** `code first` / `use additional code`: move the named code before / after (a few passes). */
  #sequence(list: Candidate[]): void {
    for (let pass = 0; pass < 3; pass++) {
      let moved = false;
      for (let x = 0; x < list.length; x++) {
        const a = list[x]!;
        for (let y = 0; y < list.length; y++) {
          if (x === y) continue;
          const b = list[y]!;
          // a says "code first" b, and b is after a; or b is a's etiology (manifestation pair)
          const first =
            (y > x && (this.pack.noteCovers(a.code, 'codeFirst', b.code) || a.after === b.code)) ||
            // b says "use additional code" for a, and a is before b
            (y > x && this.pack.noteCovers(b.code, 'useAdditionalCode', a.code));
          if (!first) continue;
          list.splice(y, 1);
          list.splice(x, 0, b);
          pushRule(
            b.rules,
            this.pack.noteCovers(b.code, 'useAdditionalCode', a.code)
              ? 'sequence.use-additional'
              : 'sequence.code-first',
          );
          moved = true;
          break;
        }
        if (moved) break;
      }
      if (!moved) return;
    }
  }
}

/** The assertions component found the condition in its chronic lexicon: still the patient's. */
function isChronic(c: Concept): boolean {
  return (c.assertion?.temporalityEvidence ?? []).some(
    (e) => e.source === 'lexicon' && e.rule.startsWith('chronic.'),
  );
}
