/**
 * Silver NER labels on clinical notes: the rule pipeline plus the linear model (`ml`: the starter
 * pack's concepts merged with the NCBI-disease sequence labeller) label MTSamples transcriptions,
 * and the `problem` concepts become `Disease` mentions in a CoNLL file (token TAB BIO tag, a blank
 * line between sentences, `-DOCSTART-` between notes) that `clinote train ner --preset ncbi-disease
 * --architecture transformer --train FILE` reads. Used to adapt the transformer encoder to clinical
 * notes (docs/models/serving.md, distillation). Notes of the held-out split of the specialty task
 * (`splitOf`, seed 1) are not used. The file holds corpus text: it is written under .tmp, never
 * committed.
 *
 *   npm run build && node dist/scripts/silver-ner.js [--limit 1500] [--out .tmp/silver/mtsamples-silver.tsv]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import { readConfigFile } from '../src/engine.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { MTSAMPLES_FILE, readMtSamples, splitOf } from '../src/models/classify/tasks/mtsamples.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '1500' },
    out: { type: 'string', default: '.tmp/silver/mtsamples-silver.tsv' },
    pipeline: { type: 'string', default: 'ml' },
  },
});

if (sharedDataPath(...MTSAMPLES_FILE) === null) {
  console.error(missingDataMessage(...MTSAMPLES_FILE));
} else {
  const limit = Number(values.limit);
  const pipeline = loadPipelineSync({ config: readConfigFile(values.pipeline as string) });
  const samples = readMtSamples().samples.filter((s) => splitOf(s.transcription.trim(), 1) !== 'heldout');
  const lines: string[] = [];
  let notes = 0;
  let sentences = 0;
  let mentions = 0;
  for (const s of samples.slice(0, limit)) {
    const doc = pipeline.runSync(new Doc(s.transcription, { id: String(s.row) }));
    const tokens = doc.get('tokens');
    const tags = new Array<string>(tokens.length).fill('O');
    for (const c of doc.get('concepts')) {
      if (c.type !== 'problem') continue;
      let first = true;
      for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k]!;
        if (t.start < c.start || t.end > c.end || tags[k] !== 'O') continue;
        tags[k] = first ? 'B-Disease' : 'I-Disease';
        if (first) mentions++;
        first = false;
      }
    }
    lines.push(`-DOCSTART-\t(${s.row})`, '');
    let sentence = -1;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.sentence !== sentence) {
        if (sentence >= 0) lines.push('');
        sentence = t.sentence;
        sentences++;
      }
      lines.push(`${doc.text.slice(t.start, t.end)}\t${tags[k]}`);
    }
    lines.push('');
    notes++;
  }
  const out = values.out as string;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(JSON.stringify({ out, notes, sentences, mentions }));
}
