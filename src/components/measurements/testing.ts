/**
 * Test helpers shared by the measurements, dates, modifiers and FHIR tests: segmented Docs with
 * hand-made concepts, and whole pipelines over the example notes. Not part of the public API.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Doc } from '../../doc/doc.js';
import type { Code, Concept, DocMeta } from '../../doc/types.js';
import { type ComponentFactory, defineComponent } from '../../pipeline/component.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { starterPackOptions, vocabBuild } from '../../terminology/cli.js';
import { ASSERTION_CATEGORY_VALUES, ASSERTION_STATUS_VALUES } from '../assertions/schema.js';
import type { Assertion } from '../assertions/types.js';
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

const segmentation = createPipelineSync(
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
  const doc = segmentation.runSync(new Doc(text, { id, meta }));
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
    const concept: Concept = {
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
      ...(c.assertion ? { assertion: testAssertion(c.assertion) } : {}),
    };
    out.push(concept);
  }
  out.sort((a, b) => a.start - b.start);
  doc.set('concepts', out);
  return doc;
}

/** A test concept's assertion: its status and categories, checked, with a recent temporality. */
function testAssertion(a: { readonly status: string; readonly categories: readonly string[] }): Assertion {
  const status = ASSERTION_STATUS_VALUES.find((s) => s === a.status);
  if (!status) throw new Error(`test assertion: unknown status '${a.status}'`);
  const categories = a.categories.map((c) => {
    const category = ASSERTION_CATEGORY_VALUES.find((k) => k === c);
    if (!category) throw new Error(`test assertion: unknown category '${c}'`);
    return category;
  });
  return { status, categories, evidence: [], temporality: 'recent', temporalityEvidence: [] };
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
  return createPipelineSync(
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

/** Every example note (every `.txt` under examples/notes, recursively): its path there and its text. */
export function exampleNotes(): { readonly name: string; readonly text: string }[] {
  const dir = exampleNote('.');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}
