/**
 * A trained classifier ready to predict: the logistic regression, its fitted temperature and its
 * per-class thresholds. Every prediction gives the calibrated probabilities of all labels and the
 * model's `name@version` for evidence.
 */
import type { LogRegModel } from './logreg.js';
import { softmax } from './logreg.js';
import { decide } from './thresholds.js';

export interface ClassifierPrediction {
  /** The decided label (largest p / threshold). */
  readonly label: string;
  readonly index: number;
  /** Calibrated probability of the decided label. */
  readonly probability: number;
  /** Calibrated probabilities of all labels, in label order. */
  readonly probabilities: Float64Array;
  /** `name@version` of the model that made the prediction. */
  readonly model: string;
}

export interface ClassifierSettings {
  readonly name: string;
  readonly version: string;
  /** Temperature of the calibration (1: none). */
  readonly temperature: number;
  readonly thresholds?: readonly number[] | null;
}

export class Classifier {
  readonly ref: string;

  constructor(
    readonly model: LogRegModel,
    readonly settings: ClassifierSettings,
  ) {
    this.ref = `${settings.name}@${settings.version}`;
  }

  get labels(): readonly string[] {
    return this.model.labels;
  }

  /** Calibrated probabilities of the labels. */
  probabilities(features: readonly string[]): Float64Array {
    return softmax(this.model.logits(features), this.settings.temperature);
  }

  predict(features: readonly string[]): ClassifierPrediction {
    const probabilities = this.probabilities(features);
    const index = decide(probabilities, this.settings.thresholds);
    return {
      label: this.model.labels[index] as string,
      index,
      probability: probabilities[index] as number,
      probabilities,
      model: this.ref,
    };
  }
}
