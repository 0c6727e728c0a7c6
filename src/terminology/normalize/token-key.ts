/**
 * The key of one token: what dictionary terms and note tokens are compared on.
 *
 * tokenKey(norm) folds case and diacritics, unifies hyphen and apostrophe variants, drops internal
 * hyphens (`x-ray` = `xray`), strips possessives (`crohn's` -> `crohn`), folds British spellings
 * (`haemorrhage` -> `hemorrhage`) and reduces plurals to a clinical-aware singular (`metastases` ->
 * `metastasis`, `vertebrae` -> `vertebra`, `diabetes` stays). A token with no letter or digit has
 * the key '' (ignored by terms and notes alike).
 *
 * It is called for every note token, so results are cached, and short ASCII words skip the rules.
 * The rules only need to be consistent (the same function runs on dictionary terms and on notes)
 * and must not merge words that mean different things.
 */

// ---------------------------------------------------------------------------------------------
// Folding

const MARKS = /\p{M}+/gu;
const SPECIAL_LETTERS: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['đ', 'd'],
  ['ł', 'l'],
  ['ı', 'i'],
  ['þ', 'th'],
  ['ð', 'd'],
  // Greek letters as clinicians spell them out (β-blocker = beta-blocker); not mu (µg is a unit)
  ['α', 'alpha'],
  ['β', 'beta'],
  ['γ', 'gamma'],
  ['δ', 'delta'],
  ['ε', 'epsilon'],
  ['κ', 'kappa'],
  ['λ', 'lambda'],
  ['ω', 'omega'],
]);
const SPECIAL_LETTER_RE = /[ßæœøđłıþðαβγδεκλω]/g;
const HYPHENS = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const APOSTROPHES = /[\u2018\u2019\u201A\u201B\u02BC\u0060\u00B4\uFF07]/g;

/**
 * Lower case, diacritics removed (NFD, combining marks dropped), ligatures spelled out, hyphen
 * and apostrophe variants made ASCII. Used on whole strings too (abbreviation keys, fuzzy keys).
 */
export function foldText(s: string): string {
  let t = s.toLowerCase();
  if (/[^\x00-\x7F]/.test(t)) {
    t = t.normalize('NFD').replace(MARKS, '');
    t = t.replace(SPECIAL_LETTER_RE, (c) => SPECIAL_LETTERS.get(c) ?? c);
    t = t.replace(HYPHENS, '-').replace(APOSTROPHES, "'");
    t = t.normalize('NFC');
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// British -> American spellings (applied before the singular)

const BRITISH_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    tumour: 'tumor',
    tumours: 'tumors',
    colour: 'color',
    behaviour: 'behavior',
    behavioural: 'behavioral',
    labour: 'labor',
    odour: 'odor',
    humour: 'humor',
    vapour: 'vapor',
    favour: 'favor',
    faeces: 'feces',
    faecal: 'fecal',
    grey: 'gray',
    ageing: 'aging',
    aluminium: 'aluminum',
    programme: 'program',
    coeliac: 'celiac',
    manoeuvre: 'maneuver',
    manoeuvres: 'maneuvers',
    centre: 'center',
    centres: 'centers',
    fibre: 'fiber',
    fibres: 'fibers',
    theatre: 'theater',
  }),
);

const BRITISH_RULES: readonly (readonly [RegExp, string])[] = [
  [/aem/g, 'em'], // anaemia, haemorrhage, leukaemia, ischaemia, septicaemia
  [/paed/g, 'ped'], // paediatric, orthopaedic
  [/^oe(?=dem|soph|str)/, 'e'], // oedema, oesophagus, oestrogen
  [/rrhoea/g, 'rrhea'], // diarrhoea, gonorrhoea, amenorrhoea
  [/pnoea/g, 'pnea'], // dyspnoea, apnoea, tachypnoea
  [/^foet/, 'fet'], // foetus, foetal
  [/^caesar/, 'cesar'],
  [/anaesth/g, 'anesth'],
  [/^aetiolog/, 'etiolog'],
  [/gynaecolog/g, 'gynecolog'],
  [/sulph/g, 'sulf'],
  [/isation(s?)$/, 'ization$1'],
  [/(lit|met)re(s?)$/, '$1er$2'], // litre, millilitre, metre
];
const BRITISH_HINT = /ae|oe|our|paed|sulph|isation|tre|grey|ageing|aluminium|programme|centre|fibre/;

