/**
 * The CMS ICD-10-CM index files (XML, `ICD10CM.index` root): the alphabetic indexes (the Index to
 * Diseases and Injuries, the External Cause Index) and the tables (Table of Drugs and Chemicals,
 * Neoplasm Table, told apart by their `indexHeading`).
 *
 * Schema: `letter` > `mainTerm` > `term level=n` (nested), each with a `title` (its nonessential
 * modifiers in `nemod`, left out), and `code` / `subcat` / `seecat` (codes), `see` / `seeAlso`
 * (cross-references) or, in the tables, `cell col=n` (one code per column; `-` and `--` are empty).
 *
 * Terms (kind `index`):
 * - alphabetic index: the full path, `Fracture, femur, shaft` (the variant rules invert two-part
 *   paths: `femur fracture`);
 * - Table of Drugs: per column, `poisoning by X` / `X poisoning` (accidental), `poisoning by X,
 *   intentional self-harm`, `poisoning by X, assault`, `poisoning by X, undetermined intent`,
 *   `adverse effect of X`, `underdosing of X` (X: the substance path);
 * - Neoplasm Table: per column, `malignant neoplasm of S` (and `S cancer` for one-level sites),
 *   `secondary malignant neoplasm of S` (and `S metastasis`), `carcinoma in situ of S`, `benign
 *   neoplasm of S`, `neoplasm of uncertain behavior of S`, `neoplasm of unspecified behavior of S`
 *   (S: the site path, first form of each title: `abdomen, abdominal` -> `abdomen`).
 * Codes ending in `-` (more characters required) are kept as the code they start with.
 *
 * `see` entries without a code are resolved against the same file (`Adrenaline` see `Epinephrine`:
 * the adrenaline terms get epinephrine's codes); unresolved ones are skipped (`see-unresolved`).
 * `seeAlso` references are not followed (the entry's own codes are used). Entries without a code or
 * a cross-reference (headings) are skipped (`no-code`), and one-word main terms of the External
 * Cause Index (`Abuse`, `Blow` -> X58) too (`too-generic`): alone they would match everyday words.
 *
 * One concept per code, id `icd10cm-index:<code>` (a namespace of its own, so that a pack built
 * with the tabular list too keeps both; they share the icd10cm code and are linked through it),
 * type from the code's chapter (see icd10cmType), the first term as preferred name.
 */
import { createReadStream } from 'node:fs';
import type { ImportStats, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import { formatIcd10cm, ICD10CM_LICENCE, icd10cmType } from './icd10cm.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText } from './util/concept.js';
import { assertReadableFile } from './util/text.js';
import { XmlTokenizer } from './util/xml.js';

interface Frame {
  title: string;
  codes: string[];
  see: string[];
  seeAlso: string[];
  cells: Map<number, string>;
}

interface Entry {
  readonly path: readonly string[];
  readonly codes: readonly string[];
  readonly cells: ReadonlyMap<number, string>;
}

const CODE = /^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?-?$/;

/** A code as written in the index (`S72.0-`, `T51.3X1`, `X58`), normalized; null if it is not a code. */
export function indexCode(raw: string): string | null {
  const c = raw.trim().toUpperCase();
  if (c === '' || /^-+$/.test(c) || !CODE.test(c)) return null;
  return formatIcd10cm(c);
}

/** Normalized path key for `see` resolution (`Fracture NEC, hip` = `Fracture, hip`). */
function pathKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/\bnec\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .trim();
}

function firstForm(title: string): string {
  return cleanText((title.split(',')[0] ?? title).replace(/\bNEC\b/g, ''));
}

/** Terms for a table cell. `subject`: the substance path (drugs) or the site path (neoplasms). */
export function tableTerms(
  kind: 'drug' | 'neoplasm' | 'other',
  heading: string,
  subject: string,
  depth: number,
): string[] {
  const h = heading.toLowerCase();
  const s = subject;
  if (kind === 'drug') {
    if (h.startsWith('poisoning accidental')) return [`poisoning by ${s}`, `${s} poisoning`];
    if (h.startsWith('poisoning intentional')) return [`poisoning by ${s}, intentional self-harm`];
    if (h.startsWith('poisoning assault')) return [`poisoning by ${s}, assault`];
    if (h.startsWith('poisoning undetermined')) return [`poisoning by ${s}, undetermined intent`];
    if (h.startsWith('adverse effect')) return [`adverse effect of ${s}`];
    if (h.startsWith('underdosing')) return [`underdosing of ${s}`];
  }
  if (kind === 'neoplasm') {
    const of = s === '' ? '' : ` of ${s}`;
    const one = depth === 1 && s !== '';
    if (h.startsWith('malignant primary'))
      return [`malignant neoplasm${of}`, ...(one ? [`${s} cancer`] : [])];
    if (h.startsWith('malignant secondary')) {
      return [`secondary malignant neoplasm${of}`, ...(one ? [`${s} metastasis`] : [])];
    }
    if (h.startsWith('ca in situ')) return [`carcinoma in situ${of}`];
    if (h.startsWith('benign')) return [`benign neoplasm${of}`];
    if (h.startsWith('uncertain')) return [`neoplasm of uncertain behavior${of}`];
    if (h.startsWith('unspecified')) return [`neoplasm of unspecified behavior${of}`];
  }
  return [s === '' ? heading : `${heading}, ${s}`];
}

