import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../../errors/error.js';
import { DRUG_COLUMNS, parseDrugTable } from './drugs.js';
import { NEOPLASM_COLUMNS, parseNeoplasmTable } from './neoplasm.js';
import { cellCode } from './table-index.js';

// tiny tables written for these tests (made-up sites, substances and codes)
const NEO_HEADS = `<indexHeading><head col="1">Neoplasm</head><head col="2">Malignant Primary</head>
<head col="3">Malignant Secondary</head><head col="4">Ca in situ</head><head col="5">Benign</head>
<head col="6">Uncertain Behavior</head><head col="7">Unspecified Behavior</head></indexHeading>`;
const NEO = `<?xml version="1.0"?><ICD10CM.index><version>2099</version>${NEO_HEADS}
<letter><title>N</title><mainTerm><title>Neoplasm, neoplastic</title>
<cell col="2">A01.1</cell><cell col="3">A01.2</cell><cell col="4">A01.3</cell><cell col="5">A01.4</cell><cell col="6">A01.5</cell><cell col="7">A01.6</cell>
<term level="1"><title>organ, organic<nemod>(any part)</nemod></title>
<cell col="2">B02.9-</cell><cell col="3">B03.0</cell><cell col="4">-</cell><cell col="5">B04.1</cell><cell col="6">B05.2</cell><cell col="7">B06.3</cell>
<term level="2"><title>upper part</title><cell col="2">B02.1-</cell></term></term>
<term level="1"><title>vessel</title><see>Neoplasm, organ</see></term>
</mainTerm></letter></ICD10CM.index>`;

const DRUG_HEADS = `<indexHeading><head col="1">Substance</head><head col="2">Poisoning Accidental (unintentional)</head>
<head col="3">Poisoning Intentional self-harm</head><head col="4">Poisoning Assault</head>
<head col="5">Poisoning Undetermined</head><head col="6">Adverse effect</head><head col="7">Underdosing</head></indexHeading>`;
const DRUG = `<?xml version="1.0"?><ICD10CM.index><version>2099</version>${DRUG_HEADS}
<letter><title>Z</title>
<mainTerm><title>Zedamycin<nemod>(any)</nemod></title><cell col="2">T99.0X1</cell><cell col="3">T99.0X2</cell>
<cell col="4">T99.0X3</cell><cell col="5">T99.0X4</cell><cell col="6">T99.0X5</cell><cell col="7">T99.0X6</cell>
<term level="1"><title>topical</title><cell col="2">T98.1X1</cell><cell col="6">--</cell></term></mainTerm>
<mainTerm><title>Zed</title><see>Zedamycin</see></mainTerm>
</letter></ICD10CM.index>`;

const bytes = (s: string) => new TextEncoder().encode(s);

describe('table cells', () => {
  it.each([
    ['C34.9-', 'C34.9-'],
    [' t36.0x5 ', 'T36.0X5'],
    ['-', ''],
    ['--', ''],
    ['', ''],
  ])('%j -> %j', (raw, code) => {
    expect(cellCode(raw)).toBe(code);
  });
});

describe('Neoplasm Table importer', () => {
  const t = parseNeoplasmTable(bytes(NEO), 'neo');
  it('reads the main term, sites, cells by column, see references and modifiers', () => {
    expect(t.version).toBe('2099');
    expect(NEOPLASM_COLUMNS).toHaveLength(6);
    const main = t.mainTerms[0]!;
    expect(main.title).toBe('Neoplasm, neoplastic');
    expect(main.cells).toEqual({ 2: 'A01.1', 3: 'A01.2', 4: 'A01.3', 5: 'A01.4', 6: 'A01.5', 7: 'A01.6' });
    const organ = main.children[0]!;
    expect(organ.title).toBe('organ, organic');
    expect(organ.nemod).toEqual(['any part']);
    expect(organ.cells[2]).toBe('B02.9-');
    expect(organ.cells[4]).toBeUndefined(); // `-`: none
    expect(organ.children[0]).toMatchObject({ title: 'upper part', cells: { 2: 'B02.1-' } });
    expect(main.children[1]).toMatchObject({ title: 'vessel', see: 'Neoplasm, organ', cells: {} });
    expect(t.counts).toMatchObject({ mainTerm: 1, term: 3, see: 1 });
  });
  it('reads gzip too', () => {
    expect(parseNeoplasmTable(gzipSync(bytes(NEO)), 'neo.gz').mainTerms[0]!.children).toHaveLength(2);
  });
  it('refuses a table whose columns are not the Neoplasm Table columns', () => {
    expect(() => parseNeoplasmTable(bytes(DRUG), 'x')).toThrow(ClinoteError);
    expect(() => parseNeoplasmTable(bytes('<other/>'), 'x')).toThrow(/ICD10CM.index/);
  });
});

