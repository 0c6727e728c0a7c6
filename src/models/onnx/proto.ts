/**
 * A minimal protocol-buffers writer and the ONNX messages the encoder export needs (ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto and the type/shape messages).
 * Field numbers follow onnx.proto (IR version 8, the one paired with opset 17). Only writing:
 * nothing here parses protobuf.
 */

/** Growable byte buffer with the protobuf wire encodings (varint, fixed32, length-delimited). */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint; negative numbers are written as 64-bit two's complement (10 bytes). */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      let n = value;
      this.ensure(5);
      while (n >= 0x80) {
        this.buf[this.len++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.len++] = n;
      return this;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Field of wire type 0 (int32, int64, enum, bool). */
  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  /** Field of wire type 5 (float). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  /** Length-delimited bytes (wire type 2). */
  blob(field: number, data: Uint8Array): this {
    return this.tag(field, 2).varint(data.length).bytes(data);
  }

  string(field: number, value: string): this {
    return this.blob(field, new TextEncoder().encode(value));
  }

  /** An embedded message. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.blob(field, inner.finish());
  }

  /** Packed repeated varints (int64s, ints). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.blob(field, inner.finish());
  }

  /** Packed repeated floats (little-endian fixed32). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return this.blob(field, data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A constant tensor (initializer): values already in little-endian bytes (`raw_data`). */
export interface TensorValue {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: DataTypeCode;
  readonly raw: Uint8Array;
}

/** A node attribute: a number is an INT unless `float` says otherwise; arrays are INTS/FLOATS. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

export interface NodeValue {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** Operator domain; empty (the default ONNX domain) for every node the export writes. */
  readonly domain?: string;
}

/** A graph input or output: element type and dims (a number is fixed, a string is a dim_param). */
export interface ValueInfo {
  readonly name: string;
  readonly elemType: DataTypeCode;
  readonly dims: readonly (number | string)[];
}

export interface GraphValue {
  readonly name: string;
  readonly nodes: readonly NodeValue[];
  readonly initializers: readonly TensorValue[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

export interface ModelValue {
  readonly graph: GraphValue;
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  /** metadata_props (string key/value pairs). */
  readonly metadata?: Readonly<Record<string, string>>;
}

function writeTensor(w: ProtoWriter, t: TensorValue): void {
  w.packedInts(1, t.dims); // dims
  w.int(2, t.dataType); // data_type
  w.string(8, t.name); // name
  w.blob(9, t.raw); // raw_data
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  if ('int' in a) w.int(3, a.int).int(20, AttributeType.INT);
  else if ('float' in a) w.float(2, a.float).int(20, AttributeType.FLOAT);
  else if ('string' in a) w.string(4, a.string).int(20, AttributeType.STRING);
  else if ('ints' in a) w.packedInts(8, a.ints).int(20, AttributeType.INTS);
  else w.packedFloats(7, a.floats).int(20, AttributeType.FLOATS);
}

function writeNode(w: ProtoWriter, n: NodeValue): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.dims)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphValue): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** Serialize a ModelProto. */
export function encodeModel(model: ModelValue): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (op) => op.string(1, '').int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {}))
    w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}

/** Little-endian bytes of typed values. */
export function rawFloat32(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

export function rawInt64(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return out;
}

export function rawInt8(values: Int8Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}
