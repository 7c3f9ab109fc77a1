import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONNECTIONS_KEY, MAX_SAVED, PRESETS, WorkbenchStore, checkSocketUrl, connectionLabel, httpUrlOf, matchesFilter, parseExportedLog,
  parseProtocols, snippetName,
} from '../../../webapp/js/workbench-store.js';

/** A Storage look-alike; `full` makes setItem throw like a full localStorage. */
function memoryStorage() {
  const map = new Map();
  return {
    full: false,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem(k, v) {
      if (this.full) throw new Error('QuotaExceededError');
      map.set(k, String(v));
    },
  };
}

test('saved connections come back newest first, one per URL and subprotocols', () => {
  const store = new WorkbenchStore(memoryStorage());
  assert.deepEqual(store.connections(), []);
  store.saveConnection({ url: 'ws://a/echo', protocols: [], autoReconnect: false });
  store.saveConnection({ url: 'ws://a/chat', protocols: ['chat'], autoReconnect: true });
  store.saveConnection({ url: 'ws://a/echo', protocols: [], autoReconnect: true });
  assert.deepEqual(store.connections(), [
    { url: 'ws://a/echo', protocols: [], autoReconnect: true },
    { url: 'ws://a/chat', protocols: ['chat'], autoReconnect: true },
  ]);
  store.removeConnection(0);
  assert.deepEqual(store.connections().map((c) => c.url), ['ws://a/chat']);
});

test('the list is bounded and survives foreign or broken storage values', () => {
  const storage = memoryStorage();
  const store = new WorkbenchStore(storage);
  for (let i = 0; i < MAX_SAVED + 5; i += 1) store.saveConnection({ url: `ws://h/${i}`, protocols: [], autoReconnect: false });
  assert.equal(store.connections().length, MAX_SAVED);
  assert.equal(store.connections()[0].url, `ws://h/${MAX_SAVED + 4}`);
  storage.setItem(CONNECTIONS_KEY, '{not json');
  assert.deepEqual(store.connections(), []);
  storage.setItem(CONNECTIONS_KEY, JSON.stringify([{ url: 1 }, { url: 'ws://ok', protocols: ['x'] }]));
  assert.deepEqual(store.connections(), [{ url: 'ws://ok', protocols: ['x'], autoReconnect: false }]);
  storage.full = true;
  assert.equal(store.saveConnection({ url: 'ws://new', protocols: [], autoReconnect: false }), false);
});

test('snippets are replaced by name and named after their first line', () => {
  const store = new WorkbenchStore(memoryStorage());
  store.saveSnippet({ name: snippetName('{"type":"join"}\nmore'), text: '{"type":"join"}\nmore' });
  store.saveSnippet({ name: 'hello', text: 'hello' });
  store.saveSnippet({ name: 'hello', text: 'hello again' });
  assert.deepEqual(store.snippets(), [{ name: 'hello', text: 'hello again' }, { name: '{"type":"join"}', text: '{"type":"join"}\nmore' }]);
  assert.equal(snippetName('x'.repeat(60)).length, 40);
  assert.equal(snippetName('   '), '(empty)');
});

test('subprotocols parse from a comma list and label a connection', () => {
  assert.deepEqual(parseProtocols(' echo, chat ,,'), ['echo', 'chat']);
  assert.equal(connectionLabel({ url: 'ws://h/chat', protocols: ['chat'], autoReconnect: false }), 'ws://h/chat · chat');
});

test('the log filter matches direction, type and text anywhere', () => {
  const entry = { direction: 'in', type: 'message', kind: 'json', body: '{"Hello": 1}' };
  const any = { direction: '', type: '', text: '' };
  assert.equal(matchesFilter(entry, any), true);
  assert.equal(matchesFilter(entry, { ...any, direction: 'out' }), false);
  assert.equal(matchesFilter(entry, { ...any, direction: 'in', type: 'message' }), true);
  assert.equal(matchesFilter(entry, { ...any, type: 'close' }), false);
  assert.equal(matchesFilter(entry, { ...any, text: 'hello' }), true);
  assert.equal(matchesFilter(entry, { ...any, text: 'JSON' }), true);
  assert.equal(matchesFilter(entry, { ...any, text: 'absent' }), false);
});


test('the live feed presets offer each subprotocol and a subscribe command', () => {
  assert.deepEqual(PRESETS.map((p) => [p.label, p.path, p.protocols]),
    [['Live feed (binary)', 'feed', ['feed.bin']], ['Live feed (JSON)', 'feed', ['feed.json']]]);
  for (const preset of PRESETS) assert.equal(JSON.parse(preset.payload).type, 'subscribe');
});

test('checkSocketUrl accepts what the WebSocket constructor accepts, for Connect and Save alike', () => {
  const page = 'https://example.org/duplex/workbench.html';
  assert.deepEqual(checkSocketUrl('wss://h/echo', page), { url: 'wss://h/echo' });
  assert.deepEqual(checkSocketUrl(' http://h:8080/echo ', page), { url: 'ws://h:8080/echo' });
  assert.deepEqual(checkSocketUrl('https://h/echo', page), { url: 'wss://h/echo' });
  assert.deepEqual(checkSocketUrl('echo', page), { url: 'wss://example.org/duplex/echo' });
  assert.match(checkSocketUrl('ftp://h/x', page).error, /scheme must be ws, wss, http or https, not "ftp"/);
  assert.match(checkSocketUrl('ws://h/echo#x', page).error, /no fragment/);
  assert.match(checkSocketUrl('http://[', page).error, /is not a URL/);
  assert.equal(httpUrlOf('wss://h/chat?x=1'), 'https://h/chat?x=1');
  assert.equal(httpUrlOf('ws://h:1/nope'), 'http://h:1/nope');
});

test('parseExportedLog reads an export back, newest entries within the limit, and refuses anything else', () => {
  const exported = JSON.stringify([
    { time: '2026-12-05T10:00:00.000Z', direction: 'local', type: 'state', summary: 'readyState OPEN (1)' },
    { time: '2026-12-05T10:00:01.000Z', direction: 'in', type: 'message', kind: 'text', size: 5, rttMs: 1.5, body: 'hello', image: 'image/png' },
    { time: '2026-12-05T10:00:02.000Z', direction: 'in', type: 'close', close: { code: 1001, reason: 'Server shutting down', wasClean: true } },
  ]);
  const entries = parseExportedLog(exported, 2);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0], { time: new Date('2026-12-05T10:00:01.000Z'), direction: 'in', type: 'message', kind: 'text', body: 'hello', size: 5, rttMs: 1.5 });
  assert.deepEqual(entries[1].close, { code: 1001, reason: 'Server shutting down', wasClean: true });
  assert.throws(() => parseExportedLog('{oops'), /Not JSON/);
  assert.throws(() => parseExportedLog('{"a":1}'), /expected a JSON array/);
  assert.throws(() => parseExportedLog('[{"time":"x","direction":"in","type":"message"}]'), /Event 1 is not a log event/);
  assert.throws(() => parseExportedLog('[{"time":"2026-12-05T10:00:00Z","direction":"sideways","type":"message"}]'), /Event 1/);
});
