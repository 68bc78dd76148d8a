// A tiny element builder. Text goes in as text nodes only; there is no way to pass HTML or a style attribute
// (the webview's CSP forbids inline styles, and heap strings must never be parsed as markup).

export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  cls?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.cls) node.className = options.cls;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (name === 'style' || /^on/i.test(name)) throw new Error(`el: attribute ${name} is not allowed`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function button(text: string, onClick: (event: MouseEvent) => void, options: ElementOptions = {}): HTMLButtonElement {
  const b = el('button', { ...options, attrs: { type: 'button', ...options.attrs } }, text);
  b.addEventListener('click', onClick);
  return b;
}

export function section(title: string, cls: string, ...children: Child[]): HTMLElement {
  const id = `section-${cls}`;
  return el(
    'section',
    { cls: `panel-section section-${cls}`, attrs: { 'aria-labelledby': id } },
    el('h2', { text: title, attrs: { id } }),
    ...children,
  );
}

export function clear(node: Element): void {
  node.replaceChildren();
}

/** Ends a switch over a union: a new member is a compile error here. */
export function assertNever(value: never, what: string): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
