/**
 * Corpus offsets are usually counted in Unicode code points (brat and PubTator tools are written in
 * Python); JavaScript strings index UTF-16 code units. The two differ only after a character outside
 * the Basic Multilingual Plane (an emoji, some CJK). `codePointOffsets` maps one to the other, and is
 * the identity (no allocation) for texts without such characters.
 */

/** A function from a code-point offset to a UTF-16 offset into the same text. */
export type OffsetMap = (codePointOffset: number) => number;

const identity: OffsetMap = (o) => o;

export function codePointOffsets(text: string): OffsetMap {
  if (!/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)) return identity;
  // units[cp] = UTF-16 offset of code point cp; one extra entry for the end of the text.
  const units: number[] = [];
  let u = 0;
  for (const ch of text) {
    units.push(u);
    u += ch.length;
  }
  units.push(u);
  return (o) => (o >= 0 && o < units.length ? (units[o] as number) : o + (u - (units.length - 1)));
}
