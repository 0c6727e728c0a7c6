/**
 * Presets of the `ner` task: the corpus format, its default path under the shared data dir (used when
 * `--data` is omitted) and the labels scored, each mapping gold types and Clinote concept types.
 * Gold types that no label names are ignored (and counted); so are concept types no label names.
 */

export type NerFormat = 'conll' | 'brat';

export interface NerLabel {
  /** Gold annotation types scored as this label. */
  readonly gold: readonly string[];
  /** Clinote concept types (Concept.type) predicted as this label. */
  readonly concepts: readonly string[];
}

export interface NerPreset {
  readonly name: string;
  readonly description: string;
  readonly format: NerFormat;
  /** Default data path, relative to the shared data dir (a file for conll, a directory for brat). */
  readonly defaultData: readonly string[];
  /** Label -> gold types and concept types. */
  readonly labels: Readonly<Record<string, NerLabel>>;
  /** Normalization accuracy: the PubTator file (relative to the shared data dir) with gold ids, and code systems. */
  readonly normalization?: { readonly pubtator: readonly string[]; readonly systems: readonly string[] };
  /** Why the mapping is what it is (shown in docs/eval.md and the report notes). */
  readonly notes?: readonly string[];
  /**
   * Training files (`clinote train ner`), relative to the shared data dir: the train split, and the
   * dev split (early stopping and tuning on its first part, the rest held out). Absent for corpora
   * with one split only (train with `--train`/`--dev`).
   */
  readonly training?: { readonly train: readonly string[]; readonly dev: readonly string[] };
  /** Licence and attribution of the corpus (from the shared data README), for model cards. */
  readonly license?: string;
  readonly attribution?: string;
}

export const NER_PRESETS: Readonly<Record<string, NerPreset>> = {
  'ncbi-disease': {
    name: 'ncbi-disease',
    description: 'NCBI disease corpus, development split (100 PubMed abstracts), CoNLL',
    format: 'conll',
    defaultData: ['ncbi_disease', 'conll', 'devel.tsv'],
    labels: { Disease: { gold: ['Disease'], concepts: ['problem'] } },
    normalization: {
      pubtator: ['ncbi_disease', 'original', 'NCBIdevelopset_corpus.txt'],
      systems: ['mesh', 'omim'],
    },
    training: {
      train: ['ncbi_disease', 'conll', 'train.tsv'],
      dev: ['ncbi_disease', 'conll', 'devel.tsv'],
    },
    license: 'public domain (NLM)',
    attribution:
      'NCBI disease corpus: Doğan RI, Leaman R, Lu Z. NCBI disease corpus: a resource for disease name recognition and concept normalization. J Biomed Inform 2014;47:1-10.',
  },
  bc5cdr: {
    name: 'bc5cdr',
    description: 'BioCreative V CDR chemicals and diseases, development split, IOB',
    format: 'conll',
    defaultData: ['bc5cdr', 'BC5CDR-IOB', 'devel.tsv'],
    labels: {
      Chemical: { gold: ['Chemical'], concepts: ['medication'] },
      Disease: { gold: ['Disease'], concepts: ['problem'] },
    },
    training: {
      train: ['bc5cdr', 'BC5CDR-IOB', 'train.tsv'],
      dev: ['bc5cdr', 'BC5CDR-IOB', 'devel.tsv'],
    },
    license: 'CC BY 4.0',
    attribution:
      'BioCreative V CDR corpus: Li J, Sun Y, Johnson RJ, et al. BioCreative V CDR task corpus: a resource for chemical disease relation extraction. Database 2016;2016:baw068.',
  },
  maccrobat: {
    name: 'maccrobat',
    description: 'MACCROBAT 2020 clinical case reports (the 140 shared), brat',
    format: 'brat',
    defaultData: ['maccrobat'],
    labels: {
      problem: { gold: ['Disease_disorder', 'Sign_symptom'], concepts: ['problem'] },
      medication: { gold: ['Medication'], concepts: ['medication'] },
      procedure: { gold: ['Diagnostic_procedure', 'Therapeutic_procedure'], concepts: ['procedure', 'lab'] },
      anatomy: { gold: ['Biological_structure'], concepts: ['anatomy'] },
    },
    license: 'CC BY 4.0',
    attribution: 'MACCROBAT 2020: Caufield JH, et al. (2019), figshare.',
    notes: [
      'MACCROBAT annotates a lab test name ("hemoglobin", "creatinine") as Diagnostic_procedure and its result ("12 g/dL", "elevated") as Lab_value: Clinote lab concepts (LOINC test names) are therefore scored as procedure, and Lab_value is not scored.',
    ],
  },
  chia: {
    name: 'chia',
    description: 'Chia clinical-trial eligibility criteria (with scope), brat',
    format: 'brat',
    defaultData: ['chia', 'chia_with_scope'],
    labels: {
      Condition: { gold: ['Condition'], concepts: ['problem'] },
      Drug: { gold: ['Drug'], concepts: ['medication'] },
      Procedure: { gold: ['Procedure'], concepts: ['procedure'] },
      Measurement: { gold: ['Measurement'], concepts: ['lab'] },
    },
    license: 'CC BY 4.0',
    attribution:
      'Chia: Kury F, et al. Chia, a large annotated corpus of clinical trial eligibility criteria. Sci Data 2020;7:281.',
  },
};

/** Gold type -> label, and concept type -> label, of a preset. */
export function presetMaps(preset: NerPreset): { gold: Map<string, string>; concepts: Map<string, string> } {
  const gold = new Map<string, string>();
  const concepts = new Map<string, string>();
  for (const [label, l] of Object.entries(preset.labels)) {
    for (const t of l.gold) gold.set(t, label);
    for (const t of l.concepts) concepts.set(t, label);
  }
  return { gold, concepts };
}
