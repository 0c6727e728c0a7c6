/**
 * `clinote train classify --task specialty|section|assertion`: the classifier trainings behind one
 * command. Specialty and section learn from MTSamples (`--train` overrides the CSV; the split is
 * inside it); assertion is trained by `trainAssertionClassifier` (src/models/assertion/train.ts).
 * Options a task does not take are refused, not ignored. Returns what to print on stdout.
 */
import { ClinoteError } from '../errors/error.js';

export interface TrainClassifyCliOptions {
  readonly task?: string;
  readonly train?: string;
  readonly dev?: string;
  readonly out?: string;
  readonly name?: string;
  readonly epochs?: number;
  readonly patience?: number;
  readonly seed?: number;
  readonly bits?: number;
  readonly limit?: number;
  readonly json?: boolean;
  readonly classWeights?: 'balanced' | 'none';
  readonly oversample?: number;
  readonly thresholds?: boolean;
  readonly preset?: string;
  readonly ngrams?: number;
  readonly pack?: string;
  readonly devFraction?: number;
  readonly propagation?: boolean;
  readonly algorithm?: string;
  readonly clusters?: string;
}

const CLASSIFY_TASKS = ['specialty', 'section', 'assertion'] as const;

function refuse(
  task: string,
  options: TrainClassifyCliOptions,
  names: readonly (keyof TrainClassifyCliOptions)[],
): void {
  const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const given = names.filter((k) => (k === 'propagation' ? options[k] === false : options[k] !== undefined));
  if (given.length > 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAIN_OPTION',
      `train classify --task ${task} does not take ${given.map(flag).join(', ')}`,
      { task, options: given.map(flag) },
    );
  }
}

export async function trainClassifyCommand(
  options: TrainClassifyCliOptions,
  log: (line: string) => void,
): Promise<string> {
  const task = options.task;
  if (task === undefined || !(CLASSIFY_TASKS as readonly string[]).includes(task)) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_UNKNOWN_TASK',
      `train classify needs --task ${CLASSIFY_TASKS.join('|')}${task === undefined ? '' : ` (got '${task}')`}`,
      { task: task ?? null, tasks: [...CLASSIFY_TASKS] },
    );
  }
  refuse(task, options, ['preset', 'ngrams', 'pack', 'devFraction', 'propagation', 'algorithm', 'clusters']);
  if (task === 'assertion') {
    refuse(task, options, ['classWeights', 'oversample', 'thresholds', 'name', 'patience']);
    const { trainAssertionClassifier } = await import('../models/assertion/train.js');
    const out = options.out ?? 'models/classify-assertion';
    const trained = trainAssertionClassifier({
      ...(options.train !== undefined ? { train: options.train } : {}),
      ...(options.dev !== undefined ? { dev: options.dev } : {}),
      out,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.bits !== undefined ? { bits: options.bits } : {}),
      log,
    });
    return options.json ? `${JSON.stringify(trained.manifest ?? null, null, 2)}\n` : `${out}\n`;
  }
  refuse(task, options, ['dev']);
  const { trainClassifierTask } = await import('../models/classify/tasks/train.js');
  const r = trainClassifierTask({
    task: task as 'specialty' | 'section',
    ...(options.train !== undefined ? { data: options.train } : {}),
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.patience !== undefined ? { patience: options.patience } : {}),
    ...(options.bits !== undefined ? { bits: options.bits } : {}),
    ...(options.classWeights !== undefined ? { classWeights: options.classWeights } : {}),
    ...(options.oversample !== undefined ? { oversample: options.oversample } : {}),
    ...(options.thresholds !== undefined ? { thresholds: options.thresholds } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    log,
  });
  return options.json ? `${JSON.stringify(r.manifest, null, 2)}\n` : `${r.dir}\n`;
}
