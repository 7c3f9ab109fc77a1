import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionEnd } from '../../../webapp/js/session-end.js';

test('the close that ended the session stays while reconnect attempts fail with 1006', () => {
  const end = new SessionEnd();
  end.opened();
  assert.deepEqual(end.closed(1001, 'Server shutting down'), { code: 1001, reason: 'Server shutting down' });
  assert.deepEqual(end.closed(1006), { code: 1001, reason: 'Server shutting down' }, 'an attempt that never opened');
  assert.deepEqual(end.closed(1006, ''), { code: 1001, reason: 'Server shutting down' });
  assert.equal(SessionEnd.describe(end.ended), '1001 Server shutting down');
  end.opened();
  assert.deepEqual(end.closed(1011, 'Internal error'), { code: 1011, reason: 'Internal error' }, 'a new session, a new end');
});

test('a first connection that never opens shows its own close', () => {
  const end = new SessionEnd();
  assert.deepEqual(end.closed(1006), { code: 1006, reason: '' });
  assert.equal(SessionEnd.describe(end.closed(1006)), '1006');
});
