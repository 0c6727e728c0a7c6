import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, tokenKey } from './token-key.js';

// [token norm, key]
const TABLE: readonly (readonly [string, string])[] = [
  // Greek letters spelled out; the micro sign is left alone
  ['β', 'beta'],
  ['α', 'alpha'],
  ['κ', 'kappa'],
  // regular plurals
  ['fractures', 'fracture'],
  ['kidneys', 'kidney'],
  ['lungs', 'lung'],
  ['hips', 'hip'],
  ['nodes', 'node'],
  ['ulcers', 'ulcer'],
  ['lymphomas', 'lymphoma'],
  ['hernias', 'hernia'],
  ['antibiotics', 'antibiotic'],
  ['diseases', 'disease'],
  ['kinases', 'kinase'],
  ['toes', 'toe'],
  ['eyes', 'eye'],
  ['knees', 'knee'],
  ['valves', 'valve'],
  ['nerves', 'nerve'],
  ['sizes', 'size'],
  ['doses', 'dose'],
  ['overdoses', 'overdose'],
  ['causes', 'cause'],
  ['headaches', 'headache'],
  ['patches', 'patch'],
  ['rashes', 'rash'],
  ['reflexes', 'reflex'],
  ['abscesses', 'abscess'],
  ['masses', 'mass'],
  ['injuries', 'injury'],
  ['arteries', 'artery'],
  ['ovaries', 'ovary'],
  ['allergies', 'allergy'],
  ['biopsies', 'biopsy'],
  ['viruses', 'virus'],
  ['sinuses', 'sinus'],
  // Greek and Latin plurals
  ['metastases', 'metastasis'],
  ['diagnoses', 'diagnosis'],
  ['prognoses', 'prognosis'],
  ['stenoses', 'stenosis'],
  ['analyses', 'analysis'],
  ['candidiases', 'candidiasis'],
  ['prostheses', 'prosthesis'],
  ['crises', 'crisis'],
  ['vertebrae', 'vertebra'],
  ['sequelae', 'sequela'],
  ['petechiae', 'petechia'],
  ['bronchi', 'bronchus'],
  ['alveoli', 'alveolus'],
  ['emboli', 'embolus'],
  ['streptococci', 'streptococcus'],
  ['bacteria', 'bacterium'],
  ['diverticula', 'diverticulum'],
  ['ganglia', 'ganglion'],
  ['carcinomata', 'carcinoma'],
  ['varices', 'varix'],
  ['apices', 'apex'],
  ['phalanges', 'phalanx'],
  ['testes', 'testis'],
  // irregular
  ['feet', 'foot'],
  ['teeth', 'tooth'],
  ['women', 'woman'],
  ['children', 'child'],
  ['calves', 'calf'],
  ['lenses', 'lens'],
  ['calories', 'calorie'],
  // not plurals: kept
  ['diabetes', 'diabetes'],
  ['analysis', 'analysis'],
  ['pancreas', 'pancreas'],
  ['sinus', 'sinus'],
  ['virus', 'virus'],
  ['status', 'status'],
  ['mass', 'mass'],
  ['abscess', 'abscess'],
  ['stress', 'stress'],
  ['ms', 'ms'],
  ['copd', 'copd'],
  ['herpes', 'herpes'],
  ['rabies', 'rabies'],
  ['measles', 'measles'],
  ['series', 'series'],
  ['species', 'species'],
  ['ascites', 'ascites'],
  ['lens', 'lens'],
  ['biceps', 'biceps'],
  ['mellitus', 'mellitus'],
  ['arthritis', 'arthritis'],
  ['pelvis', 'pelvis'],
  ['aids', 'aids'],
  ['gas', 'gas'],
  ['bacterium', 'bacterium'],
  ['data', 'data'],
  ['anemia', 'anemia'],
  // acronym plurals
  ['utis', 'uti'],
  ['mis', 'mi'],
  ['cts', 'ct'],
  ['rbcs', 'rbc'],
  ['dvts', 'dvt'],
  ['ekgs', 'ekg'],
  // case, diacritics, apostrophes, hyphens
  ['Diabetes', 'diabetes'],
  ['HTN', 'htn'],
  ['ménière', 'meniere'],
  ['naïve', 'naive'],
  ['sjögren', 'sjogren'],
  ['crohn’s', 'crohn'],
  ["crohn's", 'crohn'],
  ["alzheimer's", 'alzheimer'],
  ["patients'", 'patient'],
  ['x-ray', 'xray'],
  ['x\u2010rays', 'xray'],
  ['covid-19', 'covid19'],
  ['b-12', 'b12'],
  // British spellings
  ['haemorrhage', 'hemorrhage'],
  ['anaemia', 'anemia'],
  ['oedema', 'edema'],
  ['oesophagus', 'esophagus'],
  ['diarrhoea', 'diarrhea'],
  ['dyspnoea', 'dyspnea'],
  ['paediatric', 'pediatric'],
  ['tumours', 'tumor'],
  ['foetus', 'fetus'],
  ['faeces', 'feces'],
  ['haematomas', 'hematoma'],
  ['sulphate', 'sulfate'],
  ['hospitalisation', 'hospitalization'],
  ['litres', 'liter'],
  // numbers and mixed tokens: untouched
  ['t2dm', 't2dm'],
  ['5mg', '5mg'],
  ['120/80', '120/80'],
  ['1990s', '1990s'],
  ['s/p', 's/p'],
  // punctuation only: ignored
  [',', ''],
  ['-', ''],
  ['(', ''],
  ['...', ''],
  ['%', ''],
  // edge punctuation trimmed
  ['(primary', 'primary'],
  ['her2+', 'her2'],
  // Object.prototype names are ordinary words
  ['constructor', 'constructor'],
  ['tostring', 'tostring'],
  ['valueof', 'valueof'],
];

describe('tokenKey', () => {
  it('has a large table', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('tokenKey(%j) = %j', (norm, key) => {
    expect(tokenKey(norm)).toBe(key);
  });

  it('is idempotent on the table: a key keys to itself', () => {
    for (const [, key] of TABLE) if (key !== '') expect(tokenKey(key), key).toBe(key);
  });

  it('ignores letter case (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9'-]{0,14}$/), (w) => {
        expect(tokenKey(w.toUpperCase())).toBe(tokenKey(w));
      }),
    );
  });

  it('returns lower-case keys without diacritics, never throws (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const k = tokenKey(s);
        expect(k).toBe(k.toLowerCase());
        expect(/\p{M}/u.test(k)).toBe(false);
      }),
    );
  });

  it('returns the same key from the cache as computed fresh', () => {
    expect(tokenKey('metastases')).toBe(tokenKey('metastases'));
    expect(tokenKey('Metastases')).toBe('metastasis');
  });
});

describe('foldText', () => {
  it.each([
    ['Ménière Disease', 'meniere disease'],
    ['Œdème', 'oedeme'],
    ['Straße', 'strasse'],
    ['non\u2010small\u2013cell', 'non-small-cell'],
    ['Crohn\u2019s', "crohn's"],
    ['plain ascii', 'plain ascii'],
  ])('foldText(%j) = %j', (s, expected) => {
    expect(foldText(s)).toBe(expected);
  });
});
