/**
 * brat standoff reader (`.txt` + `.ann`), as written by the brat annotation tool.
 *
 * Lines of an `.ann` file (fields separated by TABs):
 *
 *   T1<TAB>Type 10 15<TAB>text                 text-bound entity
 *   T2<TAB>Type 10 15;20 25<TAB>text a text b  discontinuous entity (fragment texts joined by a space)
 *   E1<TAB>Type:T1 Role:T2 Role2:E3            event: trigger, then role:argument pairs
 *   R1<TAB>Type Arg1:T3 Arg2:T5                relation
 *   *<TAB>Type T1 T2 ...                       equivalence / set (e.g. OR, OVERLAP)
 *   A1<TAB>Name T1 [Value]                     attribute (binary when there is no value); M is the old letter
 *   N1<TAB>Type T1 Db:Id<TAB>text              normalization
 *   #1<TAB>AnnotatorNotes T1<TAB>text          note
 *
 * Offsets count Unicode code points (brat is written in Python); they are mapped to UTF-16 offsets of
 * the `.txt` as read, carriage returns kept (corpora written on Windows count them). An entity whose
 * text spans lines continues on the next `.ann` lines; those lines are joined back with `\n`.
 * Every entity's text is checked against the `.txt` at its offsets (`textMatches`, `textMismatches`);
 * lines that cannot be read are kept in `problems` and never stop the reader.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ClinoteError } from '../errors/error.js';
import { codePointOffsets } from './offsets.js';

export interface BratFragment {
  readonly start: number;
  readonly end: number;
}

export interface BratEntity {
  readonly id: string;
  readonly type: string;
  /** Start of the first fragment. */
  readonly start: number;
  /** End of the last fragment. */
  readonly end: number;
  /** One fragment, or several for a discontinuous entity. */
  readonly fragments: readonly BratFragment[];
  /** The text as written in the `.ann` file. */
  readonly text: string;
  /** Whether `text` equals the `.txt` at the fragments (whitespace runs compared as one space); true when no `.txt` was given. */
  readonly textMatches: boolean;
}

export interface BratArgument {
  readonly role: string;
  /** Id of an entity (T) or event (E). */
  readonly ref: string;
}

export interface BratEvent {
  readonly id: string;
  readonly type: string;
  /** Id of the trigger entity (T). */
  readonly trigger: string;
  readonly args: readonly BratArgument[];
}

export interface BratRelation {
  readonly id: string;
  readonly type: string;
  /** Usually `Arg1` and `Arg2`. */
  readonly args: readonly BratArgument[];
}

export interface BratAttribute {
  readonly id: string;
  readonly name: string;
  /** Id of the annotated entity or event. */
  readonly target: string;
  /** The value (`NEG`, `UNCERTAIN`, ...), or true for a binary attribute (`A1 Negation E3`). */
  readonly value: string | true;
}

export interface BratEquivalence {
  /** E.g. `Equiv`, `OR`, `OVERLAP`. */
  readonly type: string;
  readonly refs: readonly string[];
}

export interface BratNormalization {
  readonly id: string;
  readonly type: string;
  readonly target: string;
  /** `Db:Id`, e.g. `UMLS:C0011849`. */
  readonly ref: string;
  readonly text: string;
}

export interface BratNote {
  readonly id: string;
  readonly type: string;
  readonly target: string;
  readonly text: string;
}

export interface BratProblem {
  /** 1-based line number in the `.ann` file. */
  readonly line: number;
  readonly reason: string;
}

export interface BratAnnotations {
  readonly entities: BratEntity[];
  readonly events: BratEvent[];
  readonly relations: BratRelation[];
  readonly attributes: BratAttribute[];
  readonly equivalences: BratEquivalence[];
  readonly normalizations: BratNormalization[];
  readonly notes: BratNote[];
  /** Lines that could not be read. */
  readonly problems: BratProblem[];
  /** Entities whose text does not match the `.txt` (0 when no `.txt` was given). */
  readonly textMismatches: number;
}

export interface BratDocument extends BratAnnotations {
  /** File name without extension. */
  readonly id: string;
  /** The `.txt`, as read. */
  readonly text: string;
  readonly txtPath: string;
  readonly annPath: string;
}

