import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../errors/error.js';
import type { FactoryContext } from '../pipeline/component.js';
import { fileResourceContext } from '../resources.js';
import { IndexLookup, titleForms } from './lookup.js';
import { CodingPack, compileCodingPack } from './pack.js';
import { checkCodingRules, loadCodingRules } from './rules.js';
import { specify } from './specificity.js';
import { contentKeys, wordKey } from './words.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const data = compileCodingPack({
  tabular: { file: 'tabular-mini.xml', bytes: fixture('tabular-mini.xml') },
  index: { file: 'index-mini.xml', bytes: fixture('index-mini.xml') },
});
const pack = new CodingPack(data);
const lookup = new IndexLookup(pack, []);
const keys = (s: string) => new Set(contentKeys(s));

describe('coding pack', () => {
  it('has a build report and the fiscal year', () => {
    expect(data.fiscalYear).toBe(2099);
    expect(data.report).toMatchObject({ billable: 7, headers: 2, withSeventh: 3 });
    expect(pack.version).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data); // plain JSON: the disk cache keeps it
  });

  it('knows valid, billable and seven-character codes', () => {
    expect(pack.info('A10.1')).toMatchObject({
      valid: true,
      billable: true,
      title: 'Widget fever of right arm',
    });
    expect(pack.info('A10')).toMatchObject({ valid: true, billable: false });
    expect(pack.info('A15.0')).toMatchObject({ valid: true, billable: false });
    expect(pack.info('A15.0XXD')).toMatchObject({
      valid: true,
      billable: true,
      title: 'Sprocket injury of toe, subsequent encounter',
    });
    expect(pack.info('A15.0XXB').valid).toBe(false);
    expect(pack.info('B99.9').valid).toBe(false);
    expect(pack.chapter('A10.1')).toBe(1);
  });

  it('applies notes from a code and its ancestors', () => {
    expect(pack.noteCovers('A10.2', 'excludes1', 'A12')).toBe(true);
    expect(pack.noteCovers('A12', 'excludes1', 'A10.2')).toBe(false);
    expect(pack.noteCovers('A12', 'codeFirst', 'A10.0')).toBe(true);
    expect(pack.noteCovers('A15.0XXA', 'useAdditionalCode', 'A19')).toBe(true); // chapter note
  });
});

describe('specificity', () => {
  it('picks the side from laterality, the unspecified child otherwise', () => {
    expect(specify(pack, 'A10-', { keys: keys('arm'), laterality: 'left' })).toEqual({
      code: 'A10.2',
      billable: true,
      rules: ['specificity.laterality'],
    });
    expect(specify(pack, 'A10', { keys: keys('arm') })).toMatchObject({
      code: 'A10.0',
      rules: ['specificity.laterality-unspecified'],
    });
  });

  it('adds the seventh character of the episode', () => {
    expect(specify(pack, 'A15.0', { keys: keys('toe'), episode: 'sequela' }).code).toBe('A15.0XXS');
    expect(specify(pack, 'A15', { keys: keys('toe') }).code).toBe('A15.0XXA');
  });
});

describe('Index lookup', () => {
  it('finds the main term in any word order, subterms from the sentence, modifiers optional', () => {
    expect(
      lookup.lookup({ mention: contentKeys('widget fever'), context: keys('widget fever') }),
    ).toMatchObject({
      code: 'A10.0',
      path: ['Fever, feverish', 'widget'],
      coverage: 1,
    });
    expect(
      lookup.lookup({ mention: contentKeys('fever'), context: keys('fever of the widget in the arm') }),
    ).toMatchObject({
      code: 'A10-',
      path: ['Fever, feverish', 'widget', 'arm'],
    });
    expect(lookup.lookup({ mention: contentKeys('intermittent fever'), context: keys('') })?.code).toBe(
      'A10.0',
    );
    expect(lookup.lookup({ mention: contentKeys('toe injury'), context: keys('') })?.code).toBe('A15.0');
  });

  it('takes a `with` subterm from another condition, and never a `without` one', () => {
    const hit = lookup.lookup({
      mention: contentKeys('fever'),
      context: keys('fever'),
      linked: [{ id: 7, keys: keys('gadget disease') }],
    });
    expect(hit).toMatchObject({ code: 'A12', manif: 'A19', linked: [7] });
    expect(
      lookup.lookup({ mention: contentKeys('fever'), context: keys('fever without gadget disease') })?.code,
    ).toBe('A10.0');
  });

  it('follows see references', () => {
    expect(lookup.lookup({ mention: contentKeys('gizmo fever'), context: keys('') })).toMatchObject({
      code: 'A10.0',
      via: ['Fever, widget'],
    });
  });

  it('reads comma forms of a title', () => {
    expect(titleForms('Diabetes, diabetic')).toEqual([['diabete'], ['diabetic']]);
    expect(titleForms('femur, femoral')).toEqual([['femur'], ['femoral']]);
    expect(titleForms('glomerulonephrosis, intracapillary')).toEqual([
      ['glomerulonephrosis', 'intracapillary'],
    ]);
    expect(wordKey("Charcot's")).toBe('charcot');
    expect(wordKey('kidneys')).toBe('kidney');
  });
});

describe('coding rules', () => {
  const ctx: FactoryContext = fileResourceContext({ cacheDir: null });

  it('the shipped rules are valid and every rule id is catalogued with its guideline section', () => {
    const rules = loadCodingRules(ctx);
    expect(rules.rules.every((r) => r.section.startsWith('Section'))).toBe(true);
    expect(rules.statuses.map((s) => s.status)).toEqual(
      expect.arrayContaining(['absent', 'hypothetical', 'family', 'historical', 'possible']),
    );
  });

  it('refuses a rule id that is used but not catalogued', () => {
    const rules = loadCodingRules(ctx);
    const broken = { ...rules, rules: rules.rules.filter((r) => r.id !== 'excludes1.pair') };
    expect(() => checkCodingRules(broken)).toThrow(ClinoteError);
    try {
      checkCodingRules(broken);
    } catch (e) {
      expect((e as ClinoteError).code).toBe('CLINOTE_E_CODING_RULES_INVALID');
    }
  });
});

describe('CMS-HCC map', () => {
  it('reads codes, categories and labels of the models asked for', async () => {
    const { HccMap, csvFields } = await import('./hcc.js');
    expect(csvFields('HCC1,"Cancer, other",CMS-HCC,V28')).toEqual([
      'HCC1',
      'Cancer, other',
      'CMS-HCC',
      'V28',
    ]);
    const map = new HccMap(
      'diagnosis_code,cc,model_name\nA101,7,CMS-HCC Model V28\nA101,9,CMS-HCC Model V24\n',
      'cc,label,model_domain,model_version,model_fullname\nHCC7,"Widget, severe",CMS-HCC,V28,x\n',
    );
    expect(map.get('A10.1')).toEqual([
      { model: 'CMS-HCC Model V28', category: '7', label: 'Widget, severe' },
    ]);
    expect(map.get('A10.2')).toEqual([]);
  });
});
