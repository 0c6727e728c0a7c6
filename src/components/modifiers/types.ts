/**
 * Modifiers of problem and procedure concepts: laterality, body site, severity, course and acuity.
 * The `modifiers` component copies each concept it modifies with a `modifiers` field (declared
 * below by merging into `Concept`); offsets of the concepts never change. See docs/modifiers.md.
 */
import type { Evidence } from '../../doc/types.js';

export interface Modifier {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Normalized value: `left`/`right`/`bilateral`; `mild`/`moderate`/`severe`/`grade 2`/`8/10`; `worsening`...; `acute`... */
  readonly value: string;
  readonly evidence: Evidence;
}

export interface BodySiteModifier extends Modifier {
  /** The pack code when an anatomy concept covers the site. */
  readonly code?: { readonly system: string; readonly code: string };
  /** Index of the anatomy concept covering the site. */
  readonly concept?: number;
}

export interface Modifiers {
  readonly laterality?: Modifier;
  readonly bodySite?: BodySiteModifier;
  readonly severity?: Modifier;
  readonly course?: Modifier;
  readonly acuity?: Modifier;
}

export type ModifierKind = keyof Modifiers;

declare module '../../doc/types.js' {
  interface Concept {
    /** Set by the `modifiers` component on problems and procedures. */
    readonly modifiers?: Modifiers;
  }
}
