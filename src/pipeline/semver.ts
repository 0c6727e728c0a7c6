/**
 * The part of semantic versioning a pipeline config needs to pin a component: `X.Y.Z` versions
 * (no pre-release tags) and npm-style ranges: `1.2.3`, `=1.2.3`, `1`, `1.2`, `1.x`, `*`, `^1.2`,
 * `~1.2.3`, `>=1.2 <2`, and `||` between alternatives. Small on purpose: it loads in no time.
 * A pre-release version (`1.0.0-test`) sorts before its release and is matched only by a range
 * naming it exactly (`1.0.0-test`), as npm does not let ranges reach pre-releases by accident.
 */

export type Version = readonly [number, number, number] | readonly [number, number, number, string];

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

/** `X.Y.Z` (or `X.Y.Z-pre`) as numbers (and the pre-release tag), or null. */
export function parseVersion(v: string): Version | null {
  const m = VERSION.exec(v.trim());
  if (!m) return null;
  return m[4] === undefined
    ? [Number(m[1]), Number(m[2]), Number(m[3])]
    : [Number(m[1]), Number(m[2]), Number(m[3]), m[4]];
}

export function compareVersions(a: Version, b: Version): number {
  const byNumbers = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  if (byNumbers !== 0) return byNumbers;
  const pa = a[3];
  const pb = b[3];
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}

type Test = (v: Version) => boolean;

/** A partial version `1`, `1.2`, `1.2.3`, `1.x`, `*`: the given parts (wildcards end it). */
function partial(s: string): number[] | null {
  if (s === '' || s === '*' || s === 'x' || s === 'X') return [];
  const parts = s.split('.');
  if (parts.length > 3) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p === 'x' || p === 'X' || p === '*') break;
    if (!/^(0|[1-9]\d*)$/.test(p)) return null;
    out.push(Number(p));
  }
  return out;
}

const lower = (p: number[]): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];

/** The first version past a partial: `1` -> 2.0.0, `1.2` -> 1.3.0, `1.2.3` -> 1.2.4. */
function next(p: number[]): Version {
  if (p.length === 1) return [(p[0] as number) + 1, 0, 0];
  if (p.length === 2) return [p[0] as number, (p[1] as number) + 1, 0];
  return [p[0] as number, p[1] as number, (p[2] as number) + 1];
}

const ge =
  (b: Version): Test =>
  (v) =>
    compareVersions(v, b) >= 0;
const lt =
  (b: Version): Test =>
  (v) =>
    compareVersions(v, b) < 0;

function comparator(c: string): Test[] | null {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*v?(.*)$/.exec(c);
  if (!m) return null;
  const op = m[1] ?? '';
  const p = partial(m[2] ?? '');
  if (p === null) return null;
  if (p.length === 0) return op === '<' || op === '>' ? [() => false] : [() => true];
  const lo = lower(p);
  switch (op) {
    case '':
    case '=':
      return p.length === 3 ? [(v) => compareVersions(v, lo) === 0] : [ge(lo), lt(next(p))];
    case '^': {
      // the left-most non-zero part may not change
      const i = p.findIndex((x) => x !== 0);
      const fixed = i < 0 || i >= p.length ? p : p.slice(0, i + 1);
      return [ge(lo), lt(next(fixed.length === 0 ? [0] : fixed))];
    }
    case '~':
      return [ge(lo), lt(next(p.length === 1 ? p : p.slice(0, 2)))];
    case '>=':
      return [ge(lo)];
    case '<':
      return [lt(lo)];
    case '>':
      return [ge(next(p))];
    case '<=':
      return [lt(next(p))];
    default:
      return null;
  }
}

/** A range as a test, or null when it is not a range this module reads. */
export function parseRange(range: string): Test | null {
  const alternatives: Test[][] = [];
  for (const alt of range.split('||')) {
    const tests: Test[] = [];
    const parts = alt
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    for (const c of parts.length > 0 ? parts : ['*']) {
      const t = comparator(c);
      if (!t) return null;
      tests.push(...t);
    }
    alternatives.push(tests);
  }
  return (v) => alternatives.some((tests) => tests.every((t) => t(v)));
}

/** True when `version` (X.Y.Z) is in `range`; false for an unreadable version or range. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (v === null) return false;
  if (v[3] !== undefined) return range.trim().replace(/^=/, '') === version.trim();
  const test = parseRange(range);
  return test?.(v) === true;
}
