import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isClinoteError } from '../../errors/error.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { DEFAULT_MEDICATION_CONTEXT, DEFAULT_SIG_LEXICON, loadSigGrammar } from './index.js';
import {
  alternation,
  CompiledLexicon,
  MedicationContextSchema,
  medicationContextJsonSchema,
  PhraseMatcher,
  phraseKey,
  SigLexiconSchema,
  sigLexiconJsonSchema,
} from './lexicon.js';

const ctx = fileResourceContext();
const sig = loadJsonResource(ctx, DEFAULT_SIG_LEXICON, SigLexiconSchema);
const context = loadJsonResource(ctx, DEFAULT_MEDICATION_CONTEXT, MedicationContextSchema);

describe('rule files', () => {
  it('have JSON Schema files in step with the TypeBox schemas', () => {
    const sigFile = JSON.parse(readFileSync(resourcePath('medications/sig.schema.json'), 'utf8'));
    expect(sigFile).toEqual(JSON.parse(JSON.stringify(sigLexiconJsonSchema())));
    const cxFile = JSON.parse(readFileSync(resourcePath('medications/context.schema.json'), 'utf8'));
    expect(cxFile).toEqual(JSON.parse(JSON.stringify(medicationContextJsonSchema())));
  });

  it('give every entry a unique rule id', () => {
    const ids = [
      ...sig.units.map((u) => u.id),
      ...sig.perUnits.map((u) => u.id),
      ...sig.routes.map((r) => r.id),
      ...sig.forms.map((f) => f.id),
      ...sig.frequencies.map((f) => f.id),
      ...sig.intensities.map((x) => x.id),
      ...sig.statuses.map((s) => s.id),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('name only route codes that forms imply', () => {
    const codes = new Set(sig.routes.map((r) => r.code));
    for (const f of sig.forms) if (f.route) expect(codes.has(f.route), f.id).toBe(true);
  });

  it('do not give one phrase two meanings within a list', () => {
    const lists: [string, { id: string; phrases: string[] }[]][] = [
      ['routes', sig.routes],
      ['forms', sig.forms],
      ['frequencies', sig.frequencies],
      ['statuses', sig.statuses.filter((s) => s.tableOnly !== true)],
    ];
    for (const [name, entries] of lists) {
      const seen = new Map<string, string>();
      for (const e of entries) {
        for (const p of e.phrases) {
          const k = phraseKey(p);
          expect(seen.get(k) ?? e.id, `${name}: '${p}' in ${seen.get(k)} and ${e.id}`).toBe(e.id);
          seen.set(k, e.id);
        }
      }
    }
  });

  it('match each of their own phrases whole', () => {
    const lex = new CompiledLexicon(sig, context);
    for (const r of sig.routes) for (const p of r.phrases) expect(lex.routes.match(`${p} `, 0)?.text).toBe(p);
    for (const f of sig.forms) for (const p of f.phrases) expect(lex.forms.match(`${p} `, 0)?.text).toBe(p);
    for (const f of sig.frequencies)
      for (const p of f.phrases) expect(lex.frequencies.match(`${p} `, 0)?.text).toBe(p);
  });

  it('reject a bad file naming the key (CLINOTE_E_RESOURCE_INVALID)', () => {
    const bad: FactoryContext = {
      readResource: () =>
        JSON.stringify({ ...sig, routes: [{ id: 'route.x', code: 'po', display: 'x', phrases: [] }] }),
      readResourceBytes: () => new Uint8Array(),
    };
    try {
      loadSigGrammar(bad);
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_RESOURCE_INVALID');
      expect(String((e as Error).message)).toMatch(/routes/);
    }
  });
});

describe('phrase matching', () => {
  it('keys phrases by lower case and single spaces', () => {
    expect(phraseKey('  By   Mouth ')).toBe('by mouth');
    expect(phraseKey('B.I.D.')).toBe('b.i.d.');
  });

  it('puts the longest phrase first and lets a space match any whitespace', () => {
    expect(alternation(['po', 'per os', 'p.o.'])).toBe('per\\s+os|p\\.o\\.|po');
  });

  it('finds the longest phrase at a word boundary, by first token or over all phrases', () => {
    const m = new PhraseMatcher<string>([
      ['iv', 'IV'],
      ['iv push', 'IV'],
      ['b.i.d.', 'BID'],
      ['/day', 'D'],
    ]);
    const text = 'IV  push now, ivy, b.i.d., 2/day';
    expect(m.match(text, 0)?.text).toBe('IV  push');
    expect(m.match(text, 0, 'iv')?.text).toBe('IV  push');
    expect(m.match(text, 0, 'po')).toBeNull();
    expect(m.match(text, 14)).toBeNull(); // `ivy`
    expect(m.match(text, 19, 'b.i.d.')?.text).toBe('b.i.d.');
    expect(m.match(text, 28, '/')?.text).toBe('/day');
  });
});
