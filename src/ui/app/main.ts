/** The web UI's entry: the shell (navigation, the API key), and the page of the current path. */
import { apiKey, setApiKey } from './api.js';
import { deployments } from './deployments.js';
import { fill, h } from './dom.js';
import { monitoring } from './monitoring.js';
import { playground } from './playground.js';

const PAGES = [
  ['/', 'Playground', playground],
  ['/deployments', 'Deployments', deployments],
  ['/monitoring', 'Monitoring', monitoring],
] as const;

type Page = (root: HTMLElement) => unknown;

function start(): void {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const links = PAGES.map(([path, label]) => {
    const a = h('a', { href: path, 'data-path': path }, label);
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      if (location.pathname !== path) history.pushState(null, '', path);
      show();
    });
    return h('li', null, a);
  });
  const keyInput = h('input', {
    id: 'api-key',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'API key',
    'aria-label': 'API key (kept for this browser tab only)',
  });
  keyInput.value = apiKey();
  const keyState = h('span', { class: 'muted', role: 'status', id: 'key-state' });
  const showKeyState = () => {
    keyState.textContent = apiKey() === '' ? 'no key' : 'key set for this tab';
  };
  showKeyState();
  const keyForm = h(
    'form',
    { class: 'key', 'aria-label': 'API key' },
    keyInput,
    h('button', { type: 'submit' }, 'Use key'),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          keyInput.value = '';
          setApiKey('');
          showKeyState();
          document.dispatchEvent(new Event('clinote:key'));
        },
      },
      'Forget',
    ),
    keyState,
  );
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(keyInput.value.trim());
    showKeyState();
    document.dispatchEvent(new Event('clinote:key'));
    if (location.pathname !== '/') show();
  });
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('span', { class: 'brand' }, 'Clinote'),
    h('nav', { 'aria-label': 'Pages' }, h('ul', null, links)),
    keyForm,
  );
  document.body.replaceChildren(header, main);

  let stop: (() => void) | undefined;
  const show = () => {
    stop?.();
    stop = undefined;
    const page = PAGES.find(([p]) => p === location.pathname) ?? PAGES[0];
    for (const li of links) {
      const a = li.firstElementChild as HTMLAnchorElement;
      if (a.dataset.path === page[0]) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${page[1]} — Clinote`;
    fill(main);
    const r = (page[2] as Page)(main);
    if (typeof r === 'function') stop = r as () => void;
  };
  window.addEventListener('popstate', show);
  show();
}

start();
