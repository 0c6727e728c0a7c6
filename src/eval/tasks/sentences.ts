/**
 * Task `sentences`: sentence boundaries of the pipeline against the sentence breaks of a CoNLL file
 * (default: NCBI disease dev, `ncbi_disease/conll/devel.tsv` under the shared data dir).
 *
 *   clinote eval sentences [--data FILE] [--pipeline CONFIG] [--limit N] [--errors]
 *
 * - Documents: `-DOCSTART-` lines when the file has them. NCBI's CoNLL files have none; when a
 *   PubTator file of the corpus lies beside them (`../original/*.txt`, or the CoNLL folder), its
 *   titles mark where each abstract starts (a title is matched by its characters without spaces).
 *   Otherwise the whole file is one document.
 * - Text: tokens joined by one space, sentences by one space (`conllToText`): running prose, so
 *   the splitter sees no line breaks.
 * - A boundary is the end offset of a sentence. The last end of each document is left out (every
 *   splitter gets it right). tp: predicted ends that are gold ends; fp: other predicted ends; fn:
 *   gold ends not predicted.
 * - strict: every gold boundary. lenient: the same, without the gold boundaries that break a number
 *   (a sentence ending in `.` followed by one starting with a digit: the corpus's own splitter cut
 *   decimals such as `2.11` into `2 .` | `11`); they are counted in `counts.goldNumberBreaks`.
 * - scores.wrapped: the same documents (their original text when found, else the rebuilt one) laid
 *   out by a fixed-width editor: the space before a word that would pass column 72 becomes a line
 *   break (`wrapText`, length-preserving, so the gold ends stay). A splitter that cuts at soft wraps
 *   (`... breath and` | `(per his wife) ...`, `... started on` | `Lasix ...`) loses precision there.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ConllDocument, type ConllSentence, conllToText, readConll } from '../../corpora/conll.js';
import { Doc } from '../../doc/doc.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { ClinoteError } from '../../errors/error.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask, PRF } from '../types.js';

export const SENTENCES_DEFAULT_DATA: readonly string[] = ['ncbi_disease', 'conll', 'devel.tsv'];

/** How the documents of the file were found. */
export type DocumentSource = 'docstart' | 'pubtator-titles' | 'single';

export interface BoundaryDoc {
  readonly id: string;
  readonly text: string;
  /** Gold sentence ends, the document's last end excluded. */
  readonly gold: number[];
  /** Gold ends that break a number (left out of the lenient score). */
  readonly numberBreaks: Set<number>;
  readonly sentences: number;
}

function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

/** The CoNLL file to read: `data` (a file, or a folder holding `devel.tsv` or `conll/devel.tsv`) or the default. */
export function resolveSentencesData(data: string | undefined): string {
  const path = resolveEvalData(data, SENTENCES_DEFAULT_DATA);
  if (data && statSync(path).isDirectory()) {
    for (const p of [join(path, 'devel.tsv'), join(path, 'conll', 'devel.tsv')]) if (existsSync(p)) return p;
    throw new ClinoteError(
      'CLINOTE_E_EVAL_DATA_MALFORMED',
      `no devel.tsv in '${path}'; pass the CoNLL file`,
      {
        path,
      },
    );
  }
  return path;
}

const TEXT_LINE = /^([^|\t\r\n]+)\|([ta])\|([^\r\n]*)$/gm;

/** A PubTator document: its id and its text (`title + ' ' + abstract`). */
export interface PubtatorText {
  readonly id: string;
  readonly text: string;
}

/**
 * Documents of the PubTator files beside a CoNLL file, by title (its characters without whitespace):
 * `../original/*.txt` and the CoNLL file's own folder.
 */
