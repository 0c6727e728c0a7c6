import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../../errors/error.js';
import { parseAlphaIndex, splitNemod } from './alpha-index.js';
import { dotted, noteRefs, refCovers, undotted } from './refs.js';
import { parseTabular, sevenChrOf, withSeventh } from './tabular.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('note references', () => {
  it.each([
    ['code to identify resistance (Z16.-)', ['Z16']],
    ['perinatal infections (P35-P39)', ['P35-P39']],
    ['diabetic retinopathy (E08.32-, E09.32-)', ['E0832', 'E0932']],
    ['with foot ulcer (E10-E13 with .621)', ['E10-E13']],
    ['vitamin B12 deficiency (D51.-)', ['D51']],
    ['no code here', []],
    ['nested (see (A00))', ['A00']],
  ])('%s', (note, refs) => {
    expect(noteRefs(note)).toEqual(refs);
  });

  it('covers codes by prefix and range', () => {
    expect(refCovers('Z16', 'Z16.10')).toBe(true);
    expect(refCovers('P35-P39', 'P37.1')).toBe(true);
    expect(refCovers('P35-P39', 'P40')).toBe(false);
    expect(refCovers('E0832', 'E08.321')).toBe(true);
    expect(refCovers('E0832', 'E08.33')).toBe(false);
    expect(dotted('E119')).toBe('E11.9');
    expect(undotted('s72.001a')).toBe('S72001A');
  });
});

describe('Tabular List importer', () => {
  const tab = parseTabular(fixture('tabular-mini.xml'), 'mini');

  it('reads chapters, sections and codes with their parents and leaves', () => {
    expect(tab.version).toBe('2099');
    expect(tab.entries.get('A10')).toMatchObject({
      parent: 'section:A10-A19',
      leaf: false,
      title: 'Widget fever',
    });
    expect(tab.entries.get('A10.0')).toMatchObject({
      parent: 'A10',
      leaf: true,
      inclusion: ['Widget fever NOS'],
    });
    expect(tab.entries.get('section:A10-A19')?.parent).toBe('chapter:1');
    expect(tab.counts).toMatchObject({
      chapters: 1,
      sections: 1,
      diag: 7,
      excludes1: 1,
      codeFirst: 1,
      sevenChrDef: 1,
    });
  });

  it('keeps the code references of notes, never their text', () => {
    expect(tab.entries.get('A10')?.refs.excludes1).toEqual(['A12']);
    expect(tab.entries.get('A12')?.refs.codeFirst).toEqual(['A10-A11']);
    expect(tab.entries.get('chapter:1')?.refs.useAdditionalCode).toEqual(['A19']);
  });

  it('finds seventh characters on the nearest ancestor and pads with the placeholder X', () => {
    expect(sevenChrOf(tab.entries, 'A15.0')).toEqual({
      A: 'initial encounter',
      D: 'subsequent encounter',
      S: 'sequela',
    });
    expect(sevenChrOf(tab.entries, 'A10.1')).toBeUndefined();
    expect(withSeventh('A15.0', 'A')).toBe('A15.0XXA');
    expect(withSeventh('T07', 'D')).toBe('T07.XXXD');
  });

  it('reads gzip the same way', () => {
    const gz = parseTabular(gzipSync(fixture('tabular-mini.xml')), 'mini.gz');
    expect([...gz.entries.keys()]).toEqual([...tab.entries.keys()]);
  });

  it('refuses another root', () => {
    expect(() => parseTabular(new TextEncoder().encode('<other><a/></other>'), 'x')).toThrow(ClinoteError);
  });
});

describe('Alphabetic Index importer', () => {
  const idx = parseAlphaIndex(fixture('index-mini.xml'), 'mini');

  it('reads main terms, nested subterms, codes, manifestations and see references', () => {
    expect(idx.version).toBe('2099');
    expect(idx.mainTerms.map((m) => m.title)).toEqual(['Fever, feverish', 'Gizmo fever', 'Injury, sprocket']);
    const fever = idx.mainTerms[0]!;
    expect(fever.nemod).toEqual(['intermittent', 'remittent']);
    expect(fever.code).toBe('A10.0');
    expect(fever.children[0]?.children[0]).toMatchObject({ title: 'arm', code: 'A10-' });
    expect(fever.children[1]?.children[0]).toMatchObject({
      title: 'gadget disease',
      code: 'A12',
      manif: 'A19',
    });
    expect(idx.mainTerms[1]?.see).toBe('Fever, widget');
    expect(idx.counts).toMatchObject({ mainTerm: 3, term: 7, see: 1, manif: 1, nemod: 1 });
  });

  it('splits nonessential modifiers', () => {
    expect(splitNemod('(mellitus) (sugar)')).toEqual(['mellitus', 'sugar']);
    expect(splitNemod('(-astasia) (hysterical)')).toEqual(['-astasia', 'hysterical']);
    expect(splitNemod('(with (nested))')).toEqual(['with (nested)']);
  });
});
