import { describe, expect, it } from 'vitest';
import { parseRange, parseVersion, satisfies } from './semver.js';

describe('satisfies', () => {
  it.each([
    ['1.2.3', '1.2.3', true],
    ['1.2.4', '1.2.3', false],
    ['1.2.3', '=1.2.3', true],
    ['1.9.0', '1', true],
    ['2.0.0', '1', false],
    ['1.2.9', '1.2', true],
    ['1.3.0', '1.2', false],
    ['1.5.0', '1.x', true],
    ['9.9.9', '*', true],
    ['1.9.9', '^1', true],
    ['2.0.0', '^1', false],
    ['1.2.0', '^1.2', true],
    ['1.1.9', '^1.2', false],
    ['0.2.5', '^0.2', true],
    ['0.3.0', '^0.2', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2', true],
    ['1.3.0', '~1.2.3', false],
    ['1.2.2', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.5.0', '>=1.2 <2', true],
    ['2.0.0', '>=1.2 <2', false],
    ['1.2.0', '> 1.1', true],
    ['1.1.5', '>1.1', false],
    ['1.1.5', '<=1.1', true],
    ['3.0.0', '^1 || ^3', true],
    ['2.0.0', '^1 || ^3', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('matches a pre-release only by its exact name', () => {
    expect(parseVersion('1.2.3-beta')).toEqual([1, 2, 3, 'beta']);
    expect(satisfies('1.2.3-beta', '1.2.3-beta')).toBe(true);
    expect(satisfies('1.2.3-beta', '^1')).toBe(false);
    expect(satisfies('1.2.3-beta', '*')).toBe(false);
  });

  it('refuses what it cannot read', () => {
    expect(parseVersion('1.2')).toBeNull();
    expect(parseVersion('1.2.3.4')).toBeNull();
    expect(parseRange('^a.b')).toBeNull();
    expect(parseRange('1.2.3.4')).toBeNull();
    expect(satisfies('1.2', '*')).toBe(false);
  });
});
