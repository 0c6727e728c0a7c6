import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { binOf, expectedCalibrationError, reliabilityBins } from './ece.js';
import { Canvas, crc32, encodePng, PNG_SIGNATURE } from './png.js';
import { reliabilityPng } from './reliability.js';
import { fitTemperature, temperatureNll } from './temperature.js';

function softmax(z: readonly number[], t = 1): Float64Array {
  const m = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / s);
}

describe('temperature scaling', () => {
  it('recovers a known temperature on synthetic data', () => {
    // labels drawn from softmax(z / 2.5): the NLL is smallest near T = 2.5
    const random = mulberry32(5);
    const logits: Float64Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const z = Float64Array.from({ length: 4 }, () => (random() - 0.5) * 12);
      const p = softmax([...z], 2.5);
      let u = random();
      let y = 0;
      while (y < 3 && u >= (p[y] as number)) u -= p[y++] as number;
      logits.push(z);
      labels.push(y);
    }
    const t = fitTemperature(logits, labels);
    expect(t).toBeGreaterThan(2.2);
    expect(t).toBeLessThan(2.8);
    expect(temperatureNll(logits, labels, t)).toBeLessThan(temperatureNll(logits, labels, 1));
    // ECE falls once the temperature is applied
    const before = expectedCalibrationError(
      logits.map((z) => softmax([...z])),
      labels,
    );
    const after = expectedCalibrationError(
      logits.map((z) => softmax([...z], t)),
      labels,
    );
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.03);
  });

  it('gives 1 with nothing to fit and rejects mismatched lengths', () => {
    expect(fitTemperature([], [])).toBe(1);
    expect(() => fitTemperature([new Float64Array([1, 2])], [])).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
  });
});

describe('expected calibration error', () => {
  it.each([
    // all right at confidence 1: perfectly calibrated
    {
      probs: [
        [1, 0],
        [0, 1],
      ],
      labels: [0, 1],
      ece: 0,
    },
    // confidence 0.9, half right: |0.5 - 0.9| = 0.4
    {
      probs: [
        [0.9, 0.1],
        [0.9, 0.1],
      ],
      labels: [0, 1],
      ece: 0.4,
    },
    // two bins: 0.9 right (gap 0.1) and 0.6 wrong (gap 0.6): (0.1 + 0.6) / 2
    {
      probs: [
        [0.9, 0.1],
        [0.4, 0.6],
      ],
      labels: [0, 0],
      ece: 0.35,
    },
    // one bin (0.6 and 0.62 fall in (8/15, 9/15] and (9/15, 10/15]): 0.6 right -> 0.4; 0.62 wrong -> 0.62
    {
      probs: [
        [0.6, 0.4],
        [0.62, 0.38],
      ],
      labels: [0, 1],
      ece: (0.4 + 0.62) / 2,
    },
  ])('ECE of $probs with $labels is $ece', ({ probs, labels, ece }) => {
    expect(expectedCalibrationError(probs, labels, 15)).toBeCloseTo(ece, 12);
  });

  it('puts confidences in equal-width bins (k/B, (k+1)/B]', () => {
    expect(binOf(0, 15)).toBe(0);
    expect(binOf(1 / 15, 15)).toBe(0);
    expect(binOf(1 / 15 + 1e-9, 15)).toBe(1);
    expect(binOf(1, 15)).toBe(14);
    const bins = reliabilityBins(
      [
        [0.95, 0.05],
        [0.97, 0.03],
        [0.5, 0.5],
      ],
      [0, 1, 0],
      10,
    );
    expect(bins[9]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(bins[9]?.confidence).toBeCloseTo(0.96, 12);
    expect(bins[4]).toMatchObject({ count: 1, accuracy: 1, confidence: 0.5 });
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(3);
  });
});

/** The chunks of a PNG, their CRC checked. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  let at = 8;
  while (at < png.length) {
    const n = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + n);
    expect(view.getUint32(at + 8 + n)).toBe(crc32(png.subarray(at + 4, at + 8 + n)));
    out.push({ type, data });
    at += 12 + n;
  }
  return out;
}

describe('PNG writer', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes a PNG that decodes to the drawn pixels', () => {
    const c = new Canvas(7, 5, [255, 255, 255]);
    c.rect(1, 1, 3, 4, [10, 20, 30]);
    c.set(6, 4, [200, 0, 0]);
    const png = encodePng(c);
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    const list = chunks(png);
    expect(list.map((x) => x.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = new DataView(list[0]!.data.buffer, list[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9)]).toEqual([7, 5, 8, 2]);
    const raw = inflateSync(list[1]!.data);
    expect(raw.length).toBe(5 * (1 + 7 * 3));
    const pixel = (x: number, y: number): number[] => [
      ...raw.subarray(y * 22 + 1 + x * 3, y * 22 + 4 + x * 3),
    ];
    expect(raw[0]).toBe(0);
    expect(pixel(0, 0)).toEqual([255, 255, 255]);
    expect(pixel(1, 1)).toEqual([10, 20, 30]);
    expect(pixel(2, 3)).toEqual([10, 20, 30]);
    expect(pixel(3, 3)).toEqual([255, 255, 255]);
    expect(pixel(6, 4)).toEqual([200, 0, 0]);
  });

  it('draws a reliability diagram deterministically', () => {
    const bins = reliabilityBins(
      [
        [0.95, 0.05],
        [0.7, 0.3],
        [0.55, 0.45],
      ],
      [0, 1, 0],
    );
    const a = reliabilityPng([
      { title: 'before', subtitle: 'ECE 0.123', bins },
      { title: 'after', bins },
    ]);
    const b = reliabilityPng([
      { title: 'before', subtitle: 'ECE 0.123', bins },
      { title: 'after', bins },
    ]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const list = chunks(a);
    const ihdr = new DataView(list[0]!.data.buffer, list[0]!.data.byteOffset, 13);
    const width = ihdr.getUint32(0);
    const height = ihdr.getUint32(4);
    expect(width).toBeGreaterThan(2 * 300);
    const raw = inflateSync(list[1]!.data);
    expect(raw.length).toBe(height * (1 + width * 3));
    // the bar colour is drawn somewhere
    let blue = 0;
    for (let i = 0; i + 2 < raw.length; i++)
      if (raw[i] === 70 && raw[i + 1] === 120 && raw[i + 2] === 190) blue++;
    expect(blue).toBeGreaterThan(100);
  });
});
