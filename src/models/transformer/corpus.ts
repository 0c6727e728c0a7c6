/**
 * The unlabelled text of the transformer path (tokenizer training, MLM pretraining), read from the
 * shared data dir by path, never copied. Each source names its licence for the model card.
 *
 * Evaluation text is held out so that later fine-tuning figures stay honest: the NCBI and BC5CDR
 * dev splits, the CodiEsp dev split, the MACCROBAT `score` part (`devSplit`) and the MTSamples rows
 * of the `heldout` split of the specialty task (`splitOf`, seed 1) are not read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devSplit } from '../../corpora/brat.js';
import { conllToText, readConll } from '../../corpora/conll.js';
import { readPubtatorFile } from '../../corpora/pubtator.js';
import { sharedDataPath } from '../../data.js';
import { ClinoteError } from '../../errors/error.js';
import { MTSAMPLES_FILE, readMtSamples, splitOf } from '../classify/tasks/mtsamples.js';

export interface TextSource {
  readonly name: string;
  /** Path under the shared data dir. */
  readonly path: readonly string[];
  readonly licence: string;
  readonly attribution: string;
  readonly heldOut: string;
}

export const TEXT_SOURCES: readonly TextSource[] = [
  {
    name: 'mtsamples',
    path: MTSAMPLES_FILE,
    licence: 'CC0 1.0',
    attribution:
      'MTSamples transcribed medical samples (mtsamples.com, Kaggle "Medical Transcriptions" export)',
    heldOut: 'rows of the specialty task heldout split (splitOf, seed 1)',
  },
  {
    name: 'codiesp',
    path: ['codiesp', 'train', 'text_files_en'],
    licence: 'CC BY 4.0',
    attribution: 'CodiEsp corpus, CLEF eHealth 2020 (Miranda-Escalada et al.), machine-translated English',
    heldOut: 'the dev split',
  },
  {
    name: 'ncbi-disease',
    path: ['ncbi_disease', 'original', 'NCBItrainset_corpus.txt'],
    licence: 'public domain (NLM)',
    attribution: 'NCBI disease corpus (Dogan et al. 2014), PubMed abstracts',
    heldOut: 'the dev split',
  },
  {
    name: 'bc5cdr',
    path: ['bc5cdr', 'BC5CDR-IOB', 'train.tsv'],
    licence: 'CC BY 4.0',
    attribution: 'BioCreative V CDR corpus (Li et al. 2016), PubMed abstracts',
    heldOut: 'the devel split',
  },
  {
    name: 'chia',
    path: ['chia', 'chia_with_scope'],
    licence: 'CC BY 4.0',
    attribution: 'Chia, clinical trial eligibility criteria (Kury et al. 2020)',
    heldOut: 'none',
  },
  {
    name: 'maccrobat',
    path: ['maccrobat'],
    licence: 'CC BY 4.0',
    attribution: 'MACCROBAT 2020 case reports (Caufield et al. 2019)',
    heldOut: 'the score part of the fixed dev split (devSplit)',
  },
  {
    name: 'ade',
    path: ['ade_corpus_v2'],
    licence: 'research use; cite Gurulingappa et al. 2012',
    attribution: 'ADE corpus v2 (Gurulingappa et al. 2012), sentences of case reports',
    heldOut: 'none',
  },
];

export interface TextDocument {
  readonly source: string;
  readonly id: string;
  readonly text: string;
}

function txtFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.txt'))
    .sort();
}

function readSource(source: TextSource, dir: string): TextDocument[] {
  const out: TextDocument[] = [];
  const put = (id: string, text: string): void => {
    if (text.trim().length > 0) out.push({ source: source.name, id, text });
  };
  switch (source.name) {
    case 'mtsamples':
      for (const s of readMtSamples(dir).samples)
        if (splitOf(s.transcription.trim(), 1) !== 'heldout') put(String(s.row), s.transcription);
      break;
    case 'codiesp':
      for (const n of txtFiles(dir)) put(n, readFileSync(join(dir, n), 'utf8'));
      break;
    case 'ncbi-disease':
      for (const d of readPubtatorFile(dir).docs) put(d.id, d.text);
      break;
    case 'bc5cdr':
      for (const d of readConll(readFileSync(dir, 'utf8'))) put(d.id, conllToText(d).text);
      break;
    case 'chia':
      for (const n of txtFiles(dir)) put(n, readFileSync(join(dir, n), 'utf8'));
      break;
    case 'maccrobat': {
      const ids = txtFiles(dir).map((n) => n.replace(/\.txt$/, ''));
      for (const id of devSplit(ids, 'tune')) put(id, readFileSync(join(dir, `${id}.txt`), 'utf8'));
      break;
    }
    case 'ade': {
      const seen = new Set<string>();
      const neg = readFileSync(join(dir, 'ADE-NEG.txt'), 'utf8').split('\n');
      for (const line of neg) {
        const m = /^(\d+)\s+NEG\s+(.*)$/.exec(line);
        if (m && !seen.has(m[2]!)) {
          seen.add(m[2]!);
          put(`neg-${m[1]}`, m[2]!);
        }
      }
      for (const line of readFileSync(join(dir, 'DRUG-AE.rel'), 'utf8').split('\n')) {
        const f = line.split('|');
        if (f.length > 2 && !seen.has(f[1]!)) {
          seen.add(f[1]!);
          put(`ae-${f[0]}`, f[1]!);
        }
      }
      break;
    }
    default:
      throw new Error(`unknown text source ${source.name}`);
  }
  return out;
}

export interface CorpusReport {
  readonly documents: TextDocument[];
  /** Per source: documents and characters read; null when the source is absent. */
  readonly sources: { name: string; documents: number; chars: number; present: boolean }[];
}

/**
 * Read the unlabelled text of `names` (default: every source). Absent sources are reported, not
 * fatal; CLINOTE_E_MODEL_TRAINING_DATA when none is present. `limit`: most documents per source.
 */
export function readPretrainingText(
  options: { names?: readonly string[]; limit?: number } = {},
): CorpusReport {
  const wanted = options.names ?? TEXT_SOURCES.map((s) => s.name);
  const unknown = wanted.filter((n) => !TEXT_SOURCES.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', `unknown text sources: ${unknown.join(', ')}`, {
      options: unknown,
    });
  const documents: TextDocument[] = [];
  const sources: CorpusReport['sources'] = [];
  for (const source of TEXT_SOURCES) {
    if (!wanted.includes(source.name)) continue;
    const p = sharedDataPath(...source.path);
    if (p === null) {
      sources.push({ name: source.name, documents: 0, chars: 0, present: false });
      continue;
    }
    let docs = readSource(source, p);
    if (options.limit !== undefined) docs = docs.slice(0, options.limit);
    sources.push({
      name: source.name,
      documents: docs.length,
      chars: docs.reduce((a, d) => a + d.text.length, 0),
      present: true,
    });
    documents.push(...docs);
  }
  if (documents.length === 0)
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      'no pretraining text found in the shared data dir (set CLINOTE_DATA_DIR)',
      { sources: wanted },
    );
  return { documents, sources };
}