function american(w: string): string {
  const direct = BRITISH_WORDS.get(w);
  if (direct !== undefined) return direct;
  if (!BRITISH_HINT.test(w)) return w;
  let t = w;
  for (const [re, to] of BRITISH_RULES) t = t.replace(re, to);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Singular

/** Irregular and Latin/Greek plurals, and plural acronyms the suffix rules get wrong. */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  Object.entries({
    feet: 'foot',
    teeth: 'tooth',
    geese: 'goose',
    men: 'man',
    women: 'woman',
    children: 'child',
    mice: 'mouse',
    lice: 'louse',
    oxen: 'ox',
    people: 'person',
    bronchi: 'bronchus',
    alveoli: 'alveolus',
    bronchioli: 'bronchiolus',
    fungi: 'fungus',
    bacilli: 'bacillus',
    nuclei: 'nucleus',
    nucleoli: 'nucleolus',
    emboli: 'embolus',
    thrombi: 'thrombus',
    calculi: 'calculus',
    stimuli: 'stimulus',
    glomeruli: 'glomerulus',
    villi: 'villus',
    foci: 'focus',
    loci: 'locus',
    nevi: 'nevus',
    naevi: 'nevus',
    radii: 'radius',
    tali: 'talus',
    humeri: 'humerus',
    uteri: 'uterus',
    meniscii: 'meniscus',
    menisci: 'meniscus',
    sulci: 'sulcus',
    gyri: 'gyrus',
    cocci: 'coccus',
    streptococci: 'streptococcus',
    staphylococci: 'staphylococcus',
    enterococci: 'enterococcus',
    pneumococci: 'pneumococcus',
    gonococci: 'gonococcus',
    meningococci: 'meningococcus',
    lumina: 'lumen',
    foramina: 'foramen',
    criteria: 'criterion',
    phenomena: 'phenomenon',
    ganglia: 'ganglion',
    bacteria: 'bacterium',
    atria: 'atrium',
    diverticula: 'diverticulum',
    septa: 'septum',
    labia: 'labium',
    cilia: 'cilium',
    ostia: 'ostium',
    ova: 'ovum',
    crura: 'crus',
    corpora: 'corpus',
    viscera: 'viscus',
    spermatozoa: 'spermatozoon',
    protozoa: 'protozoon',
    apices: 'apex',
    cortices: 'cortex',
    indices: 'index',
    vertices: 'vertex',
    appendices: 'appendix',
    matrices: 'matrix',
    cervices: 'cervix',
    varices: 'varix',
    helices: 'helix',
    calyces: 'calyx',
    calices: 'calyx',
    phalanges: 'phalanx',
    larynges: 'larynx',
    pharynges: 'pharynx',
    testes: 'testis',
    axes: 'axis',
    crises: 'crisis',
    metastases: 'metastasis',
    calories: 'calorie',
    cookies: 'cookie',
    movies: 'movie',
    smoothies: 'smoothie',
    brownies: 'brownie',
    echoes: 'echo',
    heroes: 'hero',
    potatoes: 'potato',
    tomatoes: 'tomato',
    mosquitoes: 'mosquito',
    volcanoes: 'volcano',
    calves: 'calf',
    halves: 'half',
    leaves: 'leaf',
    knives: 'knife',
    lives: 'life',
    wives: 'wife',
    selves: 'self',
    shelves: 'shelf',
    hooves: 'hoof',
    wolves: 'wolf',
    loaves: 'loaf',
    thieves: 'thief',
    noses: 'nose',
    roses: 'rose',
    hoses: 'hose',
    poses: 'pose',
    closes: 'close',
    purposes: 'purpose',
    lenses: 'lens',
    utis: 'uti',
    uris: 'uri',
    mris: 'mri',
    mis: 'mi',
    ssris: 'ssri',
    snris: 'snri',
    ppis: 'ppi',
    mdis: 'mdi',
    stis: 'sti',
    akis: 'aki',
    tbis: 'tbi',
    amis: 'ami',
    stemis: 'stemi',
    nstemis: 'nstemi',
    bmis: 'bmi',
    cts: 'ct',
    ivs: 'iv',
  }),
);

/** Words ending in s that are not plurals (or whose plural reading must not be merged). */
const KEEP = new Set([
  'diabetes',
  'herpes',
  'rabies',
  'scabies',
  'caries',
  'series',
  'species',
  'facies',
  'feces',
  'ascites',
  'measles',
  'mumps',
  'rickets',
  'shingles',
  'menses',
  'lens',
  'pons',
  'glans',
  'mons',
  'biceps',
  'triceps',
  'quadriceps',
  'forceps',
  'news',
  'always',
  'perhaps',
  'whereas',
  'yes',
  'does',
  'goes',
  'plus',
  'bias',
  'atlas',
  'pancreas',
  'alias',
  'canvas',
  'chaos',
  'ethos',
  'pathos',
  'kudos',
  'tabes',
  'nares',
  'pubes',
  'lues',
  'aphthous',
  'sometimes',
  'mathematics',
  'physics',
  'genetics',
  'pediatrics',
  'geriatrics',
  'obstetrics',
  'orthopedics',
  'aids',
  'vas',
  'gas',
  'has',
  'was',
  'this',
]);

