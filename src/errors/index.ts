export {
  ERROR_CATALOGUE,
  type ErrorCode,
  type ErrorSpec,
  errorSpec,
  isErrorCode,
} from './catalogue.js';
export { ClinoteError, isClinoteError, jsonErrorReason, toClinoteError } from './error.js';
