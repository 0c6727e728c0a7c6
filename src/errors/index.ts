export { ERROR_CATALOGUE, type ErrorSpec, errorSpec } from './catalogue.js';
export { ClinoteError, isClinoteError, toClinoteError } from './error.js';