/** Singular nouns ending in -use: `causes` -> `cause` (default); these -us plurals get `-us`. */
const US_PLURALS = new Set([
  'viruses',
  'sinuses',
  'fetuses',
  'uteruses',
  'plexuses',
  'statuses',
  'buses',
  'bonuses',
  'censuses',
  'hiatuses',
  'meatuses',
  'nevuses',
  'bronchuses',
  'esophaguses',
  'humeruses',
  'ileuses',
  'apparatuses',
  'calluses',
  'polypuses',
  'thymuses',
  'thalamuses',
  'hippocampuses',
  'abacuses',
  'campuses',
  'funduses',
  'syllabuses',
  'octopuses',
  'cactuses',
  'focuses',
  'retroviruses',
  'rotaviruses',
  'adenoviruses',
  'rhinoviruses',
  'coronaviruses',
  'enteroviruses',
  'papillomaviruses',
]);

/** `-ose` words (sugars, doses): their plural `-oses` is not `-osis`. */
const OSE_PLURAL =
  /(?:doses|(?:gluc|fruct|lact|sucr|malt|dextr|galact|cellul|rib|xyl|mann)oses|(?:ex|pr|supp|comp|opp)oses)$/;

function singular(w: string): string {
  const irregular = IRREGULAR.get(w);
  if (irregular !== undefined) return irregular;
  const n = w.length;
  if (n <= 3) return w;
  const last = w.charCodeAt(n - 1);
  if (last === 0x61 /* a */) {
    if (n >= 6 && w.endsWith('mata')) return w.slice(0, -2); // carcinomata, stomata
    return w;
  }
  if (last === 0x65 /* e */) {
    if (n >= 5 && w.endsWith('ae')) return w.slice(0, -1); // vertebrae, sequelae, petechiae
    return w;
  }
  if (last !== 0x73 /* s */) return w;
  if (KEEP.has(w)) return w;
  const prev = w.charCodeAt(n - 2);
  // -ss, -us, -is: not plurals (abscess, virus, analysis)
  if (prev === 0x73 || prev === 0x75 || prev === 0x69) return w;
  if (prev === 0x65 /* -es */) return singularEs(w);
  if (w.endsWith('ies') && n >= 5) return `${w.slice(0, -3)}y`; // injuries, arteries
  return w.slice(0, -1); // kidneys, fractures, lymphomas, x-rays
}

function singularEs(w: string): string {
  const n = w.length;
  if (n >= 5 && w.endsWith('ies')) return `${w.slice(0, -3)}y`; // injuries, allergies, ovaries
  if (w.endsWith('sses')) return w.slice(0, -2); // abscesses, masses
  if (w.endsWith('uses')) return US_PLURALS.has(w) ? w.slice(0, -2) : w.slice(0, -1); // viruses | causes
  if (w.endsWith('oses')) return OSE_PLURAL.test(w) ? w.slice(0, -1) : `${w.slice(0, -2)}is`; // stenoses | doses
  if (w.endsWith('iases')) return `${w.slice(0, -2)}is`; // candidiases
  if (w.endsWith('yses')) return `${w.slice(0, -2)}is`; // analyses
  if (w.endsWith('theses')) return `${w.slice(0, -2)}is`; // prostheses, hypotheses
  if (w.endsWith('aches')) return w.slice(0, -1); // headaches
  if (w.endsWith('ches') || w.endsWith('shes') || w.endsWith('xes') || w.endsWith('zzes')) {
    return w.slice(0, -2); // patches, rashes, reflexes
  }
  if (w.endsWith('ves')) return w.slice(0, -1); // valves, nerves (irregular -f plurals are listed)
  return w.slice(0, -1); // fractures, nodes, diseases, doses, toes, sizes
}

// ---------------------------------------------------------------------------------------------
// tokenKey

const CACHE_LIMIT = 200_000;
const cache = new Map<string, string>();
const SIMPLE = /^[a-z]{1,3}$/;
const HAS_ALNUM = /[\p{L}\p{N}]/u;
const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const DIGIT = /[0-9]/;

/**
 * Key of one token (its lower-cased `norm`): '' for a token without letters or digits (ignored).
 * Pure and cached: the same input always gives the same key.
 */
export function tokenKey(norm: string): string {
  if (SIMPLE.test(norm)) return IRREGULAR.get(norm) ?? norm;
  const hit = cache.get(norm);
  if (hit !== undefined) return hit;
  const key = computeKey(norm);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(norm, key);
  return key;
}

function computeKey(norm: string): string {
  if (!HAS_ALNUM.test(norm)) return '';
  let t = foldText(norm).replace(EDGE_PUNCT, '');
  if (t.length === 0) return '';
  // possessives: crohn's -> crohn; plural possessive: patients' -> patients
  if (t.endsWith("'s")) t = t.slice(0, -2);
  // internal hyphens and apostrophes: x-ray = xray, b-12 = b12
  if (t.includes('-') || t.includes("'")) t = t.replace(/['-]+/g, '');
  if (t.length === 0) return '';
  if (DIGIT.test(t)) return t;
  t = american(t);
  if (!/^[a-z]+$/.test(t)) return t; // other scripts, slashes, dots: as folded
  return singular(t);
}

/** For tests and benchmarks: forget cached keys. */
export function clearTokenKeyCache(): void {
  cache.clear();
}
