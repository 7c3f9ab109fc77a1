import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../webapp/js/backoff.js';
import { FeedClient, PROTOCOL_CHOICES, shouldReconnect, subscribeCommand } from '../../../webapp/js/feed-client.js';
import { varintBytes } from '../../../webapp/js/feed-binary.js';

/** A WebSocket stand-in that records what is sent and lets the test play the server. */
class FakeSocket extends EventTarget {
  static made = [];

  constructor(url, protocols) {
    super();
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    this.protocol = '';
    FakeSocket.made.push(this);
  }

  send(text) { this.sent.push(JSON.parse(text)); }

  close(code) { this.readyState = 3; this.closedWith = code; }

  open(protocol) {
    this.readyState = 1;
    this.protocol = protocol;
    this.dispatchEvent(new Event('open'));
  }

  receive(data) { this.dispatchEvent(Object.assign(new Event('message'), { data })); }

  drop(code, reason = '') {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

function client(acknowledge = false) {
  FakeSocket.made = [];
  const states = [];
  const messages = [];
  const problems = [];
  const timers = [];
  const feed = new FeedClient({
    url: 'ws://h/feed',
    protocols: PROTOCOL_CHOICES.both,
    WebSocket: FakeSocket,
    backoff: new Backoff({ initialMs: 100, random: () => 1 }),
    onState: (s) => states.push(s),
    onMessage: (m) => messages.push(m),
    onProblem: (p) => problems.push(p),
    acknowledge,
    timers: { setTimeout: (f, ms) => timers.push({ f, ms }), clearTimeout: () => {}, now: () => 0 },
  });
  return { feed, states, messages, problems, timers };
}

test('commands have the documented shapes', () => {
  assert.equal(subscribeCommand(1, { topic: 'stocks', items: ['ACME'], maxFrequency: 4 }), '{"type":"subscribe","id":1,"topic":"stocks","items":["ACME"],"maxFrequency":4}');
  assert.equal(subscribeCommand(2, { topic: 'weather', maxFrequency: 0 }), '{"type":"subscribe","id":2,"topic":"weather"}');
  assert.deepEqual(PROTOCOL_CHOICES.both, ['feed.bin', 'feed.json']);
});

test('subscribes once open, decodes binary snapshots with their topic, drops updates of ended subscriptions', () => {
  const { feed, states, messages } = client();
  const stocks = feed.subscribe({ topic: 'stocks', maxFrequency: 4 });
  feed.start();
  const ws = FakeSocket.made[0];
  assert.deepEqual(ws.protocols, ['feed.bin', 'feed.json']);
  assert.equal(ws.binaryType, 'arraybuffer');
  ws.open('feed.bin');
  assert.deepEqual(states.map((s) => s.state), ['connecting', 'open']);
  assert.equal(states[1].protocol, 'feed.bin');
  assert.deepEqual(ws.sent, [{ type: 'subscribe', id: stocks, topic: 'stocks', maxFrequency: 4 }]);
  ws.receive('{"type":"hello","protocol":"feed.bin","instance":"a","maxSubscriptions":32,"maxItemsPerSubscription":1000,"maxFrequency":100,"topics":["stocks"]}');
  const bytes = Uint8Array.from([0x01, ...varintBytes(1000), 0x01, 0x00, 0x01, 0x76, 0x02, 0x00, stocks, 0x01, 0x41,
    0x03, stocks, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02]);
  ws.receive(bytes.buffer);
  assert.deepEqual(messages[1], { type: 'snapshot', id: stocks, topic: 'stocks', items: [{ item: 'A', seq: 1, ts: 1000, fields: { v: 1 } }] });
  feed.unsubscribe(stocks);
  assert.deepEqual(ws.sent[1], { type: 'unsubscribe', id: stocks });
  ws.receive('{"type":"updates","updates":[{"id":1,"item":"A","seq":2,"ts":1,"conflated":0,"fields":{"v":2}}]}');
  assert.equal(messages.length, 2, 'the update of the ended subscription is dropped');
});

test('after a lost connection it reconnects with backoff and subscribes again; a policy close is final', () => {
  const { feed, states, timers, problems } = client();
  feed.subscribe({ topic: 'weather' });
  feed.start();
  FakeSocket.made[0].open('feed.json');
  FakeSocket.made[0].receive('not json');
  assert.deepEqual(problems, ['The server sent text that is not JSON']);
  FakeSocket.made[0].drop(1006);
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(states.at(-1).retryAt, 100);
  timers.shift().f();
  const again = FakeSocket.made[1];
  again.open('feed.json');
  assert.deepEqual(again.sent, [{ type: 'subscribe', id: 1, topic: 'weather' }], 'the same subscription, sent again');
  again.drop(1008, 'A feed subprotocol is required (feed.json or feed.bin)');
  assert.deepEqual(states.at(-1), { state: 'closed', code: 1008, reason: 'A feed subprotocol is required (feed.json or feed.bin)' });
  assert.equal(timers.length, 0);
  assert.equal(shouldReconnect(1001), true);
  assert.equal(shouldReconnect(1011), true);
  assert.equal(shouldReconnect(1009), false);
});

test('a binary message that breaks the layout is reported, and the connection goes on', () => {
  const { feed, problems, messages } = client();
  feed.subscribe({ topic: 'stocks' });
  feed.start();
  FakeSocket.made[0].open('feed.bin');
  FakeSocket.made[0].receive(Uint8Array.from([0x02]).buffer);
  assert.match(problems[0], /Unsupported version 0x02/);
  FakeSocket.made[0].receive('{"type":"error","code":"unknown-topic","message":"No such topic","id":1}');
  assert.equal(messages.at(-1).code, 'unknown-topic');
  assert.equal(feed.topicOf(1), undefined, 'a refused subscription is not sent again');
  feed.stop();
  assert.equal(FakeSocket.made[0].closedWith, 1000);
});

test('with acknowledge, every message handled is acknowledged by its count on the connection, afresh after a reconnect', () => {
  const { feed, timers } = client(true);
  feed.subscribe({ topic: 'weather' });
  feed.start();
  const ws = FakeSocket.made[0];
  ws.open('feed.json');
  ws.receive('{"type":"hello","protocol":"feed.json","instance":"a","maxSubscriptions":32,"maxItemsPerSubscription":1000,"maxFrequency":100,"topics":["weather"]}');
  ws.receive('{"type":"snapshot","id":1,"topic":"weather","items":[]}');
  ws.receive('not json');
  assert.deepEqual(ws.sent, [{ type: 'subscribe', id: 1, topic: 'weather' }, { type: 'ack', messages: 1 },
    { type: 'ack', messages: 2 }, { type: 'ack', messages: 3 }], 'an unreadable message counts too: the server sent it');
  ws.drop(1006);
  timers.shift().f();
  const again = FakeSocket.made[1];
  again.open('feed.json');
  again.receive('{"type":"hello","protocol":"feed.json","instance":"a","maxSubscriptions":32,"maxItemsPerSubscription":1000,"maxFrequency":100,"topics":["weather"]}');
  assert.deepEqual(again.sent.at(-1), { type: 'ack', messages: 1 });
});
