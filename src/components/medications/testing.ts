/**
 * A stand-in `concepts` component for tests and examples that must not depend on a terminology
 * pack: medication concept mentions from a fixed list of names (case-insensitive, whole words,
 * longest first). Not used by the engine.
 */
import { Type } from '@sinclair/typebox';
import type { Concept } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';
import { Registry } from '../../pipeline/registry.js';
import { defaultRegistry } from '../index.js';
import { medicationsComponent } from './index.js';

export interface StandInDrug {
  readonly name: string;
  readonly rxnorm?: string;
}

/** Find the names in a text: [start, end, drug] for each whole-word, non-overlapping match. */
export function findNames(text: string, drugs: readonly StandInDrug[]): [number, number, StandInDrug][] {
  const lower = text.toLowerCase();
  const sorted = [...drugs].sort((a, b) => b.name.length - a.name.length);
  const taken = new Uint8Array(text.length);
  const out: [number, number, StandInDrug][] = [];
  const isWord = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (const d of sorted) {
    const n = d.name.toLowerCase();
    for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + 1)) {
      const end = i + n.length;
      if (isWord(text[i - 1]) || isWord(text[end])) continue;
      let free = true;
      for (let k = i; k < end; k++) if (taken[k]) free = false;
      if (!free) continue;
      taken.fill(1, i, end);
      out.push([i, end, d]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** A `concepts` component that marks the given drug names as medication concepts. */
export function standInConcepts(drugs: readonly StandInDrug[]) {
  return defineComponent({
    name: 'concepts',
    version: '0.0.0',
    description: 'Stand-in medication concepts from a fixed list of names (tests)',
    requires: ['tokens'],
    assigns: ['concepts'],
    options: Type.Object({}, { additionalProperties: false }),
    create() {
      return (doc) => {
        const concepts: Concept[] = findNames(doc.text, drugs).map(([start, end, d]) => ({
          start,
          end,
          text: doc.text.slice(start, end),
          type: 'medication',
          codes: d.rxnorm ? [{ system: 'rxnorm', code: d.rxnorm, display: d.name, score: 1 }] : [],
          matched: { term: d.name, source: 'stand-in' },
          score: 1,
          evidence: { component: 'concepts', rule: 'stand-in' },
        }));
        doc.set('concepts', concepts);
      };
    },
  });
}

/**
 * The default registry with the stand-in `concepts` in place of the real one, and `medications`
 * (registered whether or not the default registry has it yet).
 */
export function standInRegistry(drugs: readonly StandInDrug[]): Registry {
  const r = new Registry();
  for (const f of defaultRegistry().list())
    if (f.name !== 'concepts' && f.name !== 'medications') r.register(f);
  return r.register(standInConcepts(drugs)).register(medicationsComponent);
}
