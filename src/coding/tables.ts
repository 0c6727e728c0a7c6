/**
 * Candidates from the Neoplasm Table and the Table of Drugs and Chemicals (issue 16 item 1).
 *
 * - Neoplasm (Section I.C.2; Index: `Carcinoma - see Neoplasm, by site, malignant`): a problem
 *   mention whose words state a behaviour (carcinoma/cancer/malignant -> primary; metastasis *to*
 *   a site or `SITE metastases` -> secondary; `in situ`; `benign`; `uncertain behavior`) and a site
 *   of the table. Nothing when either is unclear (two sites, a histology with its own codes such as
 *   lymphoma or melanoma, `metastatic X cancer` without `to`, a bare `tumor` or `neoplasm`): a false
 *   code is worse than a miss.
 * - Drugs (Section I.C.19.e): a substance mention of the table with a cue beside it: `adverse
 *   reaction to X`, `X side effect` -> adverse effect; `overdose of X`, `X poisoning`, `X toxicity`
 *   (the Index: Toxicity - see Table, poisoning) -> poisoning (not `intoxication`: the Index splits it
 *   by whether the substance was properly administered), accidental unless the sentence states
 *   intentional self-harm, assault or undetermined intent (I.C.19.e.5.b); `underdosing of X`.
 */
import { DRUG_COLUMNS, type DrugColumn } from './import/drugs.js';
import { NEOPLASM_COLUMNS, type NeoplasmColumn } from './import/neoplasm.js';
import type { CodingPack, TableRow } from './pack.js';
import { contentKeys } from './words.js';

export interface TableHit<C extends string> {
  /** The cell's code as compiled (`C34.9-` when more characters are needed). */
  readonly code: string;
  readonly column: C;
  /** The table entry followed: `Neoplasm, neoplastic > lung > upper lobe [primary]`. */
  readonly path: string;
  /** The rule id of the column (`neoplasm.primary`, `drug.adverse-effect`). */
  readonly rule: string;
}

const MALIGNANT = new Set(['carcinoma', 'adenocarcinoma', 'cancer', 'malignancy', 'malignant']);
const SECONDARY = new Set(['metastasi', 'metastase', 'metastatic', 'metastasis', 'metastases', 'secondary']);
/** Nouns of a neoplasm of unstated behaviour (the Index: Tumor - see Neoplasm, unspecified behavior). */
const NOUNS = new Set(['neoplasm', 'tumor', 'tumour', 'neoplasia']);
/** Histologies coded by their own Index entries, not by site. */
const OWN_CODES =
  /\b(merkel|lymphoma|leuka?emia|melanoma|myeloma|sarcoma|mesothelioma|carcinoid|neuroendocrine|hodgkin|lipoma|h[ae]mangioma|nevus|naevus|polyp|cyst|fibroid|leiomyoma|myoma|glioma|glioblastoma|blastoma|teratoma|seminoma|germ cell|kaposi|thymoma|adenoma|papilloma|fibroma|from)\b/i;
/** Words of the mention that are not the site. */
const NOT_SITE = new Set([
  ...MALIGNANT,
  ...SECONDARY,
  ...NOUNS,
  'benign',
  'primary',
  'situ',
  'uncertain',
  'behavior',
  'behaviour',
  'disease',
  'invasive',
  'stage',
  'left',
  'right',
  'bilateral',
  'metastasized',
  'spread',
  'advanced',
  'locally',
  'known',
  'new',
  'large',
  // cell types the table does not split by (except skin: see below)
  'small',
  'cell',
  'non',
  'squamous',
  'basal',
  'ductal',
  'lobular',
  'papillary',
  'follicular',
  'medullary',
  'urothelial',
  'transitional',
  'clear',
  'mucinous',
  'serous',
  'well',
  'moderately',
  'poorly',
  'differentiated',
]);

interface SiteRow {
  readonly row: TableRow;
  readonly alts: readonly (readonly string[])[];
}

/**
 * The ways a site's title can be stated. A comma separates spellings of one site when the parts
 * share their first two letters (`abdomen, abdominal`, `testis, testes`); otherwise the later parts
 * qualify the first (`stump, cervical`, `lingula, lung`) and every word must be stated.
 */
export function altsOf(row: TableRow): string[][] {
  const parts = row[0].split(/,\s*/).filter((p) => p.trim() !== '');
  const head = (parts[0] ?? '').toLowerCase().slice(0, 2);
  if (parts.every((p) => p.trim().toLowerCase().startsWith(head)))
    return parts.map((a) => contentKeys(a)).filter((a) => a.length > 0);
  const all = contentKeys(row[0]);
  return all.length > 0 ? [all] : [];
}