export async function* importIcd10cmIndex(
  path: string,
  stats: ImportStats,
  _options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = ICD10CM_LICENCE;
  await assertReadableFile(path);
  const xml = new XmlTokenizer(path);
  const elements: string[] = [];
  const buffers: string[] = [];
  const frames: Frame[] = [];
  const headings = new Map<number, string>();
  let tableKind: 'drug' | 'neoplasm' | 'other' | null = null;
  const byCode = new Map<string, Map<string, number>>(); // code -> term -> path depth
  const registry = new Map<string, { codes: readonly string[]; cells: ReadonlyMap<number, string> }>();
  const pendingSee: { path: readonly string[]; target: string }[] = [];

  let generic = 0;
  const addTerms = (e: Entry): number => {
    let n = 0;
    const add = (code: string, text: string) => {
      let terms = byCode.get(code);
      if (!terms) {
        terms = new Map();
        byCode.set(code, terms);
      }
      const t = cleanText(text);
      if (!terms.has(t)) terms.set(t, e.path.length);
      n++;
    };
    if (tableKind === null) {
      const text = e.path.join(', ');
      for (const raw of e.codes) {
        const code = indexCode(raw);
        if (!code) continue;
        if (/^[V-Y]/.test(code) && e.path.length === 1 && !/\s/.test(text.replace(/\s+NEC$/, ''))) {
          generic++;
          continue;
        }
        add(code, text);
      }
      return n;
    }
    const subject =
      tableKind === 'neoplasm' ? e.path.slice(1).map(firstForm).join(' ').trim() : e.path.join(', ');
    for (const [col, raw] of e.cells) {
      const code = indexCode(raw);
      if (!code) continue;
      for (const t of tableTerms(
        tableKind,
        headings.get(col) ?? `column ${col}`,
        subject,
        e.path.length - 1,
      )) {
        add(code, t);
      }
    }
    return n;
  };

  const finish = (f: Frame): void => {
    stats.read++;
    const p = [...frames.map((x) => x.title), f.title].filter((t) => t !== '');
    const entry: Entry = { path: p, codes: f.codes, cells: f.cells };
    if (f.codes.length > 0 || f.cells.size > 0)
      registry.set(pathKey(p.join(', ')), { codes: f.codes, cells: f.cells });
    const before = generic;
    if (addTerms(entry) > 0) return;
    if (generic > before) skip(stats, 'too-generic');
    else if (f.see.length > 0) pendingSee.push({ path: p, target: f.see[0]! });
    else skip(stats, 'no-code');
  };

  const onEvent = (ev: ReturnType<XmlTokenizer['push']>[number]): void => {
    if (ev.type === 'open') {
      elements.push(ev.name);
      buffers.push('');
      if (ev.name === 'mainTerm' || ev.name === 'term') {
        frames.push({ title: '', codes: [], see: [], seeAlso: [], cells: new Map() });
      } else if (ev.name === 'cell' || ev.name === 'head') {
        // remember the column in the buffer slot name
        elements[elements.length - 1] = `${ev.name}:${ev.attrs.col ?? '0'}`;
      }
      return;
    }
    if (ev.type === 'text') {
      if (buffers.length > 0) buffers[buffers.length - 1] += ev.text;
      return;
    }
    const name = elements.pop() ?? '';
    const text = cleanText(buffers.pop() ?? '');
    const parent = elements[elements.length - 1] ?? '';
    const frame = frames[frames.length - 1];
    if (name === 'mainTerm' || name === 'term') {
      const f = frames.pop();
      if (f) finish(f);
      return;
    }
    if (name === 'version' && parent === 'ICD10CM.index') {
      stats.version = text;
      return;
    }
    if (name.startsWith('head:')) {
      headings.set(Number(name.slice(5)), text);
      const h1 = (headings.get(1) ?? '').toLowerCase();
      tableKind = h1.startsWith('substance') ? 'drug' : h1.startsWith('neoplasm') ? 'neoplasm' : 'other';
      return;
    }
    if (!frame) return;
    switch (true) {
      case name === 'title' && (parent === 'mainTerm' || parent === 'term'):
        frame.title = text;
        break;
      case name === 'code' || name === 'subcat' || name === 'seecat':
        if (text !== '') frame.codes.push(text);
        break;
      case name === 'see':
        frame.see.push(text);
        break;
      case name === 'seeAlso':
        frame.seeAlso.push(text);
        break;
      case name.startsWith('cell:'):
        if (text !== '') frame.cells.set(Number(name.slice(5)), text);
        break;
      case name === 'nemod' || name === 'manif':
        break; // nonessential modifiers and manifestations: not part of the title text
    }
  };

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) for (const ev of xml.push(chunk as string)) onEvent(ev);
    for (const ev of xml.end()) onEvent(ev);
  } finally {
    stream.destroy();
  }

  for (const p of pendingSee) {
    const target = registry.get(pathKey(p.target));
    if (!target || addTerms({ path: p.path, codes: target.codes, cells: target.cells }) === 0) {
      skip(stats, 'see-unresolved');
    }
  }

  for (const [code, terms] of byCode) {
    const { type, subtype } = icd10cmType(code);
    const d = new ConceptDraft(`icd10cm-index:${code}`, 'icd10cm-index', type, subtype);
    // the shallowest path names the concept (`Fever` before `Fever, with chills`)
    const sorted = [...terms].sort((a, b) => a[1] - b[1]);
    sorted.forEach(([t], i) => {
      d.addTerm(t, i === 0 ? 'preferred' : 'index');
    });
    d.addCode('icd10cm', code);
    stats.imported++;
    yield d.build();
  }
}
