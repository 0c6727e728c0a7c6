/** Building SourceConcepts: terms deduplicated (case-insensitive), codes deduplicated. */
import type {
  CodeSystem,
  SemanticType,
  SourceCode,
  SourceConcept,
  SourceTerm,
  TermKind,
} from '../../types.js';

/** `table[key]` for own keys only (`constructor` in a file is not Object.prototype.constructor). */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Trim and collapse whitespace. */
export function cleanText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

const KIND_RANK: Record<TermKind, number> = {
  preferred: 0,
  exact: 1,
  synonym: 2,
  abbreviation: 3,
  brand: 4,
  lay: 5,
  related: 6,
  narrow: 7,
  broad: 8,
  index: 9,
};

export class ConceptDraft {
  readonly id: string;
  readonly source: string;
  type: SemanticType;
  subtype: string | undefined;
  preferred = '';
  obsolete = false;
  readonly #terms = new Map<string, SourceTerm>();
  readonly #codes = new Map<string, SourceCode>();
  readonly #parents = new Set<string>();

  constructor(id: string, source: string, type: SemanticType, subtype?: string) {
    this.id = id;
    this.source = source;
    this.type = type;
    this.subtype = subtype;
  }

  get termCount(): number {
    return this.#terms.size;
  }

  /** Add a term; the same text (case-insensitive) keeps its strongest kind. Empty text is ignored. */
  addTerm(text: string, kind: TermKind): this {
    const t = cleanText(text);
    if (t === '') return this;
    const key = t.toLowerCase();
    const prev = this.#terms.get(key);
    if (prev === undefined || KIND_RANK[kind] < KIND_RANK[prev.kind]) this.#terms.set(key, { text: t, kind });
    if (kind === 'preferred' && this.preferred === '') this.preferred = t;
    return this;
  }

  addCode(system: CodeSystem, code: string, extra: { display?: string; billable?: boolean } = {}): this {
    const c = code.trim();
    if (c === '') return this;
    const key = `${system}\u0000${c}`;
    if (this.#codes.has(key)) return this;
    const out: { system: CodeSystem; code: string; display?: string; billable?: boolean } = {
      system,
      code: c,
    };
    if (extra.display !== undefined && extra.display.trim() !== '') out.display = cleanText(extra.display);
    if (extra.billable !== undefined) out.billable = extra.billable;
    this.#codes.set(key, out);
    return this;
  }

  addParent(id: string): this {
    if (id !== '') this.#parents.add(id);
    return this;
  }

  build(): SourceConcept {
    const terms = [...this.#terms.values()];
    let preferred = this.preferred;
    if (preferred === '') preferred = terms[0]?.text ?? '';
    // the preferred term first
    terms.sort((a, b) => (a.text === preferred ? -1 : b.text === preferred ? 1 : 0));
    const c: {
      id: string;
      source: string;
      type: SemanticType;
      subtype?: string;
      preferred: string;
      terms: SourceTerm[];
      codes: SourceCode[];
      parents?: string[];
      obsolete?: boolean;
    } = {
      id: this.id,
      source: this.source,
      type: this.type,
      preferred,
      terms,
      codes: [...this.#codes.values()],
    };
    if (this.subtype !== undefined && this.subtype !== '') c.subtype = this.subtype;
    if (this.#parents.size > 0) c.parents = [...this.#parents];
    if (this.obsolete) c.obsolete = true;
    return c;
  }
}

/**
 * Merge two concepts with the same id (terms and codes united, the first one's type, subtype and
 * preferred name kept). For compilers that receive the same id from several importers.
 */
export function mergeConcepts(a: SourceConcept, b: SourceConcept): SourceConcept {
  const d = new ConceptDraft(a.id, a.source, a.type, a.subtype);
  d.addTerm(a.preferred, 'preferred');
  for (const c of [a, b]) {
    for (const t of c.terms) d.addTerm(t.text, t.kind === 'preferred' && c === b ? 'synonym' : t.kind);
    if (c !== a) d.addTerm(c.preferred, 'synonym');
    for (const code of c.codes) {
      d.addCode(code.system, code.code, {
        ...(code.display !== undefined ? { display: code.display } : {}),
        ...(code.billable !== undefined ? { billable: code.billable } : {}),
      });
    }
    for (const p of c.parents ?? []) d.addParent(p);
  }
  if (a.obsolete && b.obsolete) d.obsolete = true;
  return d.build();
}
