/**
 * The abbreviation file of the sentence splitter (`resources/sentences/abbreviations.json`) and the
 * lookup built from it. Entries carry their final period (`dr.`, `b.i.d.`) and match
 * case-insensitively.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';

const Entry = Type.String({ minLength: 2, maxLength: 32, pattern: '^[^\\s]+\\.$' });

export const AbbreviationFileSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    version: Type.Literal(1),
    never: Type.Array(Entry, { description: 'A period after these never ends a sentence (Dr., e.g., vs.)' }),
    beforeNumber: Type.Array(Entry, {
      description: 'A period after these does not end a sentence before a number (No. 5, Fig. 2)',
    }),
    notBeforeLowercase: Type.Array(Entry, {
      description:
        'A period after these does not end a sentence before a lower-case word, even with lowercaseStarts (etc., b.i.d.)',
    }),
  },
  { additionalProperties: false },
);

export type AbbreviationFile = Static<typeof AbbreviationFileSchema>;

export const DEFAULT_ABBREVIATIONS = 'sentences/abbreviations.json';

/** Bit flags of an abbreviation. */
export const ABBR_NEVER = 1;
export const ABBR_BEFORE_NUMBER = 2;
export const ABBR_NOT_BEFORE_LOWER = 4;

export class AbbreviationTable {
  readonly #flags = new Map<string, number>();
  /** Longest entry without its final period, in characters. */
  readonly maxLength: number;

  constructor(file: AbbreviationFile) {
    const add = (list: readonly string[], flag: number): void => {
      for (const raw of list) {
        const key = raw.toLowerCase().slice(0, -1);
        this.#flags.set(key, (this.#flags.get(key) ?? 0) | flag);
      }
    };
    add(file.never, ABBR_NEVER);
    add(file.beforeNumber, ABBR_BEFORE_NUMBER);
    add(file.notBeforeLowercase, ABBR_NOT_BEFORE_LOWER);
    let max = 0;
    for (const k of this.#flags.keys()) max = Math.max(max, k.length);
    this.maxLength = max;
  }

  /** Flags of a word written before a period (without the period), 0 when it is not listed. */
  flags(word: string): number {
    if (word.length > this.maxLength) return 0;
    return this.#flags.get(word.toLowerCase()) ?? 0;
  }

  get size(): number {
    return this.#flags.size;
  }
}

export function loadAbbreviations(ctx: FactoryContext, path = DEFAULT_ABBREVIATIONS): AbbreviationTable {
  return new AbbreviationTable(loadJsonResource(ctx, path, AbbreviationFileSchema));
}
