/**
 * Test helpers shared by the measurements, dates, modifiers and FHIR tests: segmented Docs with
 * hand-made concepts, and whole pipelines over the example notes. Not part of the public API.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Doc } from '../../doc/doc.js';
import type { Code, Concept, DocMeta } from '../../doc/types.js';
import { type ComponentFactory, defineComponent } from '../../pipeline/component.js';
import { createPipeline, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { starterPackOptions, vocabBuild } from '../../terminology/cli.js';
import { STARTER_PACK } from '../concepts/index.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';

/** A concept to place on a test Doc: the first occurrence of `text` (or the n-th) gets it. */
export interface TestConcept {
  readonly text: string;
  readonly type: string;
  readonly codes?: readonly { system: string; code: string; display?: string }[];
  readonly occurrence?: number;
  readonly assertion?: { status: string; categories: string[] };
  readonly section?: number;
}

const segmentation = createPipeline(
  {
    name: 'segmentation',
    components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }],
  },
  {
    registry: new Registry()
      .register(normalizeComponent)
      .register(sectionsComponent)
      .register(sentencesComponent)
      .register(tokensComponent),
    context: fileResourceContext(),
  },
);

/** A Doc with the segmentation layers and the given concepts (in text order). */
export function segmentedDoc(
  text: string,
  concepts: readonly TestConcept[] = [],
  meta: DocMeta = {},
  id = 'test',
): Doc {
  const doc = segmentation.run(new Doc(text, { id, meta }));
  const sentences = doc.get('sentences');
  const out: Concept[] = [];
  for (const c of concepts) {
    let at = -1;
    for (let k = 0; k <= (c.occurrence ?? 0); k++) {
      at = text.indexOf(c.text, at + 1);
      if (at < 0) throw new Error(`test concept '${c.text}' is not in the text`);
    }
    const sentence = sentences.findIndex((s) => s.start <= at && at < s.end);
    const codes: Code[] = (c.codes ?? []).map((k) => ({
      system: k.system,
      code: k.code,
      display: k.display ?? '',
      score: 1,
    }));
    const concept: Record<string, unknown> = {
      start: at,
      end: at + c.text.length,
      text: c.text,
      type: c.type,
      codes,
      matched: { term: c.text.toLowerCase(), source: 'test' },
      score: 1,
      sentence,
      ...(c.section !== undefined ? { section: c.section } : {}),
      evidence: { component: 'test' },
    };
    if (c.assertion) concept.assertion = { ...c.assertion, evidence: [] };
    out.push(concept as unknown as Concept);
  }
  out.sort((a, b) => a.start - b.start);
  doc.set('concepts', out);
  return doc;
}

let packFile: string | undefined;

/** The starter terminology pack: the committed one, else one built once into a temporary folder. */
export async function starterPack(): Promise<string> {
  if (packFile) return packFile;
  const committed = resourcePath(STARTER_PACK);
  if (existsSync(committed)) {
    packFile = committed;
    return committed;
  }
  const out = join(mkdtempSync(join(tmpdir(), 'clinote-pack-')), 'starter.pack');
  await vocabBuild(starterPackOptions(out));
  packFile = out;
  return out;
}

/** A pipeline: segmentation, the real concepts (starter pack), then the given components in order. */
export async function fullPipeline(
  components: readonly { name: string; factory: ComponentFactory }[],
): Promise<Pipeline> {
  const { conceptsComponent } = await import('../concepts/index.js');
  const pack = await starterPack();
  const registry = new Registry()
    .register(normalizeComponent)
    .register(sectionsComponent)
    .register(sentencesComponent)
    .register(tokensComponent)
    .register(conceptsComponent);
  for (const c of components) registry.register(c.factory);
  return createPipeline(
    {
      name: 'test',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'concepts', options: { pack } },
        ...components.map((c) => ({ name: c.name })),
      ],
    },
    { registry, context: fileResourceContext() },
  );
}

/** A component that assigns an empty concepts layer (for pipelines without a pack). */
export const noConceptsComponent = defineComponent({
  name: 'concepts',
  version: '0.0.0',
  description: 'test stand-in: no concepts',
  requires: [],
  assigns: ['concepts'],
  options: Type.Object({}, { additionalProperties: false }),
  create() {
    return (doc) => {
      doc.set('concepts', []);
    };
  },
});

/** The example notes (synthetic, ours). */
export function exampleNote(name: string): string {
  return join(resourcePath('.'), '..', 'examples', 'notes', name);
}