export function pubtatorTitlesNear(conllPath: string): Map<string, PubtatorText> {
  const titles = new Map<string, PubtatorText>();
  const dir = dirname(conllPath);
  for (const d of [join(dir, '..', 'original'), dir]) {
    let names: string[];
    try {
      names = readdirSync(d).filter((n) => n.endsWith('.txt'));
    } catch {
      continue;
    }
    for (const name of names) {
      let content: string;
      try {
        content = readFileSync(join(d, name), 'utf8');
      } catch {
        continue;
      }
      const byId = new Map<string, { title: string; abstract: string }>();
      for (const m of content.matchAll(TEXT_LINE)) {
        const id = m[1]!.trim();
        const entry = byId.get(id) ?? { title: '', abstract: '' };
        if (m[2] === 't') entry.title = m[3]!;
        else entry.abstract = m[3]!;
        byId.set(id, entry);
      }
      for (const [id, { title, abstract }] of byId) {
        const key = title.replace(/\s+/g, '');
        if (key !== '' && !titles.has(key)) titles.set(key, { id, text: `${title} ${abstract}` });
      }
    }
  }
  return titles;
}

/**
 * Cut one CoNLL document into documents where a known title starts (a title may span several
 * CoNLL sentences). Returns null when no title matches.
 */
export function splitAtTitles(
  doc: ConllDocument,
  titles: ReadonlyMap<string, PubtatorText>,
): ConllDocument[] | null {
  if (titles.size === 0) return null;
  let maxTitle = 0;
  for (const k of titles.keys()) maxTitle = Math.max(maxTitle, k.length);
  const flat = doc.sentences.map((s) => s.tokens.join('').replace(/\s+/g, ''));
  const out: { id: string; sentences: ConllSentence[] }[] = [];
  let k = 0;
  while (k < flat.length) {
    let id: string | undefined;
    let acc = '';
    for (let j = k; j < flat.length && j < k + 4; j++) {
      acc += flat[j]!;
      if (acc.length > maxTitle) break;
      id = titles.get(acc)?.id;
      if (id !== undefined) break;
    }
    if (id !== undefined || out.length === 0) out.push({ id: id ?? `${doc.id}#0`, sentences: [] });
    out[out.length - 1]!.sentences.push(doc.sentences[k]!);
    k++;
  }
  return out.length > 1 || out[0]?.id !== `${doc.id}#0` ? out : null;
}

/**
 * The gold sentence ends of a CoNLL document in an original text that holds its tokens in order
 * (whitespace aside); null when a token is not where expected.
 */
export function alignEnds(doc: ConllDocument, text: string): number[] | null {
  let pos = 0;
  const ends: number[] = [];
  for (const sent of doc.sentences) {
    let end = pos;
    for (const tok of sent.tokens) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      if (!text.startsWith(tok, pos)) return null;
      pos += tok.length;
      end = pos;
    }
    ends.push(end);
  }
  return ends;
}

function boundaryDoc(id: string, d: ConllDocument, text: string, ends: readonly number[]): BoundaryDoc {
  const numberBreaks = new Set<number>();
  for (let i = 0; i + 1 < d.sentences.length; i++) {
    const a = d.sentences[i]!.tokens;
    const b = d.sentences[i + 1]!.tokens;
    if (a[a.length - 1] === '.' && /^[0-9]/.test(b[0] ?? '')) numberBreaks.add(ends[i]!);
  }
  return { id, text, gold: ends.slice(0, -1), numberBreaks, sentences: d.sentences.length };
}

export interface BoundaryData {
  /** Texts rebuilt from the tokens (`conllToText`). */
  readonly docs: BoundaryDoc[];
  /** The same documents in their original text (PubTator), when it was found and aligns. */
  readonly original: BoundaryDoc[];
  readonly source: DocumentSource;
}

