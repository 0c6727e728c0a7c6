/**
 * The little of a browser window that the end-to-end tests and the benchmark use inside
 * `page.evaluate` (code that runs in Chromium), typed here because the Node side of the project is
 * type-checked without the DOM library: `const w = globalThis as unknown as PageWindow`.
 */

export interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Readonly<Record<string, string | undefined>>;
  value: string;
  readonly options: { readonly length: number };
  getAttribute(name: string): string | null;
  focus(): void;
  dispatchEvent(event: unknown): boolean;
}

export interface PageWindow {
  readonly document: {
    readonly activeElement: PageElement | null;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): { readonly length: number };
  };
  readonly DataTransfer: new () => {
    setData(type: string, value: string): void;
    readonly items: { add(file: unknown): unknown };
  };
  readonly File: new (parts: readonly string[], name: string, options: { readonly type: string }) => unknown;
  readonly DragEvent: new (type: string, init: Readonly<Record<string, unknown>>) => unknown;
  readonly ClipboardEvent: new (type: string, init: Readonly<Record<string, unknown>>) => unknown;
  readonly MutationObserver: new (
    callback: () => void,
  ) => { observe(target: PageElement, options: Readonly<Record<string, boolean>>): void; disconnect(): void };
  readonly CSS: { readonly highlights: { get(name: string): Iterable<{ toString(): string }> | undefined } };
  readonly localStorage: { readonly length: number };
  readonly sessionStorage: Readonly<Record<string, string>>;
  readonly performance: {
    now(): number;
    clearMeasures(): void;
    getEntriesByName(name: string): readonly { readonly duration: number }[];
    getEntriesByType(type: string): readonly {
      readonly name: string;
      readonly encodedBodySize?: number;
      readonly decodedBodySize?: number;
    }[];
  };
  getComputedStyle(element: unknown): { readonly textDecorationLine: string };
  requestAnimationFrame(callback: () => void): number;
}
