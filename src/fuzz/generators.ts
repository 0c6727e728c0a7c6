/**
 * Generated notes for the fuzzer (docs/fuzz.md): clinical fragments (headers, lab lines, sigs,
 * vitals, lists, assertion cues, dates, abbreviations; every word written for Clinote, none taken
 * from a corpus) mixed with hostile Unicode (combining marks, characters whose NFC or NFKC form has
 * another length, lone surrogates, controls, bidi marks, zero-width characters, emoji, odd spaces)
 * and with very long tokens, lines and repetitions.
 */
import fc from 'fast-check';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

// ---------------------------------------------------------------------------------------------
// Clinical fragments

const HEADERS = [
  'HISTORY OF PRESENT ILLNESS:',
  'CHIEF COMPLAINT:',
  'PAST MEDICAL HISTORY:',
  'Past Surgical History:',
  'FAMILY HISTORY:',
  'Social History:',
  'MEDICATIONS:',
  'Current Meds:',
  'ALLERGIES:',
  'REVIEW OF SYSTEMS:',
  'ROS:',
  'PHYSICAL EXAMINATION:',
  'VITAL SIGNS:',
  'Vitals:',
  'LABS:',
  'Laboratory data:',
  'IMPRESSION:',
  'ASSESSMENT AND PLAN:',
  'A/P:',
  'PLAN:',
  'HEENT:',
  'NECK:',
  'DISCHARGE MEDICATIONS:',
];
const LABS = [
  'Na',
  'K',
  'Cl',
  'CO2',
  'BUN',
  'Cr',
  'WBC',
  'Hgb',
  'Hct',
  'Plt',
  'glucose',
  'troponin',
  'A1c',
  'INR',
  'ALT',
  'AST',
  'TSH',
  'lactate',
  'Mg',
  'Ca',
];
const LAB_UNITS = ['', ' mg/dL', ' mmol/L', ' mEq/L', '%', ' K/uL', ' g/dL', ' ng/mL', ' U/L', ' x10^3/uL'];
const FLAGS = ['', ' H', ' L', ' (H)', ' (L)', ' *', ' high', ' low', ' critical'];
const DRUGS = [
  'metformin',
  'lisinopril',
  'aspirin',
  'atorvastatin',
  'warfarin',
  'insulin glargine',
  'Lasix',
  'furosemide',
  'metoprolol tartrate',
  'amoxicillin',
  'prednisone',
  'heparin',
  'albuterol inhaler',
  'acetaminophen',
  'Tylenol',
];
const ROUTES = ['', ' po', ' p.o.', ' PO', ' IV', ' SQ', ' subcut', ' IM', ' inhaled', ' topically', ' OD'];
const FREQS = [
  '',
  ' daily',
  ' bid',
  ' b.i.d.',
  ' t.i.d.',
  ' q.d.',
  ' q6h',
  ' q4-6h prn pain',
  ' at bedtime',
  ' q.h.s.',
  ' every 8 hours',
  ' twice a day',
  ' PRN',
  ' x 7 days',
  ' for 10 days',
];
const STRENGTH_UNITS = [' mg', 'mg', ' mcg', ' g', ' units', ' mL', ' tabs', ' puffs', ' %'];
const PROBLEMS = [
  'chest pain',
  'fever',
  'chills',
  'shortness of breath',
  'nausea',
  'vomiting',
  'pneumonia',
  'diabetes',
  'hypertension',
  'CHF',
  'COPD',
  'MI',
  'DVT',
  'headache',
  'rash',
  'edema',
  'breast cancer',
  'asthma',
  'UTI',
  'atrial fibrillation',
];
const CUES_BEFORE = [
  'no',
  'No',
  'denies',
  'negative for',
  'without',
  'possible',
  'rule out',
  'r/o',
  'history of',
  'h/o',
  's/p',
  'mother had',
  'family history of',
  'if',
  'allergic to',
  'no evidence of',
  'resolved',
  'concern for',
  'chronic',
  'new onset',
  'not',
];
const CUES_AFTER = [
  '',
  ' was ruled out',
  ' is unlikely',
  ' resolved',
  ' - negative',
  ': none',
  ': no',
  ' (-)',
  ' yesterday',
  ' for 3 years',
  ' since 2015',
  '?',
];
const DATES = [
  '01/02/2023',
  '1/2/23',
  '2020-05-01',
  'March 3, 2019',
  '3 days ago',
  'POD #2',
  'last March',
  'on 12/31/1999',
  'in 2015',
  '10:30 AM',
  '67 year old',
  'yesterday',
  '2/29/2024',
  '13/45/2020',
  '0/0/0',
];
const ABBREVIATIONS = [
  'pt',
  'c/o',
  'SOB',
  'CP',
  'h/o',
  's/p',
  'w/',
  'w/o',
  'q.h.s.',
  'b.i.d.',
  'Dr.',
  'vs.',
  'e.g.',
  'i.e.',
  'a.m.',
  'p.m.',
  'Mr.',
  'St.',
  'approx.',
  'y/o',
  'NKDA',
  'WNL',
  'HEENT',
  'PERRLA',
];
const WORDS = [
  'the',
  'patient',
  'was',
  'seen',
  'in',
  'clinic',
  'today',
  'and',
  'reports',
  'mild',
  'left',
  'right',
  'knee',
  'pain',
  'after',
  'walking',
  'is',
  'stable',
  'will',
  'follow',
  'up',
  'with',
  'cardiology',
  'in',
  'two',
  'weeks',
  'of',
  'to',
  'a',
  'for',
  'on',
];
const PUNCT = [
  '.',
  ',',
  ';',
  ':',
  '-',
  '/',
  '(',
  ')',
  '[',
  ']',
  '|',
  '*',
  '#',
  '+',
  '=',
  '>',
  '<',
  '%',
  '"',
  "'",
  '?',
  '!',
  '&',
  '~',
  '_',
  '^',
];