const LINE_ID = /^([TERAMN]\d+|#\d*|\*)\t/;
const ARG = /^([^:\s]+):(\S+)$/;

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Parse the `.ann` file; `text` (the `.txt`) maps offsets and checks entity texts. */
export function parseBratAnn(ann: string, text?: string): BratAnnotations {
  const toUnits = text === undefined ? (o: number) => o : codePointOffsets(text);
  const entities: BratEntity[] = [];
  const events: BratEvent[] = [];
  const relations: BratRelation[] = [];
  const attributes: BratAttribute[] = [];
  const equivalences: BratEquivalence[] = [];
  const normalizations: BratNormalization[] = [];
  const notes: BratNote[] = [];
  const problems: BratProblem[] = [];

  // Join continuation lines (entity texts holding newlines) to the line they continue.
  const lines: { no: number; line: string }[] = [];
  ann.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const last = lines[lines.length - 1];
    if (line.trim() === '' || LINE_ID.test(line) || last === undefined || !/^T\d/.test(last.line)) {
      lines.push({ no: i + 1, line });
    } else {
      last.line += `\n${line}`;
    }
  });

  for (const { no, line } of lines) {
    if (line.trim() === '') continue;
    const m = LINE_ID.exec(line);
    if (!m) {
      problems.push({ line: no, reason: 'not an annotation line' });
      continue;
    }
    const id = m[1] as string;
    const rest = line.slice(m[0].length);
    const tab = rest.indexOf('\t');
    const head = (tab < 0 ? rest : rest.slice(0, tab)).trim();
    const tail = tab < 0 ? '' : rest.slice(tab + 1);
    const parts = head.split(/\s+/).filter((p) => p !== '');
    const kind = id[0];
    if (kind === 'T') {
      const type = parts[0];
      const spec = head.slice(type?.length ?? 0).trim();
      const fragments: BratFragment[] = [];
      let ok = type !== undefined && spec !== '';
      for (const f of spec.split(';')) {
        const fm = /^\s*(\d+)\s+(\d+)\s*$/.exec(f);
        if (!fm) {
          ok = false;
          break;
        }
        const start = toUnits(Number(fm[1]));
        const end = toUnits(Number(fm[2]));
        if (end < start) ok = false;
        fragments.push({ start, end });
      }
      if (!ok || type === undefined || fragments.length === 0) {
        problems.push({ line: no, reason: 'malformed text-bound annotation' });
        continue;
      }
      const first = fragments[0] as BratFragment;
      const last = fragments[fragments.length - 1] as BratFragment;
      let textMatches = true;
      if (text !== undefined) {
        if (last.end > text.length) {
          textMatches = false;
        } else {
          const actual = fragments.map((f) => text.slice(f.start, f.end)).join(' ');
          textMatches = actual === tail || collapse(actual) === collapse(tail);
        }
      }
      entities.push({ id, type, start: first.start, end: last.end, fragments, text: tail, textMatches });
    } else if (kind === 'E') {
      const args: BratArgument[] = [];
      let bad = false;
      for (const p of parts) {
        const am = ARG.exec(p);
        if (am) args.push({ role: am[1] as string, ref: am[2] as string });
        else bad = true;
      }
      const trigger = args.shift();
      if (bad || trigger === undefined) {
        problems.push({ line: no, reason: 'malformed event' });
        continue;
      }
      events.push({ id, type: trigger.role, trigger: trigger.ref, args });
    } else if (kind === 'R') {
      const [type, ...argParts] = parts;
      const args: BratArgument[] = [];
      for (const p of argParts) {
        const am = ARG.exec(p);
        if (am) args.push({ role: am[1] as string, ref: am[2] as string });
      }
      if (type === undefined || args.length !== argParts.length || args.length === 0) {
        problems.push({ line: no, reason: 'malformed relation' });
        continue;
      }
      relations.push({ id, type, args });
    } else if (kind === 'A' || kind === 'M') {
      const [name, target, value] = parts;
      if (name === undefined || target === undefined || parts.length > 3) {
        problems.push({ line: no, reason: 'malformed attribute' });
        continue;
      }
      attributes.push({ id, name, target, value: value ?? true });
    } else if (kind === 'N') {
      const [type, target, ref] = parts;
      if (type === undefined || target === undefined || ref === undefined) {
        problems.push({ line: no, reason: 'malformed normalization' });
        continue;
      }
      normalizations.push({ id, type, target, ref, text: tail });
    } else if (kind === '#') {
      const [type, target] = parts;
      notes.push({ id, type: type ?? '', target: target ?? '', text: tail });
    } else {
      const [type, ...refs] = parts;
      if (type === undefined || refs.length === 0) {
        problems.push({ line: no, reason: 'malformed equivalence' });
        continue;
      }
      equivalences.push({ type, refs });
    }
  }
  const textMismatches = entities.reduce((n, e) => n + (e.textMatches ? 0 : 1), 0);
  return {
    entities,
    events,
    relations,
    attributes,
    equivalences,
    normalizations,
    notes,
    problems,
    textMismatches,
  };
}

