/**
 * A small streaming XML tokenizer: feed text chunks, get open/close/text events. Enough for the
 * CMS ICD-10-CM index files (elements, attributes, text, the predefined and numeric entities,
 * comments, CDATA, processing instructions and a DOCTYPE are skipped or decoded). Tags must nest;
 * a stray or missing end tag throws CLINOTE_E_TERMINOLOGY_MALFORMED_XML.
 */
import { ClinoteError } from '../../../errors/error.js';

export type XmlEvent =
  | { readonly type: 'open'; readonly name: string; readonly attrs: Readonly<Record<string, string>> }
  | { readonly type: 'close'; readonly name: string }
  | { readonly type: 'text'; readonly text: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decode the predefined and numeric character references; unknown ones are kept as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return Object.hasOwn(ENTITIES, e) ? ENTITIES[e]! : m;
  });
}

const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export class XmlTokenizer {
  #buf = '';
  #stack: string[] = [];
  #line = 1;
  readonly #source: string;

  constructor(source = 'xml') {
    this.#source = source;
  }

  #error(message: string): never {
    throw new ClinoteError(
      'CLINOTE_E_TERMINOLOGY_MALFORMED_XML',
      `${this.#source}: ${message} (line ${this.#line})`,
      {
        source: this.#source,
        line: this.#line,
      },
    );
  }

  /** Feed a chunk; returns the events it completes. */
  push(chunk: string): XmlEvent[] {
    this.#buf += chunk;
    const out: XmlEvent[] = [];
    const buf = this.#buf;
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      const lt = buf.indexOf('<', pos);
      if (lt === -1) break; // text without its end yet: wait for more
      if (lt > pos) {
        const text = buf.slice(pos, lt);
        this.#countLines(text);
        if (this.#stack.length > 0) out.push({ type: 'text', text: decodeEntities(text) });
        else if (text.trim() !== '') this.#error('text outside the root element');
        pos = lt;
      }
      // pos is at '<'
      let end: number;
      if (buf.startsWith('<!--', pos)) {
        end = buf.indexOf('-->', pos + 4);
        if (end === -1) break;
        this.#countLines(buf.slice(pos, end));
        pos = end + 3;
        continue;
      }
      if (buf.startsWith('<![CDATA[', pos)) {
        end = buf.indexOf(']]>', pos + 9);
        if (end === -1) break;
        const text = buf.slice(pos + 9, end);
        this.#countLines(text);
        if (this.#stack.length > 0) out.push({ type: 'text', text });
        pos = end + 3;
        continue;
      }
      if (buf.startsWith('<?', pos)) {
        end = buf.indexOf('?>', pos + 2);
        if (end === -1) break;
        pos = end + 2;
        continue;
      }
      if (buf.startsWith('<!', pos)) {
        // DOCTYPE, possibly with an internal subset in [...]
        const bracket = buf.indexOf('[', pos);
        const gt = buf.indexOf('>', pos);
        if (gt === -1) break;
        if (bracket !== -1 && bracket < gt) {
          const close = buf.indexOf(']>', bracket);
          if (close === -1) break;
          pos = close + 2;
        } else {
          pos = gt + 1;
        }
        continue;
      }
      end = buf.indexOf('>', pos + 1);
      if (end === -1) break;
      const tag = buf.slice(pos + 1, end);
      this.#countLines(tag);
      pos = end + 1;
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        const open = this.#stack.pop();
        if (open !== name) this.#error(`end tag </${name}> does not close <${open ?? '(none)'}>`);
        out.push({ type: 'close', name });
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([^\s/>]+)/.exec(body);
      if (!m) this.#error(`malformed tag <${tag}>`);
      const name = m[1]!;
      const attrs: Record<string, string> = {};
      const rest = body.slice(name.length);
      if (rest.trim() !== '') {
        ATTR.lastIndex = 0;
        for (let a = ATTR.exec(rest); a; a = ATTR.exec(rest))
          attrs[a[1]!] = decodeEntities(a[2] ?? a[3] ?? '');
      }
      out.push({ type: 'open', name, attrs });
      if (selfClosing) out.push({ type: 'close', name });
      else this.#stack.push(name);
    }
    this.#buf = buf.slice(pos);
    return out;
  }

  /** End of input: throws when an element is still open or a tag is cut off. */
  end(): XmlEvent[] {
    if (this.#buf.includes('<')) this.#error('unterminated markup at the end of the input');
    if (this.#stack.length > 0) this.#error(`<${this.#stack[this.#stack.length - 1]}> is never closed`);
    if (this.#buf.trim() !== '') this.#error('text outside the root element');
    this.#buf = '';
    return [];
  }

  #countLines(s: string): void {
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) this.#line++;
  }
}
