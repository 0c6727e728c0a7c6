import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive integer option (`--max-bytes`, `--limit`). */
export function positiveInt(value: string): number {
  const trimmed = value.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** Commander parser for a non-empty string option (field names). */
export function nonEmpty(value: string): string {
  if (value.length === 0) throw new InvalidArgumentError('expected a non-empty value.');
  return value;
}
