/**
 * Code references inside the Tabular List's notes: `(Z16.-)`, `(P35-P39)`, `(E08.32-)`,
 * `(E10-E13 with .620)`. A reference is a range of code prefixes, written `FROM` or `FROM-TO`
 * without dots (`Z16`, `P35-P39`, `E0832`). A code is covered when its first characters fall in the
 * range, so a reference to a category covers every code under it.
 */

/** A code without its dot, upper case: `E11.9` -> `E119`. */
export function undotted(code: string): string {
  return code.replace('.', '').toUpperCase();
}

/** A code with its dot after the category: `E119` -> `E11.9`, `N23` -> `N23`. */
export function dotted(code: string): string {
  const c = undotted(code);
  return c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
}

const CODE_AT = /^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?/;

function isCodeChar(ch: string | undefined): boolean {
  return ch !== undefined && /[0-9A-Z.]/.test(ch);
}

/**
 * Every code reference in a note, from the text inside its parentheses only (words outside them,
 * such as `vitamin B12`, are never taken for codes). Returns `FROM` or `FROM-TO`, undotted.
 */
export function noteRefs(note: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inner = '';
  for (const ch of note) {
    if (ch === '(') {
      depth++;
      if (depth === 1) inner = '';
      continue;
    }
    if (ch === ')') {
      if (depth === 1) out.push(...parenRefs(inner));
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0) inner += ch;
  }
  return out;
}

/** References in the text of one pair of parentheses: codes separated by commas, `-`, `with`. */
function parenRefs(inner: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = inner.toUpperCase();
  while (i < s.length) {
    if (!/[A-Z]/.test(s[i]!) || (i > 0 && isCodeChar(s[i - 1]))) {
      i++;
      continue;
    }
    const m = CODE_AT.exec(s.slice(i));
    if (!m || isCodeChar(s[i + m[0].length]) || /[A-Z]/.test(s[i + m[0].length] ?? '')) {
      i++;
      continue;
    }
    const from = undotted(m[0].replace(/\.$/, ''));
    i += m[0].length;
    // `.-` or `-` after a code marks "more characters": the prefix itself
    if (s.startsWith('.-', i)) i += 2;
    let j = i;
    while (s[j] === ' ') j++;
    if (s[j] === '-') {
      let k = j + 1;
      while (s[k] === ' ') k++;
      const m2 = CODE_AT.exec(s.slice(k));
      if (m2 && !isCodeChar(s[k + m2[0].length])) {
        out.push(`${from}-${undotted(m2[0].replace(/\.$/, ''))}`);
        i = k + m2[0].length;
        if (s.startsWith('.-', i)) i += 2;
        else if (s[i] === '-') i++;
        continue;
      }
      i = j + 1; // `E08.32-`: a prefix
    }
    out.push(from);
  }
  return out;
}

/** Whether an (undotted or dotted) code is covered by a reference `FROM` or `FROM-TO`. */
export function refCovers(ref: string, code: string): boolean {
  const c = undotted(code);
  const dash = ref.indexOf('-');
  const from = dash < 0 ? ref : ref.slice(0, dash);
  const to = dash < 0 ? ref : ref.slice(dash + 1);
  return c.slice(0, from.length) >= from && c.slice(0, to.length) <= to;
}
