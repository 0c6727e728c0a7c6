/**
 * Test fixture: a small random transformer NER model directory (the built-in tokenizer, a 1-layer
 * encoder of width 32, a head scaled up so that its random predictions vary), exported to ONNX as
 * `clinote train ner --architecture transformer` would write it. Loads the training code: tests only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTokenClassifierOnnx } from '../../models/onnx/export.js';
import { encoderConfig } from '../../models/transformer/config.js';
import { initTokenClassifier } from '../../models/transformer/token-classification.js';
import { WordPieceTokenizer } from '../../models/transformer/wordpiece.js';
import { resourcePath } from '../../resources.js';

export const TINY_LABELS = ['O', 'B-Disease', 'I-Disease'];

/** Writes the model into `dir` (created) and returns `dir`. */
export function writeTinyTransformerNer(dir: string, seed = 7, seqLen = 64): string {
  const tok = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));
  const config = encoderConfig('tiny', tok.vocabSize, {
    hidden: 32,
    layers: 1,
    heads: 2,
    intermediate: 64,
    maxPositions: 64,
  });
  const params = initTokenClassifier(config, TINY_LABELS.length, seed);
  const weight = params.get('classifier.weight')!.data;
  for (let i = 0; i < weight.length; i++) weight[i] = weight[i]! * 60;
  const bias = params.get('classifier.bias')!.data;
  bias[0] = 0.5; // O somewhat more likely than the rest
  const onnx = writeTokenClassifierOnnx(dir, params, config, TINY_LABELS);
  const manifest = {
    kind: 'clinote-transformer-ner',
    version: 1,
    task: 'ner',
    name: 'tiny-test-transformer',
    labels: TINY_LABELS,
    types: { Disease: 'problem' },
    config,
    tokenizer: { file: 'models/tokenizer/tokenizer.json' },
    onnx,
    hyperparameters: { seqLen },
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
