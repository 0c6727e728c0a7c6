/** What every evaluation task does first: pick its preset and find its data. */
import { existsSync } from 'node:fs';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { ClinoteError } from '../errors/error.js';

/** The named preset of a task; CLINOTE_E_EVAL_UNKNOWN_PRESET listing the valid names otherwise. */
export function pickPreset<P>(
  task: string,
  presets: Readonly<Record<string, P>>,
  name: string | undefined,
): P {
  const preset = name !== undefined && Object.hasOwn(presets, name) ? presets[name] : undefined;
  if (preset === undefined) {
    const names = Object.keys(presets).sort();
    throw new ClinoteError(
      'CLINOTE_E_EVAL_UNKNOWN_PRESET',
      name === undefined
        ? `eval ${task} needs --preset (presets: ${names.join(', ')})`
        : `unknown ${task} preset '${name}' (presets: ${names.join(', ')})`,
      { task, ...(name !== undefined ? { preset: name } : {}), presets: names },
    );
  }
  return preset;
}

/**
 * `--data` when given (it must exist), else the default under the shared data dir; both missing give
 * CLINOTE_E_EVAL_DATA_MISSING. `hint` follows "pass --data" in the message.
 */
export function resolveEvalData(
  data: string | undefined,
  defaultData: readonly string[],
  options: { readonly preset?: string; readonly hint?: string } = {},
): string {
  if (data) {
    if (!existsSync(data)) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MISSING', `eval data not found: ${data}`, { path: data });
    }
    return data;
  }
  const path = sharedDataPath(...defaultData);
  if (!path) {
    throw new ClinoteError(
      'CLINOTE_E_EVAL_DATA_MISSING',
      `${missingDataMessage(...defaultData).replace(/; skipped$/, '')}; pass --data${options.hint ? ` ${options.hint}` : ''}`,
      { ...(options.preset !== undefined ? { preset: options.preset } : {}), path: defaultData.join('/') },
    );
  }
  return path;
}
