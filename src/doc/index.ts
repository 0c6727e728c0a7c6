export { decodeUtf8, inspectText } from './decode.js';
export { DOC_FORMAT, DOC_FORMAT_VERSION, Doc, type DocJSON } from './doc.js';
export { type NormalizedJSON, NormalizedText, type NormalizeOptions, normalize } from './normalize.js';
export type * from './types.js';
