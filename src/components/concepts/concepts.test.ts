import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { isClinoteError } from '../../errors/error.js';
import { createPipelineSync, type Pipeline, sha256 } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { compilePack } from '../../terminology/pack/compile.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { newStats, type SourceConcept } from '../../terminology/types.js';
import { defaultRegistry } from '../index.js';
import { conceptsComponent, packPath, STARTER_PACK } from './index.js';

function registry() {
  const r = defaultRegistry();
  if (!r.get('concepts')) r.register(conceptsComponent);
  return r;
}

function pipeline(options?: Record<string, unknown>): Pipeline {
  return createPipelineSync(
    {
      name: 'test',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        options ? { name: 'concepts', options } : { name: 'concepts' },
      ],
    },
    { registry: registry(), context: fileResourceContext() },
  );
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isClinoteError(e) ? e.code : String(e);
  }
  return undefined;
}

const concept = (
  id: string,
  type: SourceConcept['type'],
  preferred: string,
  codes: SourceConcept['codes'],
  terms: string[] = [],
): SourceConcept => ({
  id: `fixture:${id}`,
  source: 'fixture',
  type,
  preferred,
  terms: terms.map((text) => ({ text, kind: 'synonym' as const })),
  codes,
});

const FIXTURE: SourceConcept[] = [
  concept(
    'htn',
    'problem',
    'Hypertension',
    [{ system: 'icd10cm', code: 'I10', display: 'Essential hypertension' }],
    ['high blood pressure'],
  ),
  concept('k-drug', 'medication', 'Potassium', [{ system: 'rxnorm', code: '8588' }]),
  concept('k-lab', 'lab', 'Potassium', [{ system: 'loinc', code: '2823-3' }]),
  concept('chf', 'problem', 'Congestive heart failure', [{ system: 'icd10cm', code: 'I50.9' }]),
];

let dir: string;
let fixturePack: string;
let otherKeysPack: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clinote-concepts-'));
  const stats = newStats('fixture');
  fixturePack = join(dir, 'fixture.pack');
  writeFileSync(
    fixturePack,
    (await compilePack([{ stats, concepts: FIXTURE }], { name: 'fixture', keys: DEFAULT_KEYS })).bytes,
  );
  // a pack built with other key functions (upper-case keys): the component flags it
  const upper = {
    ...DEFAULT_KEYS,
    tokenKey: (n: string) => DEFAULT_KEYS.tokenKey(n).toUpperCase(),
    termKeys: (t: string) => DEFAULT_KEYS.termKeys(t).map((k) => k.toUpperCase()),
  };
  otherKeysPack = join(dir, 'other-keys.pack');
  writeFileSync(
    otherKeysPack,
    (await compilePack([{ stats: newStats('fixture'), concepts: FIXTURE }], { name: 'other', keys: upper }))
      .bytes,
  );
});

const NOTE = [
  'HISTORY OF PRESENT ILLNESS: The patient has high blood pressure and congestive heart failure.',
  '',
  'MEDICATIONS: Potassium daily.',
  '',
  'LABS: Potassium 4.1.',
].join('\n');

describe('concepts component', () => {
  it('finds concepts with offsets into the original text, sections, sentences and evidence', () => {
    const doc = pipeline({ pack: fixturePack }).runSync(new Doc(NOTE));
    const concepts = doc.get('concepts');
    expect(concepts.map((c) => `${c.text}|${c.type}`)).toEqual([
      'high blood pressure|problem',
      'congestive heart failure|problem',
      'Potassium|medication',
      'Potassium|lab',
    ]);
    for (const c of concepts) {
      expect(NOTE.slice(c.start, c.end)).toBe(c.text);
      expect(c.evidence.component).toBe('concepts');
      expect(c.evidence.rule).toMatch(/^pack:fixture@[0-9a-f]{12}\//);
      expect(c.sentence).toBeGreaterThanOrEqual(0);
      expect(c.section).toBeGreaterThanOrEqual(0);
    }
    const htn = concepts[0]!;
    expect(htn.codes[0]).toMatchObject({ system: 'icd10cm', code: 'I10', display: 'Essential hypertension' });
    expect(htn.matched).toEqual({ term: 'high blood pressure', source: 'fixture' });
    expect(concepts[2]!.candidates?.[0]?.type).toBe('lab');
  });

  it('puts the pack hash in the pipeline version', () => {
    const p = pipeline({ pack: fixturePack });
    const resources = p.components.find((c) => c.name === 'concepts')!.resources;
    expect(resources).toHaveLength(1);
    expect(resources[0]!.sha256).toBe(sha256(fileResourceContext().readResourceBytes(fixturePack)));
    expect(pipeline({ pack: otherKeysPack }).stamp.version).not.toBe(p.stamp.version);
  });

  it('flags a pack built with other term normalization', () => {
    const doc = pipeline({ pack: otherKeysPack }).runSync(new Doc('Hypertension.'));
    expect(doc.flags.map((f) => f.code)).toContain('CLINOTE_W_PACK_KEYS_MISMATCH');
    expect(pipeline({ pack: fixturePack }).runSync(new Doc('Hypertension.')).flags).toEqual([]);
  });

  it('filters types', () => {
    const doc = pipeline({ pack: fixturePack, types: ['lab'] }).runSync(new Doc(NOTE));
    expect(doc.get('concepts').map((c) => c.type)).toEqual(['lab', 'lab']);
  });

  it.each([
    [{ pack: '/nonexistent/x.pack' }, 'CLINOTE_E_PACK_NOT_FOUND'],
    [{ pack: fileURLPath('concepts.test.ts') }, 'CLINOTE_E_PACK_CORRUPT'],
    [{ colour: 'red' }, 'CLINOTE_E_CONFIG_INVALID'],
    [{ fuzzy: { threshold: 2 } }, 'CLINOTE_E_CONFIG_INVALID'],
    [{ types: ['problem', 'colour'] }, 'CLINOTE_E_CONFIG_INVALID'],
  ])('rejects %j with %s', (options, code) => {
    expect(errorCode(() => pipeline(options))).toBe(code);
  });

  it('takes the pack from the option only (no environment), else the built-in starter pack', () => {
    expect(packPath('/a/b.pack')).toBe('/a/b.pack');
    expect(packPath(undefined)).toBe(STARTER_PACK);
    expect(packPath('')).toBe(STARTER_PACK);
    expect(packPath('rel.pack')).toBe(join(process.cwd(), 'rel.pack'));
  });

  it('works out of the box with the built-in starter pack', () => {
    const doc = pipeline().runSync(
      new Doc(
        'ASSESSMENT: Hypertension and type 2 diabetes mellitus.\nMEDICATIONS: Metformin 500 mg twice daily.',
      ),
    );
    const byText = new Map(doc.get('concepts').map((c) => [c.text.toLowerCase(), c]));
    expect(byText.get('hypertension')?.codes.map((c) => `${c.system}:${c.code}`)).toContain('icd10cm:I10');
    expect(byText.get('type 2 diabetes mellitus')?.type).toBe('problem');
    expect(byText.get('metformin')?.codes.map((c) => c.system)).toContain('rxnorm');
    expect(doc.flags).toEqual([]);
  });
});

function fileURLPath(name: string): string {
  return join(import.meta.dirname, name);
}
