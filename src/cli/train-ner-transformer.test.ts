import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encoderConfig } from '../models/transformer/config.js';
import { initParameters } from '../models/transformer/encoder.js';
import { parseTransformerNerManifest } from '../models/transformer/ner-manifest.js';
import { saveTensors } from '../models/transformer/tensors.js';
import { WordPieceTokenizer } from '../models/transformer/wordpiece.js';
import { resourcePath } from '../resources.js';
import { runCliForTest } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-train-ner-transformer-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Invented CoNLL sentences (token TAB tag), a blank line between sentences. */
function conll(n: number): string {
  const sentences = [
    'The\tO\npatient\tO\nhad\tO\nasthma\tB-Disease\n.\tO',
    'No\tO\nsign\tO\nof\tO\nbreast\tB-Disease\ncancer\tI-Disease\n.\tO',
    'Fever\tO\nresolved\tO\ntoday\tO\n.\tO',
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`-DOCSTART-\t(${i})\n\n${sentences.join('\n\n')}\n`);
  return out.join('\n');
}

describe('clinote train ner --architecture transformer', () => {
  it('fine-tunes from random init and writes the parameters and a manifest', async () => {
    const train = join(root, 'train.tsv');
    const dev = join(root, 'dev.tsv');
    writeFileSync(train, conll(4));
    writeFileSync(dev, conll(2));
    const out = join(root, 'model');
    const r = await runCliForTest([
      'train',
      'ner',
      '--architecture',
      'transformer',
      '--preset',
      'ncbi-disease',
      '--train',
      train,
      '--dev',
      dev,
      '--epochs',
      '2',
      '--seq-len',
      '16',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toMatch(/random init/);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(manifest.kind).toBe('clinote-transformer-ner');
    expect(manifest.init).toBe('random');
    expect(manifest.labels).toEqual(['O', 'B-Disease', 'I-Disease']);
    expect(existsSync(join(out, 'model.bin'))).toBe(true);
    // the ONNX exports beside the parameters (a protobuf: field 1, the IR version, comes first)
    for (const f of ['model.onnx', 'model.int8.onnx']) expect(readFileSync(join(out, f))[0]).toBe(0x08);
    const index = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
      tensors: { name: string }[];
    };
    expect(index.tensors.map((t) => t.name)).toContain('classifier.weight');
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
    // what the transformer-ner component reads: a valid manifest with the ONNX files' hashes, a card
    const parsed = parseTransformerNerManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), out);
    expect(parsed.onnx.sha256.int8).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(out, 'model-card.md'), 'utf8')).toMatch(
      /^# Model card: ner-ncbi-disease-transformer-tiny/,
    );

    // distillation: a "mini" student taught by this model
    const student = join(root, 'student');
    const d = await runCliForTest([
      'train',
      'ner',
      '--architecture',
      'transformer',
      '--size',
      'mini',
      '--preset',
      'ncbi-disease',
      '--train',
      train,
      '--dev',
      dev,
      '--epochs',
      '1',
      '--seq-len',
      '16',
      '--teacher',
      out,
      '--distill-alpha',
      '0.3',
      '--out',
      student,
      '--json',
    ]);
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/distillation: teacher ner-ncbi-disease-transformer-tiny/);
    const taught = JSON.parse(d.stdout) as { distillation: unknown; config: { hidden: number } };
    expect(taught.distillation).toEqual({
      teacher: 'ner-ncbi-disease-transformer-tiny',
      teacherSha256: parsed.onnx.sha256.fp32,
      goldShare: 0.3,
      temperature: 1,
    });
    expect(taught.config.hidden).toBe(64);
  }, 180_000);

  it('starts from a pretraining checkpoint given by --init', async () => {
    const train = join(root, 'train.tsv');
    const dev = join(root, 'dev.tsv');
    writeFileSync(train, conll(2));
    writeFileSync(dev, conll(1));
    const vocab = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json')).vocabSize;
    const config = encoderConfig('tiny', vocab, {
      hidden: 16,
      layers: 1,
      heads: 2,
      intermediate: 32,
      maxPositions: 16,
    });
    const checkpoint = join(root, 'checkpoint');
    saveTensors(checkpoint, initParameters(config, 5), { kind: 'clinote-mlm-checkpoint', config });
    const out = join(root, 'from-init');
    const args = ['train', 'ner', '--architecture', 'transformer', '--preset', 'ncbi-disease'];
    const r = await runCliForTest([
      ...args,
      ...['--train', train, '--dev', dev, '--epochs', '1', '--seq-len', '16', '--out', out, '--json'],
      ...['--init', `${checkpoint}.json`],
    ]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as { init: unknown; config: unknown };
    expect(manifest.init).toEqual({ checkpoint: `${checkpoint}.json` });
    expect(manifest.config).toEqual(config);
    // a checkpoint of another vocabulary is refused
    saveTensors(checkpoint, initParameters({ ...config, vocabSize: 50 }, 5), {
      config: { ...config, vocabSize: 50 },
    });
    const bad = await runCliForTest([...args, '--train', train, '--dev', dev, '--init', checkpoint]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/CLINOTE_E_MODEL_TRAIN_OPTION|not a pretraining checkpoint/);
  }, 120_000);

  it('refuses an unknown architecture', async () => {
    const r = await runCliForTest(['train', 'ner', '--architecture', 'rnn', '--preset', 'ncbi-disease']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/linear or transformer/);
  });
});
