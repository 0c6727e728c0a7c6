import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBioScope, readBioScope } from './bioscope.js';

const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'eval',
  'fixtures',
  'bioscope',
  'sample.xml',
);

describe('readBioScope on the fixture (written for these tests)', () => {
  const file = readBioScope(FIXTURE);
  const byId = new Map(file.sentences.map((s) => [s.id, s]));

  it('reads documents, parts and sentences', () => {
    expect(file.files).toEqual([FIXTURE]);
    expect(file.documents).toBe(2);
    expect(file.sentences.length).toBe(11);
    expect(file.problems).toEqual([]);
    expect(byId.get('S1.1')).toEqual({
      id: 'S1.1',
      doc: 'CLN-0001',
      part: 'CLINICAL_HISTORY',
      text: 'Cough and fever for three days.',
      cues: [],
      scopes: [],
    });
    expect(byId.get('S2.1')?.doc).toBe('CLN-0002');
    expect(byId.get('S2.1')?.part).toBe('AbstractText');
  });

  it('gives cues and scopes offsets into the sentence text', () => {
    const s = byId.get('S1.4');
    expect(s?.text).toBe('Possible small left pleural effusion, without pneumothorax.');
    expect(s?.cues).toEqual([
      {
        type: 'speculation',
        ref: 'X1.4.1',
        start: 0,
        end: 8,
        fragments: [{ start: 0, end: 8 }],
        text: 'Possible',
      },
      {
        type: 'negation',
        ref: 'X1.4.2',
        start: 38,
        end: 45,
        fragments: [{ start: 38, end: 45 }],
        text: 'without',
      },
    ]);
    expect(s?.scopes.map((x) => [x.id, x.text])).toEqual([
      ['X1.4.1', 'Possible small left pleural effusion'],
      ['X1.4.2', 'without pneumothorax'],
    ]);
  });

  it('joins a cue written in parts', () => {
    const c = byId.get('S1.6')?.cues[0];
    expect(c?.fragments).toEqual([
      { start: 0, end: 7 },
      { start: 15, end: 18 },
    ]);
    expect(c?.text).toBe('Neither nor');
    expect([c?.start, c?.end]).toEqual([0, 18]);
  });

  it('reads nested scopes, entities and a scope starting before its cue', () => {
    expect(byId.get('S2.1')?.scopes.map((x) => x.text)).toEqual([
      'suggest that the protein does not bind the receptor',
      'does not bind the receptor',
    ]);
    expect(byId.get('S1.7')?.text).toBe('Findings may represent early pneumonia & bronchitis.');
    expect(byId.get('S2.4')?.text).toBe('Patients received 5 mg < 10 mg doses.');
    expect(byId.get('S1.5')?.scopes[0]?.text).toBe('The heart is not enlarged');
  });
});

describe('parseBioScope', () => {
  it('reads CDATA, character references and self-closing sentences', () => {
    const f = parseBioScope(
      '<Document><DocID>d</DocID><sentence id="a"><![CDATA[x < y]]> &#65;&#x42;</sentence><sentence id="b"/></Document>',
    );
    expect(f.sentences.map((s) => [s.id, s.text])).toEqual([
      ['a', 'x < y AB'],
      ['b', ''],
    ]);
  });

  it('keeps going after malformed markup, and says where', () => {
    const f = parseBioScope(
      '<sentence id="a"><cue type="negation" ref="x">no</xcope> fever</sentence>\n<sentence id="b">ok',
    );
    expect(f.sentences.map((s) => s.id)).toEqual(['a']);
    expect(f.problems.map((p) => p.reason)).toEqual([
      '</xcope> does not close <cue>',
      'unclosed <cue>',
      'unclosed <sentence> at the end of the file',
    ]);
    expect(f.problems[2]?.line).toBe(2);
  });

  it('refuses an unreadable path with a coded error', () => {
    expect(() => readBioScope('/no/such/file.xml')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_EVAL_DATA_MALFORMED' }),
    );
  });
});
