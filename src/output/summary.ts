/**
 * `summary`: a short readable summary per note, for a person at a terminal (the default of
 * `clinote extract` when standard output is a terminal and no `--format` is given). Per note: the
 * sections; concepts grouped by type, each with its assertion, code and source text; medications
 * with their sig; labs and vital signs with value, unit and flag. Coloured when asked (`color`:
 * see `useColor`). Not a machine format: use `json`, `ndjson` or `fhir` for that.
 */
import type { FormatWriter, OutputFormat, OutputSummary } from './format-types.js';
import type { ErrorResult, Result } from './schema.js';

type Concept = Result['concepts'][number];
type Medication = NonNullable<Result['medications']>[number];
type Measurement = NonNullable<Result['measurements']>[number];

/** Whether to colour text written to a stream: NO_COLOR, FORCE_COLOR, then a terminal that is not `dumb`. */
export function useColor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;
const COLOR: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};
const id = (s: string): string => s;
const PLAIN: Paint = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

/** Control characters of note text never reach the terminal (an escape sequence in a note). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Note text on one line: whitespace runs as one space, controls dropped, long text cut. */
function oneLine(text: string, max = 60): string {
  const s = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const TYPE_TITLES: Readonly<Record<string, string>> = {
  problem: 'Problems',
  medication: 'Medication concepts',
  procedure: 'Procedures',
  lab: 'Lab concepts',
  anatomy: 'Anatomy',
  device: 'Devices',
};
const TYPE_ORDER = ['problem', 'procedure', 'medication', 'lab', 'device', 'anatomy'];
const typeRank = (t: string): number => {
  const i = TYPE_ORDER.indexOf(t);
  return i < 0 ? TYPE_ORDER.length : i;
};

const SYSTEMS: Readonly<Record<string, string>> = {
  icd10cm: 'ICD-10-CM',
  rxnorm: 'RxNorm',
  loinc: 'LOINC',
  hcpcs: 'HCPCS',
  doid: 'DOID',
  hpo: 'HPO',
  mesh: 'MeSH',
  omim: 'OMIM',
  snomedct: 'SNOMED CT',
};

/** The assertion of a concept in a word, and how to paint it. */
function assertionOf(c: Concept, p: Paint): string {
  const a = c.assertion;
  if (!a) return '';
  const words = a.categories.length > 0 ? a.categories.map((x) => x.toLowerCase()) : [a.status];
  const text = words.join(', ');
  if (a.status === 'present') return p.green(text);
  if (a.status === 'absent') return p.red(text);
  return p.yellow(text);
}

function conceptLine(c: Concept, count: number, p: Paint): string {
  const code = c.codes[0];
  const parts = [p.bold(oneLine(c.text, 40))];
  if (c.preferred && c.preferred.toLowerCase() !== c.text.toLowerCase())
    parts.push(p.dim(`(${oneLine(c.preferred, 40)})`));
  const assertion = assertionOf(c, p);
  if (assertion) parts.push(assertion);
  if (code) parts.push(p.cyan(`${SYSTEMS[code.system] ?? code.system} ${code.code}`));
  if (count > 1) parts.push(p.dim(`×${count}`));
  return `    ${parts.join('  ')}`;
}

function medicationLine(m: Medication, p: Paint): string {
  const sig = [m.strength, m.dose, m.form, m.route, m.frequency, m.asNeeded, m.duration]
    .filter((s) => s !== undefined)
    .map((s) => oneLine(s.text, 30));
  const parts = [p.bold(oneLine(m.drug.text, 40))];
  if (sig.length > 0) parts.push(sig.join(' '));
  if (m.status) parts.push(p.yellow(m.status.value));
  if (m.drug.rxnorm) parts.push(p.cyan(`RxNorm ${m.drug.rxnorm}`));
  return `    ${parts.join('  ')}`;
}

function measurementLine(m: Measurement, p: Paint): string {
  const name = m.test.name ?? m.test.text;
  const value = [m.value?.text, m.unit?.text].filter((s) => s !== undefined).map((s) => oneLine(s, 30));
  const parts = [p.bold(oneLine(name, 40))];
  if (value.length > 0) parts.push(value.join(' '));
  if (m.flag) parts.push(p.red(m.flag.code));
  if (m.test.loinc) parts.push(p.cyan(`LOINC ${m.test.loinc}`));
  return `    ${parts.join('  ')}`;
}

/** The summary of one result, as lines (no trailing newline). */
export function summarizeResult(r: Result, p: Paint = PLAIN): string[] {
  const lines: string[] = [p.bold(`■ ${r.id}`)];
  if (r.flags.length > 0) lines.push(`  ${p.yellow(`flags: ${r.flags.map((f) => f.code).join(', ')}`)}`);
  const sections = r.sections.filter((s) => s.parent === undefined);
  if (sections.length > 0) {
    const names = sections.map((s) =>
      s.header ? `${s.category} ${p.dim(`"${oneLine(s.header.text, 30)}"`)}` : s.category,
    );
    lines.push(`  ${p.dim('sections:')} ${names.join(', ')}`);
  }
  // concepts by type, identical mentions (text, concept, assertion) once with a count
  const groups = new Map<string, Map<string, { concept: Concept; count: number }>>();
  for (const c of r.concepts) {
    const key = `${c.text.toLowerCase()}\u0000${c.id ?? c.preferred ?? ''}\u0000${c.assertion?.status ?? ''}\u0000${(c.assertion?.categories ?? []).join(',')}`;
    let group = groups.get(c.type);
    if (!group) groups.set(c.type, (group = new Map()));
    const seen = group.get(key);
    if (seen) seen.count++;
    else group.set(key, { concept: c, count: 1 });
  }
  const meds = r.medications ?? [];
  const types = [...groups.keys()].sort((a, b) => typeRank(a) - typeRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const type of types) {
    const group = groups.get(type)!;
    // drug concepts are listed below with their sig
    if (type === 'medication' && meds.length > 0) continue;
    if (type === 'anatomy') {
      // body sites on one line: they qualify the problems above
      const names = [...new Set([...group.values()].map((g) => oneLine(g.concept.text, 30).toLowerCase()))];
      lines.push(`  ${p.bold('Anatomy')} ${p.dim(`(${group.size})`)} ${names.join(', ')}`);
      continue;
    }
    lines.push(
      `  ${p.bold(TYPE_TITLES[type] ?? `${type[0]!.toUpperCase()}${type.slice(1)}`)} ${p.dim(`(${group.size})`)}`,
    );
    for (const { concept, count } of group.values()) lines.push(conceptLine(concept, count, p));
  }
  if (meds.length > 0) {
    lines.push(`  ${p.bold('Medications')} ${p.dim(`(${meds.length})`)}`);
    for (const m of meds) lines.push(medicationLine(m, p));
  }
  const meas = r.measurements ?? [];
  const labs = meas.filter((m) => m.kind !== 'vital');
  const vitals = meas.filter((m) => m.kind === 'vital');
  if (labs.length > 0) {
    lines.push(`  ${p.bold('Labs')} ${p.dim(`(${labs.length})`)}`);
    for (const m of labs) lines.push(measurementLine(m, p));
  }
  if (vitals.length > 0) {
    lines.push(`  ${p.bold('Vital signs')} ${p.dim(`(${vitals.length})`)}`);
    for (const m of vitals) lines.push(measurementLine(m, p));
  }
  if (r.concepts.length === 0 && meds.length === 0 && meas.length === 0)
    lines.push(`  ${p.dim('nothing found')}`);
  return lines;
}

export function summarizeError(e: ErrorResult, p: Paint = PLAIN): string[] {
  return [p.bold(`■ ${e.id}`), `  ${p.red(`error ${e.error.code}`)}: ${oneLine(e.error.message, 200)}`];
}

export const summaryFormat: OutputFormat = {
  name: 'summary',
  description:
    'a short readable summary per note (sections, concepts, medications, labs): the default on a terminal',
  mediaType: 'text/plain',
  create({ color }) {
    const p = color === true ? COLOR : PLAIN;
    let n = 0;
    const block = (lines: string[]): string => `${n++ > 0 ? '\n' : ''}${lines.join('\n')}\n`;
    const writer: FormatWriter = {
      begin: () => '',
      result: (r) => block(summarizeResult(r, p)),
      error: (e) => block(summarizeError(e, p)),
      end: (s: OutputSummary) =>
        s.notes > 1
          ? `\n${p.dim(`${s.notes} notes, ${s.ok} ok, ${s.errors} errors: --format json or ndjson for every field`)}\n`
          : '',
    };
    return writer;
  },
};