/** The entity an id stands for: the entity itself, or the trigger of an event. */
export function resolveEntity(ann: BratAnnotations, ref: string): BratEntity | undefined {
  const id = ann.events.find((e) => e.id === ref)?.trigger ?? ref;
  return ann.entities.find((e) => e.id === id);
}

/**
 * Attributes per entity id, those on the entity and those on events it triggers
 * (`A1 POLARITY E3 NEG` lands on E3's trigger): entity id -> attribute name -> value.
 */
export function entityAttributes(ann: BratAnnotations): Map<string, Record<string, string | true>> {
  const trigger = new Map(ann.events.map((e) => [e.id, e.trigger]));
  const out = new Map<string, Record<string, string | true>>();
  for (const a of ann.attributes) {
    const target = trigger.get(a.target) ?? a.target;
    let rec = out.get(target);
    if (!rec) out.set(target, (rec = {}));
    rec[a.name] = a.value;
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `cannot read '${path}'`, { path }, { cause: e });
  }
}

/** Read one document from its `.txt` (the `.ann` beside it, or `annPath`). A missing `.ann` means no annotations. */
export function readBratDocument(txtPath: string, annPath = txtPath.replace(/\.txt$/, '.ann')): BratDocument {
  const text = readText(txtPath);
  const ann = existsSync(annPath) ? readText(annPath) : '';
  return { id: basename(txtPath).replace(/\.txt$/, ''), text, txtPath, annPath, ...parseBratAnn(ann, text) };
}

export interface BratDirectory {
  /** Documents that have both a `.txt` and an `.ann`, sorted by id. */
  readonly docs: BratDocument[];
  /** Names of `.txt` files without an `.ann` and `.ann` files without a `.txt` (not read). */
  readonly unpaired: string[];
}

/**
 * Which part of a development set a document belongs to: `tune` (errors are read from it and rules
 * tuned on it) or `score` (only scored, never read). The split is fixed once: the documents are
 * ordered by the SHA-256 of their id, and the first 2/7 of them (40 of MACCROBAT's 140) are `score`.
 * It depends on the set of ids only, not on the order the files are listed in.
 */
export type DevSplit = 'tune' | 'score';

export const DEV_SPLITS: readonly DevSplit[] = ['tune', 'score'];

/** The ids of `ids` that fall in `split` (see DevSplit), in their given order. */
export function devSplit(ids: readonly string[], split: DevSplit): string[] {
  const hash = (id: string): string => createHash('sha256').update(id).digest('hex');
  const ranked = [...new Set(ids)].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
  const scored = new Set(ranked.slice(0, Math.round((ranked.length * 2) / 7)));
  return ids.filter((id) => scored.has(id) === (split === 'score'));
}

/** Read every `.txt`/`.ann` pair of a directory (not recursive), sorted by name; `split` keeps one part of it. */
export function readBratDir(dir: string, options: { limit?: number; split?: DevSplit } = {}): BratDirectory {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_EVAL_DATA_MALFORMED',
      `'${dir}' is not a readable directory of brat .txt/.ann files`,
      { path: dir },
      { cause: e },
    );
  }
  const stems = (ext: string): Set<string> =>
    new Set(names.filter((n) => n.endsWith(ext)).map((n) => n.slice(0, -ext.length)));
  const txt = stems('.txt');
  const ann = stems('.ann');
  const paired = [...txt].filter((s) => ann.has(s)).sort();
  const unpaired = [
    ...[...txt].filter((s) => !ann.has(s)).map((s) => `${s}.txt`),
    ...[...ann].filter((s) => !txt.has(s)).map((s) => `${s}.ann`),
  ].sort();
  const kept = options.split !== undefined ? devSplit(paired, options.split) : paired;
  const limited = options.limit !== undefined ? kept.slice(0, Math.max(0, options.limit)) : kept;
  const docs = limited.map((s) => readBratDocument(join(dir, `${s}.txt`), join(dir, `${s}.ann`)));
  return { docs, unpaired };
}
