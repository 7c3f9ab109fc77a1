/**
 * Where this server's WebSocket endpoints are, seen from the current page.
 * @module endpoint
 */

/**
 * The ws: or wss: URL of an endpoint of this server, resolved against the page's own URL so that
 * it works under any context root; wss: when the page itself came over https.
 * @param {string} path endpoint path relative to the page, e.g. "echo"
 * @param {Location|URL} [page] the page's location
 * @returns {string}
 */
export function socketUrl(path, page = window.location) {
  const url = new URL(path, page.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  return url.href;
}

/** The WebSocket readyState names, indexed by their numbers. */
export const READY_STATES = Object.freeze(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);

/**
 * "OPEN (1)" and so on.
 * @param {number} readyState
 * @returns {string}
 */
export function readyStateLabel(readyState) {
  return `${READY_STATES[readyState] ?? 'UNKNOWN'} (${readyState})`;
}
