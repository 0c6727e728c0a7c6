/**
 * Int8 dynamic quantization of an exported graph (graph.ts), standard ONNX operators only.
 *
 * Every MatMul whose right operand B is a 2-D float initializer (the dense weights, not the
 * attention products) becomes
 *
 *   DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zero_point
 *   MatMulInteger(A_q, B_q (int8), A_zero_point) -> int32
 *   Cast(float) * (A_scale * B_scale) -> the original output
 *
 * B is quantized symmetrically (zero point 0, values in [-127, 127]) with one scale per output
 * column (default) or one per tensor. An activation shared by several MatMuls (Q, K and V read the
 * same hidden states) is quantized once. The float weights are dropped from the graph.
 */
import type { Graph } from './graph.js';
import { DataType, rawFloat32, rawInt8 } from './proto.js';

export interface QuantizeOptions {
  /** One scale per output column (true) or one for the whole matrix. */
  readonly perColumn: boolean;
  /** Weight initializers to keep in float (e.g. a small classification head). */
  readonly exclude?: readonly string[];
}

export interface QuantizedMatrix {
  readonly values: Int8Array;
  /** [cols] when per column, else [1]. */
  readonly scales: Float32Array;
}

/** Symmetric int8 quantization of a row-major [rows, cols] matrix. */
export function quantizeMatrix(
  w: Float32Array,
  rows: number,
  cols: number,
  perColumn: boolean,
): QuantizedMatrix {
  const scales = new Float32Array(perColumn ? cols : 1);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(w[r * cols + c]!);
      const s = perColumn ? c : 0;
      if (a > scales[s]!) scales[s] = a;
    }
  for (let s = 0; s < scales.length; s++) scales[s] = scales[s]! > 0 ? scales[s]! / 127 : 1;
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const q = Math.round(w[r * cols + c]! / scales[perColumn ? c : 0]!);
      values[r * cols + c] = Math.max(-127, Math.min(127, q));
    }
  return { values, scales };
}

/** Rewrite the graph in place; returns the number of MatMuls quantized. */
export function quantizeGraphInt8(g: Graph, options: QuantizeOptions): number {
  const old = g.nodes.splice(0, g.nodes.length);
  const quantized = new Map<string, { q: string; scale: string; zero: string }>();
  const dropped = new Set<string>();
  let count = 0;
  for (const node of old) {
    const [a, b] = node.inputs;
    const w = b === undefined ? undefined : g.initializers.get(b);
    if (
      node.opType !== 'MatMul' ||
      a === undefined ||
      b === undefined ||
      !w?.floats ||
      w.dims.length !== 2 ||
      w.dataType !== DataType.FLOAT ||
      options.exclude?.includes(b)
    ) {
      g.nodes.push(node);
      continue;
    }
    const [rows, cols] = w.dims as [number, number];
    const { values, scales } = quantizeMatrix(w.floats, rows, cols, options.perColumn);
    const wq = g.addInitializer({
      name: `${b}.int8`,
      dims: [rows, cols],
      dataType: DataType.INT8,
      raw: rawInt8(values),
    });
    const ws = g.addInitializer({
      name: `${b}.scale`,
      dims: options.perColumn ? [cols] : [],
      dataType: DataType.FLOAT,
      raw: rawFloat32(scales),
    });
    dropped.add(b);
    let act = quantized.get(a);
    if (!act) {
      act = { q: g.fresh(`${a}.q`), scale: g.fresh(`${a}.scale`), zero: g.fresh(`${a}.zero`) };
      g.opMulti('DynamicQuantizeLinear', [a], [act.q, act.scale, act.zero]);
      quantized.set(a, act);
    }
    const int32 = g.op('MatMulInteger', [act.q, wq, act.zero]);
    const asFloat = g.op('Cast', [int32], { to: { int: DataType.FLOAT } });
    const scale = g.op('Mul', [act.scale, ws]);
    g.op('Mul', [asFloat, scale], undefined, node.outputs[0]);
    count++;
  }
  // Drop the float weights no node reads any more.
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const name of dropped) if (!read.has(name)) g.initializers.delete(name);
  return count;
}
