/** ONNX export and int8 quantization of the transformer encoder (docs/models/onnx.md). */
export {
  buildEncoderGraph,
  type ExportOptions,
  exportEncoderOnnx,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type TokenClassificationHead,
} from './export.js';
export { type EncoderBatch, encoderFeeds } from './feeds.js';
export { Graph, type Initializer } from './graph.js';
export { encodeModel, ProtoWriter } from './proto.js';
export { type QuantizedMatrix, type QuantizeOptions, quantizeGraphInt8, quantizeMatrix } from './quantize.js';
