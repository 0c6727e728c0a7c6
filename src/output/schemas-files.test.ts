import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../resources.js';
import { generatedSchemas } from './schemas-files.js';

describe('schemas/', () => {
  for (const [file, schema] of Object.entries(generatedSchemas())) {
    it(`${file} is up to date (npm run generate)`, () => {
      const onDisk = JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8'));
      expect(onDisk).toEqual(JSON.parse(JSON.stringify(schema)));
    });
  }
});
