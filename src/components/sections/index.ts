/**
 * The sectionizer: finds section headers and maps them to normalized categories (`hpi`,
 * `medications`, ...) from the rule data in `resources/sections/sections.json`. See docs/sections.md.
 */
import { Type } from '@sinclair/typebox';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { HeaderMatcher, SectionRulesSchema } from './rules.js';
import { DEFAULT_SECTIONIZE_OPTIONS, type SectionizeOptions, sectionize } from './sectionize.js';

export { HeaderMatcher, type SectionRules, SectionRulesSchema } from './rules.js';
export { RULE_PREAMBLE, RULE_UNKNOWN, type SectionizeOptions, sectionize } from './sectionize.js';

export const DEFAULT_SECTION_RULES = 'sections/sections.json';

export const SectionsOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Rule file, under resources/ or absolute (default ${DEFAULT_SECTION_RULES})`,
      }),
    ),
    subsections: Type.Optional(
      Type.Union([Type.Literal('split'), Type.Literal('merge')], {
        description:
          '`split` (default): exam/ROS systems are sections of their own with `parent`; `merge`: they stay inside their parent',
      }),
    ),
    minHeaderConfidence: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'Drop header candidates below this confidence (default 0.5: all; 0.7: no unknown bare lines or unknown Title Case headers; 0.9: known categories matched as written only)',
      }),
    ),
    midLine: Type.Optional(
      Type.Boolean({
        description:
          'Find known headers after a sentence end inside a line (`... Negative.  HEENT: ...`, `... stable. Plan: ...`; default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Build a matcher from a rule file through the factory context. */
export function loadSectionMatcher(ctx: FactoryContext, path = DEFAULT_SECTION_RULES): HeaderMatcher {
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) return new HeaderMatcher(loadJsonResource(ctx, path, SectionRulesSchema), path);
  // compiled once per content: the same matcher in this process, its data (disk cache) in the next
  const text = ctx.readResource(path);
  return compiled(`${MATCHER_KIND}:runtime`, text, () => {
    const data = compiled(
      MATCHER_KIND,
      text,
      () => {
        const once: FactoryContext = {
          readResource: (p) => (p === path ? text : ctx.readResource(p)),
          readResourceBytes: (p) => ctx.readResourceBytes(p),
          compiled,
        };
        return new HeaderMatcher(loadJsonResource(once, path, SectionRulesSchema), path).data;
      },
      { persist: true },
    );
    // built from the data on a miss too: one way to the runtime structures, cached or not
    return HeaderMatcher.fromData(data);
  });
}

/** Key of the on-disk cache entry of a compiled rule file (bump the version when the compiler changes). */
const MATCHER_KIND = 'section-headers@6';

export const sectionsComponent = defineComponent({
  name: 'sections',
  version: '1.1.0',
  description:
    'Section header detection and normalization to categories (hpi, medications, physical_exam, ...).',
  requires: ['normalized'],
  assigns: ['sections'],
  options: SectionsOptionsSchema,
  create(options, ctx) {
    const matcher = loadSectionMatcher(ctx, options.rules ?? DEFAULT_SECTION_RULES);
    const opts: SectionizeOptions = {
      subsections: options.subsections ?? DEFAULT_SECTIONIZE_OPTIONS.subsections,
      minHeaderConfidence: options.minHeaderConfidence ?? DEFAULT_SECTIONIZE_OPTIONS.minHeaderConfidence,
      midLine: options.midLine ?? DEFAULT_SECTIONIZE_OPTIONS.midLine,
    };
    return (doc) => {
      doc.set('sections', sectionize(doc.get('normalized'), matcher, opts));
    };
  },
});