/** A word that every Table of Drugs column needs somewhere in the sentence (adverse effect, poisoning, underdosing). */
const DRUG_CUES = /adverse|side|overdos|poisoning|toxicity|ingestion|underdos/i;

export class TableLookup {
  readonly #root: TableRow | undefined;
  readonly #sites: SiteRow[];
  readonly #drugs = new Map<string, TableRow | null>();
  readonly #drugTitles = new Map<string, TableRow>();

  constructor(pack: CodingPack) {
    this.#root = pack.data.neoplasm?.[0];
    this.#sites = (this.#root?.[4] ?? []).map((row) => ({ row, alts: altsOf(row) }));
    for (const row of pack.data.drugs ?? []) {
      this.#drugTitles.set(row[0].toLowerCase(), row);
      const key = [...new Set(contentKeys(row[0]))].sort().join(' ');
      if (key === '') continue;
      // two substances with the same words and different codes: ambiguous, never coded
      const prev = this.#drugs.get(key);
      if (prev === undefined) this.#drugs.set(key, row);
      else if (prev !== null && prev[2].join() !== row[2].join()) this.#drugs.set(key, null);
    }
  }

  get hasNeoplasm(): boolean {
    return this.#sites.length > 0;
  }

  get hasDrugs(): boolean {
    return this.#drugs.size > 0;
  }