describe('Table of Drugs importer', () => {
  const t = parseDrugTable(bytes(DRUG), 'drug');
  it('reads substances with their six columns, subterms and see references', () => {
    expect(DRUG_COLUMNS).toEqual([
      'accidental',
      'intentional',
      'assault',
      'undetermined',
      'adverse-effect',
      'underdosing',
    ]);
    const [z, zed] = t.mainTerms;
    expect(z).toMatchObject({ title: 'Zedamycin', nemod: ['any'] });
    expect(z!.cells[6]).toBe('T99.0X5');
    expect(z!.children[0]!.cells).toEqual({ 2: 'T98.1X1' }); // `--`: none
    expect(zed).toMatchObject({ title: 'Zed', see: 'Zedamycin' });
  });
  it('refuses the Neoplasm Table', () => {
    expect(() => parseDrugTable(bytes(NEO), 'x')).toThrow(/column 2/);
  });
});

describe('the coding pack compiles the tables', () => {
  it('keeps only codes of the pack’s fiscal year and counts the dropped ones; the version changes', async () => {
    const { readFileSync } = await import('node:fs');
    const { CodingPack, compileCodingPack } = await import('../pack.js');
    const { TableLookup } = await import('../tables.js');
    const fx = (n: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${n}`, import.meta.url)));
    const base = {
      tabular: { file: 'tabular-mini.xml', bytes: fx('tabular-mini.xml') },
      index: { file: 'index-mini.xml', bytes: fx('index-mini.xml') },
    };
    // the mini Tabular List has A10 (A10.0-A10.2), A12, A15: the made-up table names A10.1 and
    // A10- (valid) and B02.9-, B03.0, A01.x (not in the mini Tabular List: dropped)
    const neo = NEO.replace('<cell col="2">B02.9-</cell>', '<cell col="2">A10-</cell>').replace(
      '<cell col="5">B04.1</cell>',
      '<cell col="5">A10.1</cell>',
    );
    const data = compileCodingPack({ ...base, neoplasm: { file: 'neo.xml', bytes: bytes(neo) } });
    const organ = data.neoplasm![0]![4][0]!;
    expect(organ[2]).toEqual(['A10-', '', '', 'A10.1', '', '']);
    expect(data.report.neoplasm).toEqual({ version: '2099', terms: 4, codes: 2, dropped: 10 });
    expect(data.report.drugs).toBeUndefined();
    const again = compileCodingPack({ ...base, neoplasm: { file: 'neo.xml', bytes: bytes(neo) } });
    expect(JSON.stringify(again)).toBe(JSON.stringify(data)); // deterministic
    expect(new CodingPack(data).version).not.toBe(new CodingPack(compileCodingPack(base)).version);
    const t = new TableLookup(new CodingPack(data));
    expect(t.neoplasm('benign tumor of the organ')?.code).toBe('A10.1');
    expect(t.neoplasm('carcinoma of the organ')?.code).toBe('A10-');
    expect(t.neoplasm('carcinoma of the organ and the vessel')).toBeNull(); // two sites
    expect(t.neoplasm('tumor of the organ')).toBeNull(); // behaviour not stated
    expect(t.neoplasm('organ metastases')).toBeNull(); // B03.0 dropped
  });
});

describe('column choice from the words', () => {
  it.each([
    // [before, substance, after, column]
    ['adverse reaction to ', 'Zedamycin', '', 'adverse-effect'],
    ['', 'Zedamycin', ' side effects', 'adverse-effect'],
    ['overdose of ', 'Zedamycin', '', 'accidental'],
    ['', 'Zedamycin', ' toxicity', 'accidental'],
    ['intentional overdose of ', 'Zedamycin', '', 'intentional'],
    ['suicide attempt by overdose of ', 'Zedamycin', '', 'intentional'],
    ['poisoning with ', 'Zedamycin', ' in an assault', 'assault'],
    ['underdosing of ', 'Zedamycin', '', 'underdosing'],
    ['takes ', 'Zedamycin', ' daily', null],
    ['allergic to ', 'Zed', '', null],
    ['adverse reaction to ', 'Zed', '', 'adverse-effect'], // see Zedamycin
  ])('%j %j %j -> %j', async (before, substance, after, column) => {
    const { readFileSync } = await import('node:fs');
    const { CodingPack, compileCodingPack } = await import('../pack.js');
    const { TableLookup } = await import('../tables.js');
    const fx = (n: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${n}`, import.meta.url)));
    const valid = ['', 'A10.0', 'A10.1', 'A10.2', 'A12', 'A15', 'A15.0'];
    const drug = DRUG.replace(/T99\.0X(\d)/g, (_m, d: string) => valid[Number(d)]!).replace(
      /T98\.1X1/g,
      'A10',
    );
    const data = compileCodingPack({
      tabular: { file: 'tabular-mini.xml', bytes: fx('tabular-mini.xml') },
      index: { file: 'index-mini.xml', bytes: fx('index-mini.xml') },
      drugs: { file: 'drug.xml', bytes: bytes(drug) },
    });
    const t = new TableLookup(new CodingPack(data));
    const hit = t.drug(substance, before, after, `${before}${substance}${after}`);
    expect(hit?.column ?? null).toBe(column);
  });
});
