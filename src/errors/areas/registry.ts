import type { ErrorSpec } from '../types.js';

/** Errors of the model registry, deployments (shadow, canary), offline comparison and gated promotion (src/registry/, `clinote registry|compare|experiments`). */
export const REGISTRY_ERRORS = [
  {
    code: 'CLINOTE_E_REGISTRY_BAD_URI',
    httpStatus: 400,
    severity: 'error',
    meaning:
      'A model reference is not a registry URI: `models:/NAME/VERSION` (a version number) or `models:/NAME@ALIAS` (an alias such as `champion`), or `NAME@ALIAS` / `NAME/VERSION` on the command line.',
    remedy: 'Write the reference as `models:/NAME/VERSION` or `models:/NAME@ALIAS` (docs/registry.md).',
  },
  {
    code: 'CLINOTE_E_REGISTRY_BAD_INPUT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A registry argument is invalid: a name or alias (1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit), a tag (`key=value`), a version (a positive integer), or both or neither of `--model` and `--pipeline`.',
    remedy: 'Fix the named argument.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_NOT_FOUND',
    httpStatus: 404,
    severity: 'error',
    meaning: 'No registered model has this name, version or alias.',
    remedy: '`clinote registry list` and `clinote registry show NAME` list what is registered.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_ARTIFACT_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A registered artifact cannot be used: its folder is missing from the artifact store, a file does not match the hash it was registered with, or the model directory or pipeline config given to `registry register` cannot be read.',
    remedy:
      'Point `--artifacts` (or CLINOTE_ARTIFACTS) at the artifact store the version was registered in; a file that changed after registration is refused on purpose: register it again as a new version.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_URI_UNRESOLVED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A pipeline config holds a `models:/` reference but this process has no registry to resolve it (a library call of `loadPipeline` without the registry installed).',
    remedy:
      'Call `installRegistryResolver()` (src/registry) before loading the pipeline, or resolve the reference first (`clinote registry show NAME --json` gives the artifact hash).',
  },
  {
    code: 'CLINOTE_E_REGISTRY_UNKNOWN_SUITE',
    httpStatus: 400,
    severity: 'error',
    meaning:
      'An evaluation suite is not one of the registered suites (`ner:PRESET`, e.g. `ner:ncbi-disease`; docs/registry.md).',
    remedy: 'Use a suite that docs/registry.md lists.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_NOT_EVALUATED',
    httpStatus: 409,
    severity: 'error',
    meaning:
      'A comparison needs an evaluation report of both versions on the same suite and the same documents, and one is missing.',
    remedy:
      'Run `clinote registry evaluate NAME VERSION --suite SUITE` (with the same `--limit`) for both versions.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_POLICY_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A promotion policy file does not validate: unknown keys, a suite that does not exist, a bound of the wrong type; every bad key is named.',
    remedy: 'Fix the policy file (docs/registry.md, "Promotion policy") and set it again.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_NO_POLICY',
    httpStatus: 409,
    severity: 'error',
    meaning: 'A promotion was asked for a name that has no promotion policy: nothing can be checked.',
    remedy:
      'Set one with `clinote registry policy set NAME FILE`, or promote with `--force --reason "..."` (audited).',
  },
  {
    code: 'CLINOTE_E_REGISTRY_GATE_FAILED',
    httpStatus: 409,
    severity: 'error',
    meaning:
      'A promotion was refused: the challenger does not meet the promotion policy of its name. The failing checks are listed (suite, figure, bound); the attempt is recorded and audited.',
    remedy:
      'Improve the challenger, or promote with `--force --reason "..."`: the reason is recorded with the attempt and anchored in the audit log.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_DEPLOYMENT_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A deployment does not validate: no champion, a canary share outside 0..1, a shadow sample outside 0..1, a model reference that is not a registry URI, or a name that clashes with a pipeline of the server.',
    remedy: 'Fix the named key (docs/registry.md, "Deployments").',
  },
] as const satisfies readonly ErrorSpec[];
