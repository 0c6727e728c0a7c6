/**
 * RxNorm RXNCONSO.RRF (pipe-delimited, no header):
 * RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|
 * Rows with SAB=RXNORM (option `sabs`) and TTY IN, PIN, MIN or BN (option `ttys`) are kept; each
 * RXCUI is one concept (id `rxnorm:<RXCUI>`, medication, subtype ingredient / precise-ingredient /
 * multiple-ingredient / brand) with its strings as terms (BN strings are brand terms) and the
 * code rxnorm RXCUI. Suppressed rows (SUPPRESS other than N) are skipped. Brands are not linked
 * to their ingredients (that needs RXNREL); they are concepts of their own.
 * Kept rows are grouped in memory by RXCUI (tens of thousands), so the file need not be sorted.
 */
import type { ImportStats, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, lookup } from './util/concept.js';
import { readLines, splitPipe } from './util/text.js';

export const RXNORM_LICENCE =
  'RxNorm (U.S. National Library of Medicine): the SAB=RXNORM content is free to use; other sources in the RRF files carry UMLS licence terms.';

const SUBTYPES: Record<string, string> = {
  IN: 'ingredient',
  PIN: 'precise-ingredient',
  MIN: 'multiple-ingredient',
  BN: 'brand',
};
const RANK: Record<string, number> = { IN: 0, PIN: 1, MIN: 2, BN: 3 };

export async function* importRxnormRrf(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = RXNORM_LICENCE;
  const ttys = new Set(options.ttys ?? ['IN', 'PIN', 'MIN', 'BN']);
  const sabs = options.sabs === 'all' ? null : new Set(options.sabs ?? ['RXNORM']);
  const byCui = new Map<string, { tty: string; strings: { text: string; tty: string; pref: boolean }[] }>();
  for await (const line of readLines(path)) {
    if (line === '') continue;
    stats.read++;
    const f = splitPipe(line);
    if (f.length < 17) {
      skip(stats, 'malformed');
      continue;
    }
    const [rxcui = '', lat = '', ts = '', , stt = '', , ispref = ''] = f;
    const sab = f[11] ?? '';
    const tty = f[12] ?? '';
    const str = f[14] ?? '';
    const suppress = f[16] ?? '';
    if (lat !== 'ENG') {
      skip(stats, 'language');
      continue;
    }
    if (sabs && !sabs.has(sab)) {
      skip(stats, 'source');
      continue;
    }
    if (!ttys.has(tty)) {
      skip(stats, 'term-type');
      continue;
    }
    if (suppress !== '' && suppress !== 'N' && !options.includeObsolete) {
      skip(stats, 'suppressed');
      continue;
    }
    if (rxcui === '' || str === '') {
      skip(stats, 'malformed');
      continue;
    }
    const pref = ts === 'P' && stt === 'PF' && ispref === 'Y';
    const entry = byCui.get(rxcui);
    if (entry) {
      entry.strings.push({ text: str, tty, pref });
      if ((lookup(RANK, tty) ?? 9) < (lookup(RANK, entry.tty) ?? 9)) entry.tty = tty;
    } else {
      byCui.set(rxcui, { tty, strings: [{ text: str, tty, pref }] });
    }
  }
  for (const [rxcui, { tty, strings }] of byCui) {
    const d = new ConceptDraft(
      `rxnorm:${rxcui}`,
      'rxnorm',
      'medication',
      lookup(SUBTYPES, tty) ?? tty.toLowerCase(),
    );
    const main =
      strings.find((s) => s.tty === tty && s.pref) ?? strings.find((s) => s.tty === tty) ?? strings[0]!;
    d.addTerm(main.text, 'preferred');
    for (const s of strings) d.addTerm(s.text, s.tty === 'BN' ? 'brand' : 'synonym');
    d.addCode('rxnorm', rxcui, { display: main.text });
    stats.imported++;
    yield d.build();
  }
}
