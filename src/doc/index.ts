export { decodeUtf8, inspectText } from './decode.js';
export { Doc } from './doc.js';
export { NormalizedText, type NormalizeOptions, normalize } from './normalize.js';
export type * from './types.js';
