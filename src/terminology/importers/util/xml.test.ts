import { describe, expect, it } from 'vitest';
import { decodeEntities, type XmlEvent, XmlTokenizer } from './xml.js';

const DOC = `<?xml version="1.0"?>
<!DOCTYPE root [ <!ELEMENT root ANY> ]>
<!-- a comment with <tags> -->
<root a="1" b='two &amp; three'>
  <title>Fracture<nemod>(closed)</nemod> NEC &lt;x&gt;</title>
  <empty/>
  <cell col="2">T51.3X1</cell>
  <data><![CDATA[raw <text> & more]]></data>
</root>`;

function all(chunks: string[]): XmlEvent[] {
  const t = new XmlTokenizer('test');
  const out: XmlEvent[] = [];
  for (const c of chunks) out.push(...t.push(c));
  out.push(...t.end());
  return out.filter((e) => e.type !== 'text' || e.text.trim() !== '');
}

describe('XmlTokenizer', () => {
  it('emits open/close/text events with attributes, entities, CDATA; skips prolog, doctype and comments', () => {
    expect(all([DOC])).toEqual([
      { type: 'open', name: 'root', attrs: { a: '1', b: 'two & three' } },
      { type: 'open', name: 'title', attrs: {} },
      { type: 'text', text: 'Fracture' },
      { type: 'open', name: 'nemod', attrs: {} },
      { type: 'text', text: '(closed)' },
      { type: 'close', name: 'nemod' },
      { type: 'text', text: ' NEC <x>' },
      { type: 'close', name: 'title' },
      { type: 'open', name: 'empty', attrs: {} },
      { type: 'close', name: 'empty' },
      { type: 'open', name: 'cell', attrs: { col: '2' } },
      { type: 'text', text: 'T51.3X1' },
      { type: 'close', name: 'cell' },
      { type: 'open', name: 'data', attrs: {} },
      { type: 'text', text: 'raw <text> & more' },
      { type: 'close', name: 'data' },
      { type: 'close', name: 'root' },
    ]);
  });

  it('gives the same events whatever the chunk boundaries', () => {
    const whole = all([DOC]);
    expect(all(DOC.split(''))).toEqual(whole);
    expect(all([DOC.slice(0, 37), DOC.slice(37, 120), DOC.slice(120)])).toEqual(whole);
  });

  it.each([
    ['<a><b></a>', /does not close/],
    ['<a><b></b>', /never closed/],
    ['<a></a><b', /unterminated/],
    ['text<a></a>', /outside the root/],
  ])('throws CLINOTE_E_TERMINOLOGY_MALFORMED_XML on %s', (xml, message) => {
    expect(() => all([xml])).toThrow(message);
    expect(() => all([xml])).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_TERMINOLOGY_MALFORMED_XML' }),
    );
  });

  it.each([
    ['a &amp; b', 'a & b'],
    ['&#8211;', '\u2013'],
    ['&#x2013;', '\u2013'],
    ['&quot;x&apos;', `"x'`],
    ['&unknown; stays', '&unknown; stays'],
    ['no entity', 'no entity'],
  ])('decodeEntities(%s)', (s, expected) => {
    expect(decodeEntities(s)).toBe(expected);
  });
});
