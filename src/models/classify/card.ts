/** The model card (markdown) of a trained classifier, from its manifest. */
import type { ClassifierManifest } from './manifest.js';

function fmt(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3);
}

export function classifierCard(m: ClassifierManifest, limits: readonly string[] = []): string {
  const files = (list: ClassifierManifest['data']['train']): string =>
    list.map((f) => `\`${f.name}\` (sha256 \`${f.sha256.slice(0, 16)}…\`, ${f.bytes} bytes)`).join(', ') ||
    '-';
  const rows = Object.entries(m.metrics).map(
    ([split, s]) =>
      `| ${split} | ${s.examples} | ${fmt(s.accuracy)} | ${fmt(s.macroF1)} | ${fmt(s.microF1)} | ${fmt(s.rareRecall)} | ${fmt(s.logLoss)} | ${fmt(s.ece)} |`,
  );
  const c = m.calibration;
  return [
    `# Model card: ${m.name} ${m.version}`,
    '',
    m.description ?? '',
    '',
    '## Intended use',
    '',
    `A \`${m.kind}\` classifier for English clinical text in a Clinote pipeline or script, with calibrated`,
    'probabilities. Labels: ' + m.labels.map((l) => `\`${l}\``).join(', ') + '.',
    'An aid to routing and review, not for unsupervised clinical decisions.',
    '',
    '## Model',
    '',
    `Multinomial logistic regression over hashed features (2^${m.features.bits} slots, features version ${m.features.version}${m.features.normalize ? ', unit-norm vectors' : ''}): ${m.features.description}`,
    `Hyperparameters: ${Object.entries(m.hyperparameters)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; seed ${m.seed}. Trained with ${m.code.package} ${m.code.version}.`,
    `Weights: ${m.weights.nonzeroRows} of ${m.weights.rows} slots used, ${m.weights.bytes} bytes.`,
    m.thresholds
      ? 'Decision: the label with the largest probability / threshold (per-class thresholds chosen on dev: ' +
        m.thresholds.map((t, i) => `${m.labels[i]} ${t}`).join(', ') +
        ').'
      : 'Decision: the most probable label.',
    '',
    '## Calibration',
    '',
    `Temperature scaling: T = ${c.temperature.toFixed(4)}, fitted on ${c.fittedOn} by minimising the negative log-likelihood.`,
    `Expected calibration error (${c.bins} equal-width bins) on ${c.scoredOn}: ${fmt(c.eceBefore)} before, ${fmt(c.eceAfter)} after.`,
    '',
    '## Data',
    '',
    `${m.data.source ? `${m.data.source}. ` : ''}Training: ${files(m.data.train)}. Development: ${files(m.data.dev)}.`,
    m.data.split ? `Split: ${m.data.split}` : '',
    '',
    `Licence of the data: ${m.data.license ?? 'see the corpus'}. Attribution: ${m.data.attribution ?? '-'}`,
    '',
    '## Metrics',
    '',
    '`dev` is the part early stopping, thresholds and the temperature were tuned on; `heldout` was only scored.',
    'Rare recall: recall on the classes with fewer than 20 training examples.',
    '',
    '| split | examples | accuracy | macro-F1 | micro-F1 | rare recall | log loss | ECE |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Known limits',
    '',
    '- Trained on one corpus: text of other institutions or styles scores lower.',
    '- Hashed features collide; a feature never seen in training carries no weight.',
    ...limits.map((l) => `- ${l}`),
    '',
  ].join('\n');
}