/** Documents of a CoNLL file for the boundary evaluation, and how they were found. */
export function boundaryDocs(path: string): BoundaryData {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `cannot read '${path}'`, { path }, { cause: e });
  }
  let conll = readConll(content);
  let source: DocumentSource = /^-DOCSTART-/m.test(content) ? 'docstart' : 'single';
  const originals = new Map<string, string>();
  if (source === 'single' && conll.length === 1) {
    const titles = pubtatorTitlesNear(path);
    const split = splitAtTitles(conll[0]!, titles);
    if (split) {
      conll = split;
      source = 'pubtator-titles';
      for (const p of titles.values()) originals.set(p.id, p.text);
    }
  }
  const docs: BoundaryDoc[] = [];
  const original: BoundaryDoc[] = [];
  for (const d of conll) {
    const view = conllToText(d);
    docs.push(boundaryDoc(d.id, d, view.text, view.sentenceEnds));
    const text = originals.get(d.id);
    const ends = text !== undefined ? alignEnds(d, text) : null;
    if (text !== undefined && ends !== null) original.push(boundaryDoc(d.id, d, text, ends));
  }
  return { docs, original, source };
}

/** Width of the fixed-width layout of `scores.wrapped`. */
export const WRAP_COLUMNS = 72;

/**
 * A text laid out by a fixed-width editor: each space before a word that would pass `width` columns
 * becomes a line break. Same length as the text (the offsets of the gold ends do not move); a word
 * longer than the width stays whole on its line.
 */
export function wrapText(text: string, width = WRAP_COLUMNS): string {
  const out = text.split('');
  let column = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      column = 0;
      i++;
      continue;
    }
    if (c === ' ') {
      let w = i + 1;
      while (w < n && text[w] !== ' ' && text[w] !== '\n') w++;
      if (column > 0 && w > i + 1 && column + (w - i) > width) {
        out[i] = '\n';
        column = 0;
      } else column++;
      i++;
      continue;
    }
    column++;
    i++;
  }
  return out.join('');
}

export interface BoundaryCounts {
  tp: number;
  fp: number;
  fn: number;
  /** The same without the gold number breaks. */
  ltp: number;
  lfp: number;
  lfn: number;
}

/** Compare predicted ends (the document's own end left out) to a document's gold ends. */
export function compareBoundaries(
  doc: BoundaryDoc,
  predictedEnds: readonly number[],
  counts: BoundaryCounts,
  errors?: EvalErrorItem[],
): void {
  const last = doc.text.trimEnd().length;
  const pred = new Set(predictedEnds.filter((e) => e < last));
  const gold = new Set(doc.gold);
  const context = (at: number): string =>
    `${doc.text.slice(Math.max(0, at - 50), at)}|${doc.text.slice(at, at + 50)}`;
  for (const e of pred) {
    if (gold.has(e)) {
      counts.tp++;
      counts.ltp++;
    } else {
      counts.fp++;
      counts.lfp++;
      errors?.push({ kind: 'fp', doc: doc.id, start: e, end: e, context: context(e) });
    }
  }
  for (const e of gold) {
    if (pred.has(e)) continue;
    counts.fn++;
    // gold number breaks that were predicted stay true positives in lenient; missed ones are left out
    const numberBreak = doc.numberBreaks.has(e);
    if (!numberBreak) counts.lfn++;
    errors?.push({
      kind: 'fn',
      doc: doc.id,
      start: e,
      end: e,
      context: context(e),
      ...(numberBreak ? { detail: 'the gold boundary breaks a number (left out of lenient)' } : {}),
    });
  }
}

interface Scored {
  counts: BoundaryCounts;
  goldSentences: number;
  predictedSentences: number;
  numberBreaks: number;
  chars: number;
  seconds: number;
}

