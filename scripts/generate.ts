/** Writes the generated files: docs/errors.md and schemas/*.json. `npm run generate`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorsMarkdown } from '../src/errors/render.js';
import { generatedSchemas } from '../src/output/schemas-files.js';
import { packageRoot } from '../src/resources.js';

const root = packageRoot();
writeFileSync(join(root, 'docs', 'errors.md'), renderErrorsMarkdown());
mkdirSync(join(root, 'schemas'), { recursive: true });
for (const [file, schema] of Object.entries(generatedSchemas())) {
  writeFileSync(join(root, 'schemas', file), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log('generated docs/errors.md and schemas/');
