/**
 * BioScope XML reader (Vincze et al. 2008): sentences with negation and speculation cues and their
 * scopes, as in the corpus's clinical (radiology), abstracts and full-papers files:
 *
 *   <Document type="..."><DocID>97663421</DocID>
 *     <DocumentPart type="IMPRESSION">
 *       <sentence id="S1.2"><xcope id="X1.2.1"><cue type="speculation" ref="X1.2.1">Possible</cue>
 *         mild pneumonia</xcope>.</sentence>
 *
 * A cue names its scope with `ref`; a cue written in parts (`neither ... nor`) is several `<cue>`
 * elements with the same `ref` and type, read as one cue with fragments. Scopes nest. Offsets are
 * UTF-16 offsets into the sentence text (tags removed, entities decoded). The parser is a small
 * non-validating one for this format: comments, processing instructions, CDATA and character
 * references are understood; anything it cannot place is kept in `problems` and never stops it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../errors/error.js';

export interface BioScopeFragment {
  readonly start: number;
  readonly end: number;
}

export interface BioScopeCue {
  /** `negation` or `speculation` (other values are kept as written). */
  readonly type: string;
  /** Id of the scope (`xcope`) the cue opens; '' when the cue has no `ref`. */
  readonly ref: string;
  /** Start of the first fragment. */
  readonly start: number;
  /** End of the last fragment. */
  readonly end: number;
  readonly fragments: readonly BioScopeFragment[];
  /** The fragments' texts joined by a space. */
  readonly text: string;
}

export interface BioScopeScope {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface BioScopeSentence {
  readonly id: string;
  /** The DocID of the document holding it ('' when none). */
  readonly doc: string;
  /** The `type` of the DocumentPart holding it ('' when none). */
  readonly part: string;
  readonly text: string;
  readonly cues: readonly BioScopeCue[];
  readonly scopes: readonly BioScopeScope[];
}

export interface BioScopeProblem {
  /** 1-based line of the XML file. */
  readonly line: number;
  readonly reason: string;
}

export interface BioScopeFile {
  readonly sentences: BioScopeSentence[];
  readonly documents: number;
  readonly problems: BioScopeProblem[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? m;
  });
}

function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    out[m[1] as string] = decode(m[3] ?? m[4] ?? '');
  }
  return out;
}

interface OpenElement {
  readonly name: string;
  readonly start: number;
  readonly attrs: Record<string, string>;
}