  /**
   * The Neoplasm Table code of a mention: `mention` its text, `after` the text that follows it in
   * its sentence (`metastatic disease` + ` to the liver`).
   */
  neoplasm(mention: string, after = ''): TableHit<NeoplasmColumn> | null {
    // behaviour words right after the mention belong to it (`carcinoma` + ` in situ of the cervix`)
    const trail = /^\s*(?:in situ|of uncertain behaviou?r)\b/i.exec(after);
    if (trail) {
      mention = `${mention}${trail[0]}`;
      after = after.slice(trail[0].length);
    }
    if (!this.#root || OWN_CODES.test(mention)) return null;
    const lower = mention.toLowerCase();
    const keys = contentKeys(mention);
    const has = (set: ReadonlySet<string>) => keys.some((k) => set.has(k));
    const malignant = has(MALIGNANT);
    const secondary = has(SECONDARY) || /\bmetasta/.test(lower);
    const inSitu = /\bin situ\b/.test(lower);
    const benign = keys.includes('benign');
    const uncertain = /\buncertain behaviou?r\b/.test(lower);
    const noun = malignant || secondary || keys.some((k) => NOUNS.has(k));
    if (!noun) return null;
    let column: NeoplasmColumn;
    let siteKeys = keys.filter((k) => !NOT_SITE.has(k) && !/^metasta/.test(k));
    if ([inSitu, benign, uncertain].filter(Boolean).length > 1) return null;
    if (benign || uncertain) {
      if (malignant || secondary) return null;
      column = benign ? 'benign' : 'uncertain';
    } else if (inSitu) {
      if (secondary) return null;
      column = 'in-situ';
    } else if (secondary) {
      // secondary: `metastasis to the liver`, `liver metastases`, `secondary ... of the liver`;
      // `metastatic lung cancer` (primary with spread, or spread to the lung?) is not clear
      const to =
        /\bto\s+(?:the\s+)?([a-z][a-z ,-]{1,40})/i.exec(after) ??
        /\bto\s+(?:the\s+)?([a-z][a-z ,-]{1,40})$/i.exec(lower);
      const siteFirst =
        siteKeys.length > 0 && /^\W*(?:[a-z-]+\s+){1,3}metasta/i.test(lower) && !/\bmetastatic\b/.test(lower);
      const secondaryWord = /\bsecondary\b/.test(lower) && !/\bto\b/.test(lower);
      if (to && !/\bto\b/.test(lower) && siteKeys.length === 0)
        siteKeys = contentKeys(to[1]!.split(/\b(?:and|with|or)\b/)[0]!);
      else if (to && /\bto\b/.test(lower)) siteKeys = contentKeys(lower.slice(lower.search(/\bto\b/)));
      else if (!siteFirst && !secondaryWord) return null;
      column = 'secondary';
    } else if (malignant) column = 'primary';
    else column = 'unspecified'; // a tumor or neoplasm of the site, no behaviour stated
    if (!secondary && siteKeys.length === 0 && after !== '') {
      // `carcinoma` + ` of the lung`
      const of = /^\s*(?:of|in)\s+(?:the\s+)?([a-z][a-z -]{1,40})/i.exec(after);
      if (of) siteKeys = contentKeys(of[1]!.split(/\b(?:and|with|or)\b/)[0]!);
    }
    siteKeys = siteKeys.filter((k) => !NOT_SITE.has(k));
    if (siteKeys.length === 0) return null;
    const found = this.#site(siteKeys, keys);
    if (!found) return null;
    // a word of the mention that is neither behaviour nor the site followed (`keratocystic
    // odontogenic tumor`): another kind of tumor, not clear
    const consumed = new Set(found.path.flatMap((p) => contentKeys(p.replace(/^see /, ''))));
    if (siteKeys.some((k) => !consumed.has(k) && !/^\d+$/.test(k))) return null;
    // a cell type the table splits by (`basal cell carcinoma` of the skin): only where the entry
    // followed names it
    const type =
      /\b(basal|squamous|sebaceous|sweat|spindle|small|large|clear|oat|transitional|papillary|follicular|medullary|ductal|lobular|mucinous|serous|signet)\b/i.exec(
        mention,
      );
    if (
      type &&
      found.path.some((p) => /\bskin\b/i.test(p)) &&
      !found.path.some((p) => p.toLowerCase().includes(type[1]!.toLowerCase()))
    )
      return null;
    const col = NEOPLASM_COLUMNS.indexOf(column);
    const code = found.row[2][col] ?? '';
    if (code === '') return null;
    return {
      code,
      column,
      path: `${this.#root[0]} > ${found.path.join(' > ')} [${column}]`,
      rule: `neoplasm.${column}`,
    };
  }

  /** The deepest row of the table whose words the site states; null when none or two sites. */
  #site(
    siteKeys: readonly string[],
    mentionKeys: readonly string[] = [],
  ): { row: TableRow; path: string[] } | null {
    const keys = new Set(siteKeys);
    // subterms may state a histology too (`skin > nose > basal cell carcinoma`)
    const deep = new Set([...siteKeys, ...mentionKeys]);
    const match = (alts: readonly (readonly string[])[]): readonly string[] | null => {
      let best: readonly string[] | null = null;
      for (const a of alts) if (a.every((k) => keys.has(k)) && (!best || a.length > best.length)) best = a;
      return best;
    };
    const hits = this.#sites
      .map((s) => ({ s, m: match(s.alts) }))
      .filter((x): x is { s: SiteRow; m: readonly string[] } => x.m !== null)
      .sort((a, b) => b.m.length - a.m.length);
    if (hits.length === 0) return null;
    // the rows that match most words; among them those whose every title word is stated
    // (`lung` before `lingula, lung`); rows left that differ in their codes: not clear
    const most = hits.filter((h) => h.m.length === hits[0]!.m.length);
    const full = most.filter(
      (h) =>
        h.s.alts.some((a) => a.every((k) => keys.has(k))) &&
        h.s.row[0].split(/,\s*/).every((p) => contentKeys(p).every((k) => keys.has(k))),
    );
    const pool = full.length > 0 ? full : most;
    const top = pool[0]!;
    if (pool.some((h) => h.s.row[2].join() !== top.s.row[2].join())) return null;
    // another site not inside the first: two sites, not clear
    const topKeys = new Set(top.m);
    if (hits.some((h) => h.m.some((k) => !topKeys.has(k)))) return null;
    let row = top.s.row;
    const path = [row[0]];
    for (let depth = 0; depth < 6; depth++) {
      if (row[3] !== '' && row[2].every((c) => c === '')) {
        const target = this.#follow(row[3]);
        if (!target) return null;
        row = target;
        path.push(`see ${target[0]}`);
        continue;
      }
      const within = (set: ReadonlySet<string>) =>
        row[4]
          .map((r) => ({
            r,
            m: altsOf(r)
              .filter((a) => a.every((k) => set.has(k)))
              .sort((a, b) => b.length - a.length)[0],
          }))
          .filter((x): x is { r: TableRow; m: string[] } => x.m?.some((k) => !topKeys.has(k)) === true);
      // a further site first (`nose`), else a histology subterm (`basal cell carcinoma`)
      let kids = within(keys);
      if (kids.length === 0) kids = within(deep);
      if (kids.length === 0) break;
      // the subterm stating most words (`upper lobe` before `lobe NEC`); a tie of other codes: stop
      const longest = Math.max(...kids.map((x) => x.m!.length));
      const best = kids.filter((x) => x.m!.length === longest);
      if (best.some((x) => x.r[2].join() !== best[0]!.r[2].join())) break;
      row = best[0]!.r;
      path.push(row[0]);
    }
    return { row, path };
  }