function scoreDocs(
  pipeline: Pipeline,
  docs: readonly BoundaryDoc[],
  errors: EvalErrorItem[] | undefined,
): Scored {
  const r: Scored = {
    counts: { tp: 0, fp: 0, fn: 0, ltp: 0, lfp: 0, lfn: 0 },
    goldSentences: 0,
    predictedSentences: 0,
    numberBreaks: 0,
    chars: 0,
    seconds: 0,
  };
  for (const d of docs) {
    const started = performance.now();
    const doc = pipeline.runSync(new Doc(d.text, { id: d.id }));
    r.seconds += (performance.now() - started) / 1000;
    const sentences = doc.get('sentences');
    r.predictedSentences += sentences.length;
    r.goldSentences += d.sentences;
    r.numberBreaks += d.numberBreaks.size;
    r.chars += d.text.length;
    compareBoundaries(
      d,
      sentences.map((s) => s.end),
      r.counts,
      errors,
    );
  }
  return r;
}

export const sentencesTask: EvalTask = {
  name: 'sentences',
  description:
    'Sentence boundaries (end offsets) of the pipeline against the sentence breaks of a CoNLL file (default NCBI disease dev)',
  async run(options: EvalOptions): Promise<EvalReport> {
    const path = resolveSentencesData(options.data);
    const data = boundaryDocs(path);
    if (data.docs.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no sentences in CoNLL file '${path}'`, {
        path,
      });
    }
    const limit = options.limit !== undefined ? Math.max(0, options.limit) : undefined;
    const docs = limit !== undefined ? data.docs.slice(0, limit) : data.docs;
    const pipeline = loadPipelineSync(options.pipeline !== undefined ? { configPath: options.pipeline } : {});
    const errors: EvalErrorItem[] | undefined = options.errors ? [] : undefined;
    const rebuilt = scoreDocs(pipeline, docs, errors);
    const report: EvalReport = {
      task: 'sentences',
      data: path,
      strict: prf(rebuilt.counts.tp, rebuilt.counts.fp, rebuilt.counts.fn),
      lenient: prf(rebuilt.counts.ltp, rebuilt.counts.lfp, rebuilt.counts.lfn),
      scores: {
        documentsFrom: data.source,
        text: 'tokens joined by one space, sentences by one space',
        boundary: 'sentence end offsets; the last end of each document left out',
        lenient: 'strict without the gold boundaries that break a number (`2 .` | `11`)',
      },
      counts: {
        documents: docs.length,
        goldSentences: rebuilt.goldSentences,
        predictedSentences: rebuilt.predictedSentences,
        goldBoundaries: rebuilt.counts.tp + rebuilt.counts.fn,
        predictedBoundaries: rebuilt.counts.tp + rebuilt.counts.fp,
        goldNumberBreaks: rebuilt.numberBreaks,
        characters: rebuilt.chars,
      },
      timing: {
        seconds: rebuilt.seconds,
        itemsPerSecond: rebuilt.seconds > 0 ? docs.length / rebuilt.seconds : 0,
        unit: 'documents',
      },
    };
    const originals = limit !== undefined ? data.original.slice(0, limit) : data.original;
    const wrapSource = originals.length > 0 ? originals : docs;
    const wrapped = scoreDocs(
      pipeline,
      wrapSource.map((d) => ({ ...d, text: wrapText(d.text) })),
      undefined,
    );
    report.scores!.wrapped = {
      text: `${originals.length > 0 ? 'the PubTator text' : 'the rebuilt text'} wrapped at ${WRAP_COLUMNS} columns (a space becomes a line break)`,
      documents: wrapSource.length,
      strict: prf(wrapped.counts.tp, wrapped.counts.fp, wrapped.counts.fn),
      lenient: prf(wrapped.counts.ltp, wrapped.counts.lfp, wrapped.counts.lfn),
    };
    if (originals.length > 0) {
      const o = scoreDocs(pipeline, originals, undefined);
      report.scores!.original = {
        text: 'the PubTator text of each document (title, a space, abstract), gold ends aligned to it',
        documents: originals.length,
        strict: prf(o.counts.tp, o.counts.fp, o.counts.fn),
        lenient: prf(o.counts.ltp, o.counts.lfp, o.counts.lfn),
        goldNumberBreaks: o.numberBreaks,
      };
    }
    if (errors) report.errors = errors;
    return report;
  },
};