/** Parse a BioScope XML string. */
export function parseBioScope(xml: string): BioScopeFile {
  const sentences: BioScopeSentence[] = [];
  const problems: BioScopeProblem[] = [];
  let documents = 0;
  let doc = '';
  let part = '';
  let inDocId = false;
  let docIdText = '';
  // the sentence being read
  let sentence: { id: string; text: string; stack: OpenElement[] } | null = null;
  let cues: { type: string; ref: string; fragments: BioScopeFragment[] }[] = [];
  let scopes: BioScopeScope[] = [];

  const lineAt = (i: number): number => {
    let n = 1;
    for (let k = xml.indexOf('\n'); k >= 0 && k < i; k = xml.indexOf('\n', k + 1)) n++;
    return n;
  };
  const addText = (raw: string): void => {
    if (sentence) sentence.text += raw;
    else if (inDocId) docIdText += raw;
  };

  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) addText(decode(xml.slice(i, textEnd)));
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const e = xml.indexOf(']]>', lt + 9);
      addText(xml.slice(lt + 9, e < 0 ? n : e));
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
      const e = xml.indexOf('>', lt);
      i = e < 0 ? n : e + 1;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) {
      problems.push({ line: lineAt(lt), reason: 'unclosed tag' });
      break;
    }
    const raw = xml.slice(lt + 1, gt);
    i = gt + 1;
    const closing = raw.startsWith('/');
    const selfClosing = raw.endsWith('/');
    const body = raw.slice(closing ? 1 : 0, selfClosing ? -1 : undefined).trim();
    const nameMatch = /^[^\s/>]+/.exec(body);
    const name = nameMatch ? nameMatch[0] : '';
    const lname = name.toLowerCase();
    if (!closing) {
      const attrs = attributes(body.slice(name.length));
      if (lname === 'document') {
        documents++;
        doc = '';
        part = '';
      } else if (lname === 'docid') {
        inDocId = !selfClosing;
        docIdText = '';
      } else if (lname === 'documentpart') {
        part = attrs.type ?? '';
      } else if (lname === 'sentence') {
        if (sentence) problems.push({ line: lineAt(lt), reason: 'sentence inside a sentence' });
        sentence = { id: attrs.id ?? `S${sentences.length + 1}`, text: '', stack: [] };
        cues = [];
        scopes = [];
        if (selfClosing) {
          sentences.push({ id: sentence.id, doc, part, text: '', cues: [], scopes: [] });
          sentence = null;
        }
      } else if (sentence && !selfClosing) {
        // xcope, cue, and any other element inside a sentence
        sentence.stack.push({ name: lname, start: sentence.text.length, attrs });
      }
      continue;
    }
    // closing tag
    if (lname === 'docid') {
      inDocId = false;
      doc = docIdText.trim();
    } else if (lname === 'documentpart') {
      part = '';
    } else if (lname === 'sentence') {
      if (!sentence) {
        problems.push({ line: lineAt(lt), reason: 'closing a sentence that is not open' });
        continue;
      }
      if (sentence.stack.length > 0) {
        problems.push({
          line: lineAt(lt),
          reason: `unclosed <${sentence.stack[sentence.stack.length - 1]?.name}>`,
        });
      }
      const text = sentence.text;
      sentences.push({
        id: sentence.id,
        doc,
        part,
        text,
        cues: cues.map((c) => {
          const first = c.fragments[0] as BioScopeFragment;
          const last = c.fragments[c.fragments.length - 1] as BioScopeFragment;
          return {
            type: c.type,
            ref: c.ref,
            start: first.start,
            end: last.end,
            fragments: c.fragments,
            text: c.fragments.map((f) => text.slice(f.start, f.end)).join(' '),
          };
        }),
        scopes: scopes.sort((a, b) => a.start - b.start || b.end - a.end),
      });
      sentence = null;
    } else if (sentence) {
      const open = sentence.stack.pop();
      if (!open || open.name !== lname) {
        problems.push({ line: lineAt(lt), reason: `</${name}> does not close <${open?.name ?? 'nothing'}>` });
        if (open) sentence.stack.push(open);
        continue;
      }
      const end = sentence.text.length;
      if (lname === 'cue') {
        const type = open.attrs.type ?? '';
        const ref = open.attrs.ref ?? '';
        const fragment = { start: open.start, end };
        const same = ref !== '' ? cues.find((c) => c.ref === ref && c.type === type) : undefined;
        if (same) same.fragments.push(fragment);
        else cues.push({ type, ref, fragments: [fragment] });
      } else if (lname === 'xcope') {
        const id = open.attrs.id ?? '';
        scopes.push({ id, start: open.start, end, text: sentence.text.slice(open.start, end) });
      }
    }
  }
  if (sentence) problems.push({ line: lineAt(n), reason: 'unclosed <sentence> at the end of the file' });
  return { sentences, documents, problems };
}

/** Read one BioScope XML file, or every `.xml` file of a directory (sorted by name). */
export function readBioScope(path: string): BioScopeFile & { files: string[] } {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.toLowerCase().endsWith('.xml'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `cannot read '${path}'`, { path }, { cause: e });
  }
  const sentences: BioScopeSentence[] = [];
  const problems: BioScopeProblem[] = [];
  let documents = 0;
  for (const f of files) {
    let xml: string;
    try {
      xml = readFileSync(f, 'utf8');
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_EVAL_DATA_MALFORMED',
        `cannot read '${f}'`,
        { path: f },
        { cause: e },
      );
    }
    const one = parseBioScope(xml);
    sentences.push(...one.sentences);
    documents += one.documents;
    problems.push(...one.problems);
  }
  return { sentences, documents, problems, files };
}