const num = fc.oneof(
  fc.integer({ min: 0, max: 400 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`),
  fc.integer({ min: 0, max: 9 }).map((d) => `.${d}`),
  fc.integer({ min: 1000, max: 999999 }).map((n) => n.toLocaleString('en-US')),
  pick(['0', '00', '1e3', '10^3', '-5', '+2', '>100', '<0.01', '1,2', '1..2', '3-4', '5.0.1']),
);

const words = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(pick(WORDS), { minLength: min, maxLength: max }).map((w) => w.join(' '));

const labLine = fc
  .tuple(pick(LABS), pick([' ', ': ', ' of ', ' was ', '  ', '\t', '=']), num, pick(LAB_UNITS), pick(FLAGS))
  .map(([n, sep, v, u, f]) => `${n}${sep}${v}${u}${f}`);
const labList = fc
  .array(labLine, { minLength: 1, maxLength: 8 })
  .chain((ls) => pick([', ', '; ', '\n', '  ', '\t', ' ']).map((sep) => ls.join(sep)));
const panel = fc
  .array(num, { minLength: 3, maxLength: 8 })
  .chain((vs) => pick(['BMP: ', 'CBC ', 'Chem 7 ', '']).map((h) => `${h}${vs.join('/')}`));
const sig = fc
  .tuple(pick(DRUGS), num, pick(STRENGTH_UNITS), pick(ROUTES), pick(FREQS))
  .map(([d, n, u, r, f]) => `${d} ${n}${u}${r}${f}`);
const vitals = fc
  .tuple(
    fc.integer({ min: 40, max: 250 }),
    fc.integer({ min: 20, max: 150 }),
    fc.integer({ min: 20, max: 200 }),
    num,
    fc.integer({ min: 50, max: 100 }),
  )
  .map(
    ([s, d, hr, t, o2]) => `BP ${s}/${d}, HR ${hr}, T ${t}, RR 16, SpO2 ${o2}% on 2L NC, pain ${hr % 11}/10`,
  );
const assertion = fc
  .tuple(pick(CUES_BEFORE), pick(PROBLEMS), pick(CUES_AFTER), fc.array(pick(PROBLEMS), { maxLength: 4 }))
  .map(([c, p, a, more]) => `${c} ${[p, ...more].join(', ')}${a}`);
const listItem = fc
  .tuple(
    pick(['1. ', '2) ', '- ', '* ', '\u2022 ', '[ ] ', '#', '']),
    fc.oneof(sig, assertion, labLine, words(1, 6)),
  )
  .map(([m, s]) => `${m}${s}`);
const list = fc.array(listItem, { minLength: 1, maxLength: 10 }).map((xs) => xs.join('\n'));
const table = fc
  .array(fc.tuple(pick(DRUGS), num, pick(FREQS)), { minLength: 1, maxLength: 5 })
  .map(
    (rows) => `Medication | Dose | Frequency\n${rows.map(([d, n, f]) => `${d} | ${n} mg | ${f}`).join('\n')}`,
  );
const sentence = fc
  .tuple(
    words(0, 8),
    fc.oneof(assertion, pick(ABBREVIATIONS), pick(DATES), sig, labLine),
    words(0, 8),
    pick(['.', '', '?', ';', '...', '\n']),
  )
  .map(([a, b, c, e]) => `${a} ${b} ${c}${e}`.trim());

/** One clinical fragment. */
export const clinicalFragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: sentence },
  { weight: 2, arbitrary: pick(HEADERS) },
  { weight: 2, arbitrary: labList },
  { weight: 1, arbitrary: panel },
  { weight: 2, arbitrary: sig },
  { weight: 1, arbitrary: vitals },
  { weight: 2, arbitrary: list },
  { weight: 1, arbitrary: table },
  { weight: 1, arbitrary: pick(DATES) },
  { weight: 1, arbitrary: pick(ABBREVIATIONS) },
  { weight: 1, arbitrary: pick(PUNCT) },
);

// ---------------------------------------------------------------------------------------------
// Hostile Unicode

/** Characters whose NFC or NFKC form has another length, or that compose with what precedes them. */
export const LENGTH_CHANGING = [
  '\u0344', // -> U+0308 U+0301
  '\u0343',
  '\u0340',
  '\u0341',
  '\u0f73', // TIBETAN VOWEL SIGN II -> 2 marks
  '\u0f75',
  '\u0f81',
  '\u0958', // DEVANAGARI QA -> 2
  '\ufb1d', // HEBREW YOD WITH HIRIQ -> 2
  '\u2126', // OHM -> OMEGA (same length, other char)
  '\u212b', // ANGSTROM -> A RING (NFC), then composes
  '\ufb01', // fi ligature (NFKC -> 2)
  '\u2460', // circled 1 (NFKC -> 1)
  '\u00bd', // 1/2 (NFKC -> 3)
  '\u3392', // MHz square (NFKC -> 3)
  '\ufdfa', // Arabic ligature (NFKC -> 18)
  '\uff21', // fullwidth A
  'e\u0301', // composes to 1 under NFC
  '\u1100\u1161', // Hangul jamo: composes to 1
  '\u0041\u030a', // A + ring
];
const COMBINING = fc.integer({ min: 0x300, max: 0x36f }).map((c) => String.fromCharCode(c));
const CONTROLS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\r',
  '\r\n',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
];
const BIDI = [
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061c',
];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad', '\u2060'];
const SPACES = ['\u00a0', '\u2003', '\u2009', '\u3000', '\u202f', '\t', '\u1680'];
const EMOJI = [
  '\u{1f600}',
  '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}',
  '\u{1f1fa}\u{1f1f8}',
  '1\ufe0f\u20e3',
  '\u2764\ufe0f',
  '\u{1f9ea}',
  '\u{1d400}',
];
const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'];
const SCRIPTS = [
  '\u0645\u0631\u064a\u0636',
  '\u05d7\u05d5\u05dc\u05d4',
  '\u75c5\u4eba',
  '\u0431\u043e\u043b\u044c',
  '\u0e1c\u0e39\u0e49',
  '\u0928\u093f',
];

/** One hostile piece (a character or a short sequence). */
export const hostilePiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: pick(LENGTH_CHANGING) },
  { weight: 3, arbitrary: COMBINING },
  { weight: 2, arbitrary: fc.array(COMBINING, { minLength: 2, maxLength: 12 }).map((x) => x.join('')) },
  { weight: 2, arbitrary: pick(CONTROLS) },
  { weight: 2, arbitrary: pick(BIDI) },
  { weight: 2, arbitrary: pick(ZERO_WIDTH) },
  { weight: 1, arbitrary: pick(SPACES) },
  { weight: 1, arbitrary: pick(EMOJI) },
  { weight: 2, arbitrary: pick(SURROGATES) },
  { weight: 1, arbitrary: pick(SCRIPTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

/** Put hostile pieces at random places of a fragment (start, inside, end). */
const salted = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), hostilePiece), { minLength: 1, maxLength: 4 }))
    .map(([s, ins]) => {
      let out = s;
      for (const [at, h] of ins) {
        const k = out.length === 0 ? 0 : at % (out.length + 1);
        out = out.slice(0, k) + h + out.slice(k);
      }
      return out;
    });

// ---------------------------------------------------------------------------------------------
// Long pieces (the super-linear shapes, in small)

const longPiece = (maxRepeat: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(
        fc.oneof(
          clinicalFragment,
          pick(PUNCT),
          pick(['no chest pain, ', 'Na 138, K 4.1, ', '1. ', 'a', ' ', '0']),
        ),
        fc.integer({ min: 2, max: maxRepeat }),
        pick(['', ' ', ', ', '\n', '. ']),
      )
      .map(([s, n, sep]) =>
        Array.from({ length: Math.min(n, Math.ceil((maxRepeat * 4) / (s.length + 1))) }, () => s).join(sep),
      ),
    fc
      .integer({ min: 50, max: maxRepeat * 8 })
      .chain((n) => pick(['a', '1', '.', '-', 'x', '\u0301', '(', '/', ':']).map((c) => c.repeat(n))),
    fc.integer({ min: 10, max: maxRepeat }).chain((n) => hostilePiece.map((h) => h.repeat(n))),
  );

export interface NoteOptions {
  /** Most pieces in a note (default 24). */
  readonly maxPieces?: number;
  /** Largest repetition count of a long piece (default 200: notes of a few KB). */
  readonly maxRepeat?: number;
}

/** A generated note: clinical fragments, hostile pieces and long pieces joined by separators. */
export function noteArbitrary(options: NoteOptions = {}): fc.Arbitrary<string> {
  const maxPieces = options.maxPieces ?? 24;
  const maxRepeat = options.maxRepeat ?? 200;
  const piece = fc.oneof(
    { weight: 8, arbitrary: clinicalFragment },
    { weight: 4, arbitrary: salted(clinicalFragment) },
    { weight: 3, arbitrary: hostilePiece },
    { weight: 1, arbitrary: longPiece(maxRepeat) },
  );
  const sep = pick(['\n', ' ', '\n\n', '', '  ', '\t', '. ', ', ', '\r\n', '\n\u0f75', ' \u0344', '\n   ']);
  return fc
    .array(fc.tuple(piece, sep), { minLength: 0, maxLength: maxPieces })
    .map((xs) => xs.map(([p, s]) => p + s).join(''));
}
