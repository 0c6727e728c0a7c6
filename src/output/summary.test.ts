import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli.js';
import { summaryFormat, useColor } from './summary.js';

function collector(tty: boolean): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  if (tty) Object.assign(stream, { isTTY: true });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(argv: string[], tty: boolean, env: Record<string, string> = {}, stdin = '') {
  const out = collector(tty);
  const err = collector(false);
  const code = await runCli(argv, {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([Buffer.from(stdin)]),
    env,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

const NOTE =
  'CHIEF COMPLAINT:\nChest pain.\n\nHPI:\nNo fever. Mother had diabetes.\n\nMEDICATIONS:\nLisinopril 10 mg PO daily.\n\nLABS:\nHemoglobin 10.2 g/dL (L).\n';

describe('summary format', () => {
  it('colour: NO_COLOR, FORCE_COLOR, a terminal', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(useColor({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('is the default on a terminal: sections, concepts with assertion and code, sig, labs', async () => {
    const r = await run(['extract', '-', '-q'], true, { NO_COLOR: '1' }, NOTE);
    expect(r.code).toBe(0);
    const text = r.stdout;
    expect(text).toMatch(/^■ stdin\n/);
    expect(text).toContain(
      'sections: chief_complaint "CHIEF COMPLAINT", hpi "HPI", medications "MEDICATIONS"',
    );
    expect(text).toMatch(/Problems \(\d+\)\n {4}Chest pain {2}present {2}ICD-10-CM R07\.9/);
    expect(text).toMatch(/fever .*negated/i);
    expect(text).toMatch(/diabetes.*family/i);
    expect(text).toMatch(/Lisinopril {2}10 mg PO daily/);
    expect(text).toMatch(/Hemoglobin .*10\.2 g\/dL {2}L/);
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('"pipeline"');
  });

  it('colours only when the terminal may; a pipe or --format gets the machine format', async () => {
    const coloured = await run(['extract', '-', '-q'], true, {}, NOTE);
    expect(coloured.stdout).toContain('\u001b[1m');
    const piped = await run(['extract', '-', '-q'], false, {}, NOTE);
    expect(JSON.parse(piped.stdout).id).toBe('stdin');
    const asked = await run(['extract', '-', '-q', '--format', 'ndjson'], true, {}, NOTE);
    expect(JSON.parse(asked.stdout).id).toBe('stdin');
  });

  it('an error record is one line, without input text; no escape sequence from a note reaches the terminal', () => {
    const w = summaryFormat.create({ single: false, color: false });
    const stamp = { name: 'p', version: 'v', components: [] };
    const e = w.error({
      id: 'x.csv:3',
      pipeline: stamp,
      error: { code: 'CLINOTE_E_INPUT_BINARY', message: 'binary' },
    });
    expect(e).toBe('■ x.csv:3\n  error CLINOTE_E_INPUT_BINARY: binary\n');
    const out = w.result({
      id: 'a',
      pipeline: stamp,
      flags: [],
      sections: [],
      sentences: [],
      concepts: [
        {
          start: 0,
          end: 9,
          text: 'x\u001b[2Jy',
          type: 'problem',
          codes: [],
          matched: { term: 'x', source: 's' },
          score: 1,
          evidence: { component: 'c' },
        },
      ],
    });
    expect(out).not.toContain('\u001b');
  });
});
