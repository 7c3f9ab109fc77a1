/**
 * The one navigation bar every page shows. Each page has an empty `<nav class="site-nav">` and
 * its module calls {@link mountNav}; the link to the current page gets aria-current="page". A skip
 * link to the page's main element comes first.
 * @module nav
 */

/** The pages, in the order the nav shows them. */
export const PAGES = Object.freeze([
  { href: 'index.html', label: 'Echo' },
  { href: 'workbench.html', label: 'Workbench' },
  { href: 'image.html', label: 'Image studio' },
  { href: 'chat.html', label: 'Chat' },
  { href: 'live.html', label: 'Live' },
  { href: 'draw.html', label: 'Draw' },
  { href: 'play.html', label: 'Play' },
  { href: 'status.html', label: 'Status' },
]);

/**
 * Which page a path is: the last path segment, "index.html" for a directory.
 * @param {string} pathname e.g. "/duplex/chat.html" or "/"
 * @returns {string}
 */
export function currentPage(pathname) {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return last === '' ? 'index.html' : last;
}

/**
 * Fills the page's nav.site-nav with the brand and the links.
 * @param {Document} [doc]
 */
export function mountNav(doc = document) {
  const nav = doc.querySelector('nav.site-nav');
  if (!nav) return;
  const here = currentPage(doc.location.pathname);
  const brand = doc.createElement('a');
  brand.className = 'brand';
  brand.href = 'index.html';
  const logo = doc.createElement('img');
  logo.src = 'favicon.svg';
  logo.alt = '';
  brand.append(logo, 'Duplex');
  const list = doc.createElement('ul');
  PAGES.forEach(({ href, label }) => {
    const item = doc.createElement('li');
    const link = doc.createElement('a');
    link.href = href;
    link.textContent = label;
    if (href === here) link.setAttribute('aria-current', 'page');
    item.append(link);
    list.append(item);
  });
  nav.replaceChildren(brand, list);
  addSkipLink(doc, nav);
}

/**
 * Puts a "Skip to the content" link first in the page, before the nav: hidden until it has the
 * keyboard focus, it moves the focus to the page's main element.
 * @param {Document} doc
 * @param {Element} nav
 */
function addSkipLink(doc, nav) {
  const main = doc.querySelector('main');
  if (!main || doc.querySelector('a.skip-link')) return;
  if (!main.id) main.id = 'content';
  main.tabIndex = -1;
  const skip = doc.createElement('a');
  skip.className = 'skip-link';
  skip.href = `#${main.id}`;
  skip.textContent = 'Skip to the content';
  nav.before(skip);
}
