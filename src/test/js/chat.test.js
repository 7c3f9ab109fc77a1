import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChatMembership, formatFullTime, formatTime, joinCommand, leaveCommand, parseServerMessage, sayCommand, shouldReconnect,
} from '../../../webapp/js/chat-client.js';

const message = (id, from = 'ada', text = `m${id}`) => ({ type: 'message', id, room: 'lobby', from, text, ts: 0 });

test('commands follow the wire contract', () => {
  assert.deepEqual(JSON.parse(joinCommand('lobby', 'ada')), { type: 'join', room: 'lobby', nick: 'ada' });
  assert.deepEqual(JSON.parse(joinCommand('lobby', 'ada', { since: 0, token: 't' })),
    { type: 'join', room: 'lobby', nick: 'ada', since: 0, token: 't' });
  assert.deepEqual(JSON.parse(sayCommand('<b>hi</b>')), { type: 'say', text: '<b>hi</b>' });
  assert.deepEqual(JSON.parse(leaveCommand()), { type: 'leave' });
});

test('server messages are parsed, anything else is ignored', () => {
  assert.equal(parseServerMessage('{"type":"error","code":"x","message":"y"}').code, 'x');
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage('[1]'), null);
  assert.equal(parseServerMessage('null'), null);
});

test('a reconnection rejoins with the last id seen and the token, and shows only what was missed', () => {
  const membership = new ChatMembership();
  assert.equal(membership.rejoin(), null, 'not in a room: nothing to rejoin');
  assert.deepEqual(JSON.parse(membership.join('lobby', 'ada')), { type: 'join', room: 'lobby', nick: 'ada' });
  const first = membership.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: ['ada'],
    history: [message(1), message(2)], token: 'tok', truncated: false });
  assert.equal(first.fresh, true);
  assert.equal(first.messages.length, 2);
  assert.equal(membership.received(message(3)), true);
  assert.equal(membership.received(message(3)), false, 'never shown twice');
  assert.deepEqual(JSON.parse(membership.rejoin()), { type: 'join', room: 'lobby', nick: 'ada', since: 3, token: 'tok' });
  const again = membership.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: ['ada', 'bob'],
    history: [message(4, 'bob'), message(5, 'bob')], token: 'tok', truncated: false });
  assert.equal(again.fresh, false, 'keep what is shown and add the missed messages');
  assert.deepEqual(again.messages.map((m) => m.id), [4, 5]);
  assert.equal(membership.lastId, 5);
  assert.equal(membership.isOwn(message(6, 'ada')), true);
  assert.equal(membership.isOwn(message(6, 'bob')), false);
});

test('a truncated or reset history starts the list over', () => {
  const membership = new ChatMembership();
  membership.join('lobby', 'ada');
  membership.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: [], history: [message(57)], token: 't', truncated: false });
  membership.rejoin();
  const reset = membership.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: [], history: [message(1)], token: 't', truncated: true });
  assert.equal(reset.fresh, true);
  assert.equal(membership.lastId, 1);
  membership.left();
  assert.equal(membership.rejoin(), null);
  assert.deepEqual(JSON.parse(membership.join('kitchen', 'ada')), { type: 'join', room: 'kitchen', nick: 'ada' }, 'a new room: a fresh join');
});

test('reconnect after drops and slow-consumer closes, not after replacement or policy closes', () => {
  assert.equal(shouldReconnect(1006, ''), true);
  assert.equal(shouldReconnect(1001, 'Server shutting down'), true);
  assert.equal(shouldReconnect(1013, 'Missed 3 messages: reconnect to catch up'), true);
  assert.equal(shouldReconnect(1008, 'Slow consumer'), true);
  assert.equal(shouldReconnect(1008, 'Too many rejected messages'), false);
  assert.equal(shouldReconnect(4001, 'Replaced by a newer connection'), false);
  assert.equal(shouldReconnect(1000, 'bye'), false);
});

test('formatTime shows seconds for today and the date for an earlier day; formatFullTime everything', () => {
  const said = new Date(2026, 11, 5, 14, 3, 7).getTime();
  assert.equal(formatTime(said, new Date(2026, 11, 5, 23, 0).getTime()), '14:03:07');
  assert.equal(formatTime(said, new Date(2026, 11, 6, 0, 1).getTime()), '12-05 14:03');
  assert.equal(formatFullTime(said), '2026-12-05 14:03:07');
});

test('a saved membership rejoins with its token and since after a reload', () => {
  const before = new ChatMembership();
  before.join('lobby', 'ada');
  before.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: ['ada'], history: [{ type: 'message', id: 7, room: 'lobby', from: 'bob', text: 'hi', ts: 1 }], token: 'T0k3n', truncated: false });
  const saved = JSON.parse(JSON.stringify(before.toSaved()));
  assert.deepEqual(saved, { room: 'lobby', nick: 'ada', token: 'T0k3n', lastId: 7 });

  const after = new ChatMembership();
  assert.equal(after.restore(saved), true);
  assert.deepEqual(JSON.parse(after.rejoin()), { type: 'join', room: 'lobby', nick: 'ada', since: 7, token: 'T0k3n' });
  const { fresh } = after.welcomed({ type: 'welcome', room: 'lobby', nick: 'ada', members: ['ada'], history: [], token: 'T0k3n', truncated: false });
  assert.equal(fresh, false);

  assert.equal(new ChatMembership().restore({ room: 'lobby', nick: 'ada' }), false);
  assert.equal(new ChatMembership().restore('nonsense'), false);
  assert.equal(new ChatMembership().restore(null), false);
  const outside = new ChatMembership();
  assert.equal(outside.toSaved(), null);
  before.left();
  assert.equal(before.toSaved(), null);
});
