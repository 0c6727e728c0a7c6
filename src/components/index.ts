/**
 * The built-in components. Later parts of the engine add theirs here; the core does not change.
 */
import { Registry } from '../pipeline/registry.js';
import { assertionsComponent } from './assertions/index.js';
import { classifyComponent } from './classify/index.js';
import { codingComponent } from './coding/index.js';
import { conceptsComponent } from './concepts/index.js';
import { datesComponent } from './dates/index.js';
import { measurementsComponent } from './measurements/index.js';
import { medicationsComponent } from './medications/index.js';
import { modifiersComponent } from './modifiers/index.js';
import { nerComponent } from './ner/index.js';
import { normalizeComponent } from './normalize/index.js';
import { sectionsComponent } from './sections/index.js';
import { sentencesComponent } from './sentences/index.js';
import { tokensComponent } from './tokens/index.js';
import { transformerNerComponent } from './transformer-ner/index.js';

export function defaultRegistry(): Registry {
  return new Registry()
    .register(normalizeComponent)
    .register(sectionsComponent)
    .register(sentencesComponent)
    .register(tokensComponent)
    .register(conceptsComponent)
    .register(assertionsComponent)
    .register(medicationsComponent)
    .register(measurementsComponent)
    .register(datesComponent)
    .register(modifiersComponent)
    .register(nerComponent)
    .register(transformerNerComponent)
    .register(codingComponent)
    .register(classifyComponent);
}
