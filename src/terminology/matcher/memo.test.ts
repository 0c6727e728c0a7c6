import { describe, expect, it } from 'vitest';
import { NormMemo } from './index.js';

describe('NormMemo', () => {
  it('answers what compute answers, computing each norm once', () => {
    const calls: string[] = [];
    const memo = new NormMemo((n) => {
      calls.push(n);
      return n === '' ? -2 : n.length * 10;
    });
    expect(memo.get('fever')).toBe(50);
    expect(memo.get('')).toBe(-2);
    // a string of the same text built anew is a hit
    expect(memo.get(['fe', 'ver'].join(''))).toBe(50);
    expect(memo.get('FEVER'.toLowerCase())).toBe(50);
    expect(calls).toEqual(['fever', '']);
    expect(memo.size).toBe(2);
  });

  it('keeps every answer while it grows', () => {
    const memo = new NormMemo((n) => Number(n.slice(1)));
    for (let i = 0; i < 50_000; i++) expect(memo.get(`w${i}`)).toBe(i);
    expect(memo.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(memo.get(`w${i}`)).toBe(i);
    expect(memo.size).toBe(50_000);
  });

  it('starts over past its size limit and still answers right', () => {
    let calls = 0;
    const memo = new NormMemo((n) => {
      calls++;
      return n.length;
    }, 100);
    for (let i = 0; i < 250; i++) expect(memo.get(`t${i}`)).toBe(`t${i}`.length);
    expect(memo.size).toBeLessThanOrEqual(100);
    expect(calls).toBe(250);
    expect(memo.get('t249')).toBe(4);
    expect(calls).toBe(250);
  });

  it('tells apart norms whose hashes collide in the table', () => {
    // more distinct short norms than the first table has slots: probes cross other keys
    const memo = new NormMemo((n) => n.charCodeAt(0) * 1000 + n.length);
    const norms: string[] = [];
    for (let a = 97; a < 123; a++) for (let b = 97; b < 123; b++) norms.push(String.fromCharCode(a, b));
    for (const n of norms) memo.get(n);
    for (const n of norms) expect(memo.get(n)).toBe(n.charCodeAt(0) * 1000 + 2);
  });
});