  /** A `see` reference inside the Neoplasm Table: `Neoplasm, connective tissue`. */
  #follow(see: string): TableRow | null {
    const parts = see.split(/,\s*/).slice(1);
    let rows = this.#root?.[4] ?? [];
    let found: TableRow | null = null;
    for (const p of parts) {
      const want = p.toLowerCase();
      const next = rows.find(
        (r) => r[0].toLowerCase().split(/,\s*/).includes(want) || r[0].toLowerCase() === want,
      );
      if (!next) return found;
      found = next;
      rows = next[4];
    }
    return found?.[2].some((c) => c !== '') ? found : null;
  }

  /**
   * The Table of Drugs code of a substance mention given its sentence: `before` the text before the
   * mention, `after` the text after it, `sentence` the whole sentence (intent words).
   */
  drug(substance: string, before: string, after: string, sentence: string): TableHit<DrugColumn> | null {
    if (this.#drugs.size === 0) return null;
    const row = this.#substance(substance);
    if (!row) return null;
    const b = before.toLowerCase().slice(-60);
    const a = after.toLowerCase().slice(0, 40);
    let kind: 'adverse' | 'poisoning' | 'underdosing' | null = null;
    if (
      /\b(?:adverse|side)\s+(?:drug\s+)?(?:reactions?|effects?|events?)\s+(?:to|from|of|with|due to)\s+(?:the\s+|his\s+|her\s+)?$/.test(
        b,
      ) ||
      /^\s*(?:-\s*)?(?:adverse|side)\s+(?:drug\s+)?(?:reactions?|effects?|events?)\b/.test(a)
    )
      kind = 'adverse';
    else if (
      /\b(?:overdosed?|poisoning|toxicity|ingestion)\s+(?:of|on|with|by|from|due to)\s+(?:the\s+|his\s+|her\s+)?$/.test(
        b,
      ) ||
      /^\s*(?:-\s*)?(?:overdose|poisoning|toxicity)\b/.test(a)
    )
      kind = 'poisoning';
    else if (
      /\bunderdos(?:e|ed|ing)\s+(?:of|on)\s+(?:the\s+|his\s+|her\s+)?$/.test(b) ||
      /^\s*underdos/.test(a)
    )
      kind = 'underdosing';
    if (!kind) return null;
    let column: DrugColumn;
    if (kind === 'adverse') column = 'adverse-effect';
    else if (kind === 'underdosing') column = 'underdosing';
    else {
      const s = sentence.toLowerCase();
      const intents = [
        /\b(?:intentional|suicid\w*|self[- ]harm|deliberate)\b/.test(s) && !/\bunintentional\b/.test(s),
        /\bassault\w*\b/.test(s),
        /\b(?:undetermined|unknown) intent\b/.test(s),
      ];
      if (intents.filter(Boolean).length > 1) return null;
      column = intents[0]
        ? 'intentional'
        : intents[1]
          ? 'assault'
          : intents[2]
            ? 'undetermined'
            : 'accidental';
    }
    const code = row[2][DRUG_COLUMNS.indexOf(column)] ?? '';
    if (code === '') return null;
    return { code, column, path: `${row[0]} [${column}]`, rule: `drug.${column}` };
  }

  /**
   * The Table of Drugs code of a mention: the mention as the substance with its cue beside it
   * (`adverse reaction to` + `penicillin`), or a mention that holds both (`digoxin toxicity`,
   * `overdose of acetaminophen`); then its preferred name as the substance.
   */
  drugMention(
    mention: string,
    before: string,
    after: string,
    sentence: string,
    preferred?: string,
  ): TableHit<DrugColumn> | null {
    // every column needs one of these words in the sentence: most mentions stop here, before the
    // substance lookup
    if (!DRUG_CUES.test(sentence)) return null;
    const direct = this.drug(mention, before, after, sentence);
    if (direct) return direct;
    const inner =
      /^(.+?)(\s*-?\s*(?:toxicity|overdose|poisoning|(?:adverse|side)\s+(?:drug\s+)?(?:reactions?|effects?)))$/i.exec(
        mention,
      );
    if (inner) {
      const hit = this.drug(inner[1]!, before, `${inner[2]}${after}`, sentence);
      if (hit) return hit;
    }
    const lead =
      /^((?:overdose|poisoning|toxicity|(?:adverse|side)\s+(?:drug\s+)?(?:reactions?|effects?|events?))\s+(?:of|on|with|by|from|to)\s+(?:the\s+)?)(.+)$/i.exec(
        mention,
      );
    if (lead) {
      const hit = this.drug(lead[2]!, `${before}${lead[1]}`, after, sentence);
      if (hit) return hit;
    }
    return preferred && preferred !== mention ? this.drug(preferred, before, after, sentence) : null;
  }

  /**
   * Table codes stated by a sentence's own words where no concept carries them (`adverse reaction
   * to penicillin` with no drug concept, `metastatic disease to the liver`): each with its span in
   * the sentence. The caller checks that nothing in the sentence negates, doubts or attributes it.
   */
  scan(sentence: string): { start: number; end: number; hit: TableHit<string> }[] {
    const out: { start: number; end: number; hit: TableHit<string> }[] = [];
    const words = (from: number, n: number): { text: string; end: number }[] => {
      const res: { text: string; end: number }[] = [];
      const re = /[A-Za-z0-9][A-Za-z0-9'-]*/g;
      re.lastIndex = from;
      let text = '';
      for (let k = 0; k < n; k++) {
        const m = re.exec(sentence);
        if (!m) break;
        const gap = sentence.slice(from, m.index);
        if (
          /[.,;:()\n]/.test(gap) ||
          (k > 0 && /^(?:and|or|with|but|for|in|on|at|was|is|which)$/i.test(m[0]))
        )
          break;
        text += (text ? ' ' : '') + m[0];
        from = m.index + m[0].length;
        res.push({ text, end: from });
      }
      return res;
    };
    if (this.#drugs.size > 0) {
      const cue =
        /\b(?:(?:adverse|side)\s+(?:drug\s+)?(?:reactions?|effects?|events?)\s+(?:to|from|of|with|due to)|(?:overdosed?|poisoning|toxicity|ingestion|underdos(?:e|ed|ing))\s+(?:of|on|with|by|from))\s+(?:the\s+|his\s+|her\s+)?/gi;
      for (let m = cue.exec(sentence); m; m = cue.exec(sentence)) {
        const at = m.index + m[0].length;
        const forms = words(at, 4).reverse();
        for (const f of forms) {
          const hit = this.drug(f.text, sentence.slice(0, at), sentence.slice(f.end), sentence);
          if (hit) {
            out.push({ start: m.index, end: f.end, hit });
            break;
          }
        }
      }
    }
    if (this.#drugs.size > 0) {
      // the substance before the cue: `digoxin toxicity`, `acetaminophen overdose`
      const cue = /\s*-?\s*\b(?:toxicity|overdose|poisoning)\b/gi;
      for (let m = cue.exec(sentence); m; m = cue.exec(sentence)) {
        const lead = /((?:[A-Za-z0-9][A-Za-z0-9'-]*\s+){0,2}[A-Za-z0-9][A-Za-z0-9'-]*)$/.exec(
          sentence.slice(0, m.index),
        );
        if (!lead) continue;
        const ws = lead[1]!.split(/\s+/);
        for (let n = Math.min(3, ws.length); n >= 1; n--) {
          const sub = ws.slice(ws.length - n).join(' ');
          const from = m.index - sub.length;
          const hit = this.drug(sub, sentence.slice(0, from), sentence.slice(m.index), sentence);
          if (hit) {
            out.push({ start: from, end: m.index + m[0].length, hit });
            break;
          }
        }
      }
    }
    if (this.#sites.length > 0) {
      const cue =
        /\b(?:metastatic\s+(?:disease|carcinoma|cancer|adenocarcinoma|tumou?rs?|lesions?|deposits?|spread)|metastas[ie]s|metastasized|metastasised)\s+(?:to|in|into|involving)\s+(?:the\s+|both\s+)?/gi;
      for (let m = cue.exec(sentence); m; m = cue.exec(sentence)) {
        const at = m.index + m[0].length;
        const forms = words(at, 3).reverse();
        for (const f of forms) {
          const hit = this.neoplasm(`metastasis to ${f.text}`);
          if (hit) {
            out.push({ start: m.index, end: f.end, hit });
            break;
          }
        }
      }
    }
    return out;
  }

  #substance(text: string): TableRow | null {
    const key = [...new Set(contentKeys(text))].sort().join(' ');
    let row = key === '' ? null : (this.#drugs.get(key) ?? null);
    for (let n = 0; row && n < 3 && row[3] !== '' && row[2].every((c) => c === ''); n++)
      row = this.#drugTitles.get(row[3].toLowerCase()) ?? null;
    return row?.[2].some((c) => c !== '') ? row : null;
  }
}
