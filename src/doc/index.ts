export { decodeUtf8, inspectText } from './decode.js';
export { Doc } from './doc.js';
export { type NormalizeOptions, NormalizedText, normalize } from './normalize.js';
export type * from './types.js';
