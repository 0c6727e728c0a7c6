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
 *
 * Activations are quantized per row by default (`activations: 'per-row'`): each token's vector gets
 * its own symmetric scale, max |a| / 127, so a token's result does not depend on the other rows of
 * the batch (padding, other notes) and `runMany` gives what `run` gives:
 *
 *   s = ReduceMax(Abs(A), last axis) / 127 (1 where the row is all zeros)
 *   A_q = Cast<uint8>(Round(A / s) + 128);  MatMulInteger(A_q, B_q, 128) -> int32;  Cast(float) * (s * B_scale)
 *
 * `activations: 'per-tensor'` is onnxruntime's classic DynamicQuantizeLinear (uint8, one scale and
 * zero point for the whole batch): one fused operator, but a batch-dependent result.
 */
import type { Graph } from './graph.js';
import { DataType, rawFloat32, rawInt8 } from './proto.js';

export interface QuantizeOptions {
  /** One scale per output column (true) or one for the whole matrix. */
  readonly perColumn: boolean;
  /** Weight initializers to keep in float (e.g. a small classification head). */
  readonly exclude?: readonly string[];
  /** Activation scales: one per row (default; batch-invariant) or one per tensor (DynamicQuantizeLinear). */
  readonly activations?: 'per-row' | 'per-tensor';
  /**
   * Also store the tables read by `Gather` (the word embeddings) as int8, one scale per row:
   * `Gather(table_q, ids) * Gather(scales, ids)`. Default false.
   */
  readonly embeddings?: boolean;
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

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

function transposeInt8(x: Int8Array, rows: number, cols: number): Int8Array {
  const out = new Int8Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

/** Rewrite the graph in place; returns the number of MatMuls quantized. */
export function quantizeGraphInt8(g: Graph, options: QuantizeOptions): number {
  const old = g.nodes.splice(0, g.nodes.length);
  const quantized = new Map<string, { q: string; scale: string; zero?: string }>();
  const perRow = (options.activations ?? 'per-row') === 'per-row';
  const dropped = new Set<string>();
  let count = 0;
  for (const node of old) {
    const [a, b] = node.inputs;
    const table = a === undefined ? undefined : g.initializers.get(a);
    if (
      options.embeddings &&
      node.opType === 'Gather' &&
      a !== undefined &&
      b !== undefined &&
      table?.floats &&
      table.dims.length === 2 &&
      table.dataType === DataType.FLOAT
    ) {
      // rows of a table: the transpose of per-column weight scales, one scale per row
      const [rows, cols] = table.dims as [number, number];
      const { values, scales } = quantizeMatrix(transpose(table.floats, rows, cols), cols, rows, true);
      const tq = g.addInitializer({
        name: `${a}.int8`,
        dims: [rows, cols],
        dataType: DataType.INT8,
        raw: rawInt8(transposeInt8(values, cols, rows)),
      });
      const ts = g.addInitializer({
        name: `${a}.scale`,
        dims: [rows, 1],
        dataType: DataType.FLOAT,
        raw: rawFloat32(scales),
      });
      const axis = { axis: { int: 0 } };
      const rowsQ = g.op('Cast', [g.op('Gather', [tq, b], axis)], { to: { int: DataType.FLOAT } });
      g.op('Mul', [rowsQ, g.op('Gather', [ts, b], axis)], undefined, node.outputs[0]);
      dropped.add(a);
      continue;
    }
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
      if (perRow) {
        // rows of A as [N, K]: QuantizeLinear with one scale per row (axis 0) does the division,
        // rounding, zero point and saturation in one pass
        const shape = g.op('Shape', [a]);
        const flat = g.op('Reshape', [a, g.int64s([-1, rows], `${a}.rows`)]);
        const absMax = g.op('ReduceMax', [g.op('Abs', [flat])], {
          axes: { ints: [1] },
          keepdims: { int: 0 },
        });
        // an all-zero row: any scale (its values quantize to the zero point either way)
        const scaleN = g.op('Div', [
          g.op('Max', [absMax, g.scalar(1e-30, `${a}.tiny`)]),
          g.scalar(127, `${a}.q127`),
        ]);
        const zeroN = g.op(
          'Cast',
          [g.op('Add', [g.op('Mul', [scaleN, g.scalar(0, `${a}.nil`)]), g.scalar(128, `${a}.z128`)])],
          {
            to: { int: DataType.UINT8 },
          },
        );
        const q = g.op('Reshape', [
          g.op('QuantizeLinear', [flat, scaleN, zeroN], { axis: { int: 0 } }),
          shape,
        ]);
        // the row scales as [..., 1], beside the output's rows
        const lead = g.op('Slice', [shape, g.int64s([0]), g.int64s([-1])]);
        const scaleShape = g.op('Concat', [lead, g.int64s([1], `${a}.one`)], { axis: { int: 0 } });
        act = {
          q,
          scale: g.op('Reshape', [scaleN, scaleShape]),
          zero: g.addInitializer({
            name: g.fresh(`${a}.zero`),
            dims: [],
            dataType: DataType.UINT8,
            raw: Uint8Array.of(128),
          }),
        };
      } else {
        const [q, scale, zero] = [g.fresh(`${a}.q`), g.fresh(`${a}.scale`), g.fresh(`${a}.zero`)];
        g.opMulti('DynamicQuantizeLinear', [a], [q, scale, zero]);
        act = { q, scale, zero };
      }
      quantized.set(a, act);
    }
    const int32 = g.op('MatMulInteger', act.zero ? [act.q, wq, act.zero] : [act.q, wq]);
    const asFloat = g.op('Cast', [int32], { to: { int: DataType.FLOAT } });
    if (perRow) {
      // (int32 * B_scale) * A_scale. With one combined scale (A_scale * B_scale) as below,
      // onnxruntime's 'extended' graph optimizations gave wrong logits for per-row scales (argmax
      // agreement with fp32 77% instead of 99% at level 'basic'); this order is right at every level
      g.op('Mul', [g.op('Mul', [asFloat, ws]), act.scale], undefined, node.outputs[0]);
    } else {
      const scale = g.op('Mul', [act.scale, ws]);
      g.op('Mul', [asFloat, scale], undefined, node.outputs[0]);
    }
    count++;
  }
  // Drop the float weights no node reads any more.
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const name of dropped) if (!read.has(name)) g.initializers.delete(name);
  return count;
}
