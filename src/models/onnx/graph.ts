/**
 * The export's own graph representation: a mutable list of nodes in topological order, the
 * initializers by name (float ones keep their values so that a later pass, such as int8
 * quantization, can rewrite them), and the graph's inputs and outputs. `toModel` turns it into the
 * protobuf messages of proto.ts.
 */
import {
  type AttributeValue,
  DataType,
  type DataTypeCode,
  type GraphValue,
  type NodeValue,
  rawFloat32,
  rawInt64,
  type TensorValue,
  type ValueInfo,
} from './proto.js';

export interface Initializer extends TensorValue {
  /** The float values of a FLOAT initializer (same order as `raw`). */
  readonly floats?: Float32Array;
}

export class Graph {
  readonly nodes: NodeValue[] = [];
  readonly initializers = new Map<string, Initializer>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}__${this.counter++}`;
  }

  /** Add a node with one output (named `out`, else a fresh name); returns the output name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Readonly<Record<string, AttributeValue>>,
    out?: string,
  ): string {
    const output = out ?? this.fresh(opType);
    this.nodes.push({
      opType,
      name: this.fresh(opType),
      inputs,
      outputs: [output],
      ...(attributes ? { attributes } : {}),
    });
    return output;
  }

  /** Add a node with several outputs. */
  opMulti(opType: string, inputs: readonly string[], outputs: readonly string[]): void {
    this.nodes.push({ opType, name: this.fresh(opType), inputs, outputs });
  }

  addInitializer(t: Initializer): string {
    if (this.initializers.has(t.name)) throw new Error(`duplicate initializer ${t.name}`);
    this.initializers.set(t.name, t);
    return t.name;
  }

  /** A float initializer. */
  floats(name: string, dims: readonly number[], values: Float32Array): string {
    return this.addInitializer({
      name,
      dims,
      dataType: DataType.FLOAT,
      raw: rawFloat32(values),
      floats: values,
    });
  }

  /** A float scalar constant (rank 0). */
  scalar(value: number, prefix = 'const'): string {
    return this.floats(this.fresh(prefix), [], Float32Array.of(value));
  }

  /** An int64 constant vector. */
  int64s(values: readonly number[], prefix = 'shape'): string {
    return this.addInitializer({
      name: this.fresh(prefix),
      dims: [values.length],
      dataType: DataType.INT64,
      raw: rawInt64(values),
    });
  }

  input(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  toValue(): GraphValue {
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: [...this.initializers.values()],
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }
}
