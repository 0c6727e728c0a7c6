import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pipelineConfigPath, readConfigFile } from './engine.js';
import { isClinoteError } from './errors/error.js';
import { resourcePath } from './resources.js';

describe('pipeline configs by name', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it.each([
    ['default', 'pipelines/default.json'],
    ['ml', 'pipelines/ml.json'],
    ['coding', 'pipelines/coding.json'],
    ['transformer', 'pipelines/transformer.json'],
  ])('%s is the built-in %s', (name, file) => {
    expect(pipelineConfigPath(name)).toBe(resourcePath(file));
    expect((readConfigFile(name) as { name?: string }).name).toBeTypeOf('string');
  });

  it('a file of that name in the working directory wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-engine-'));
    writeFileSync(join(dir, 'ml'), '{"name":"mine","components":[]}');
    process.chdir(dir);
    expect(pipelineConfigPath('ml')).toBe('ml');
    expect(readConfigFile('ml')).toEqual({ name: 'mine', components: [] });
  });

  it.each(['nope', 'ml.json', '../ml', 'ML'])('%s is not a built-in name: a coded error', (given) => {
    expect(pipelineConfigPath(given)).toBe(given);
    try {
      readConfigFile(given);
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_CONFIG_UNREADABLE');
    }
  });
});
