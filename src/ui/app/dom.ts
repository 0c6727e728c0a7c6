/** Small DOM helpers of the web UI: element creation without innerHTML, downloads, ids. */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined | ((e: Event) => void);
export type Attrs = Readonly<Record<string, AttrValue>>;

function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(el, c);
    return;
  }
  el.appendChild(typeof child === 'object' ? (child as Node) : document.createTextNode(String(child)));
}

/** An element with attributes (`on*` functions become listeners) and children (text as text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (v === true) el.setAttribute(k, '');
      else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
    }
  }
  for (const c of children) append(el, c);
  return el;
}

/** Replace the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const c of children) append(el, c);
}

/** Offer `text` as a file download (a blob URL: the content never goes into a URL). */
export function download(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let seq = 0;
/** A unique id for ARIA references. */
export function uid(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** A readable empty or error state: a title, an explanation, maybe a detail (a code). */
export function notice(kind: 'empty' | 'error', title: string, ...body: Child[]): HTMLElement {
  return h(
    'div',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('strong', null, title),
    ...body.map((b) => (typeof b === 'string' ? h('p', null, b) : b)),
  );
}
