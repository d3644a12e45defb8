// Unit tests of the web client's modules that have no DOM (web/js: the IRC
// parser and serializer, the buffers, the state, the commands and the
// connection's registration), with plain node and no npm package. The
// modules are copied beside a package.json saying "module", since node 18
// reads a bare .js file as CommonJS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', '..', '..', 'web', 'js');
const dir = mkdtempSync(join(tmpdir(), 'reed-webjs-'));
cpSync(src, dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const load = (name) => import(pathToFileURL(join(dir, name)).href);

const irc = await load('irc.js');
const { Buffer, guessOrigin } = await load('buffer.js');
const { Chat } = await load('chat.js');
const { parseInput } = await load('commands.js');
const { Connection, backoffDelay, socketUrl } = await load('conn.js');

test('parse: lines with tags, source, params and trailing', () => {
  const cases = [
    ['PING :abc', { command: 'PING', params: ['abc'], source: '' }],
    [':n!u@h PRIVMSG #c :hello world', { command: 'PRIVMSG', params: ['#c', 'hello world'], nick: 'n', user: 'u', host: 'h' }],
    ['@msgid=5;time=2026-12-07T00:00:00.000Z :a!b@c PRIVMSG #x :hi', { tags: { msgid: '5', time: '2026-12-07T00:00:00.000Z' }, params: ['#x', 'hi'] }],
    ['@a=x\\sy\\:z\\\\w\\r\\n;b;c= :s 001 me :Welcome', { tags: { a: 'x y;z\\w\r\n', b: '', c: '' }, command: '001' }],
    ['@k=trail\\ :s X', { tags: { k: 'trail' } }],
    ['@k=\\b :s X', { tags: { k: 'b' } }],
    [':srv   005  me  A=1   B :are supported', { params: ['me', 'A=1', 'B', 'are supported'], nick: 'srv', user: '', host: '' }],
    ['privmsg #c ::)', { command: 'PRIVMSG', params: ['#c', ':)'] }],
    [':s CAP * LS :', { params: ['*', 'LS', ''] }],
    ['NICK x\r\n', { command: 'NICK', params: ['x'] }],
    [':nick@host QUIT', { nick: 'nick', user: '', host: 'host', params: [] }],
  ];
  for (const [line, want] of cases) {
    const got = irc.parse(line);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${line}: ${k}`);
  }
  assert.equal(irc.parse(''), null);
  assert.equal(irc.parse('@a=b '), null);
  assert.equal(irc.parse(':only.source'), null);
});

test('serialize: trailing colon only when needed, framing kept', () => {
  const cases = [
    [{ command: 'PRIVMSG', params: ['#c', 'hi'] }, 'PRIVMSG #c hi'],
    [{ command: 'PRIVMSG', params: ['#c', 'hi there'] }, 'PRIVMSG #c :hi there'],
    [{ command: 'PRIVMSG', params: ['#c', ':)'] }, 'PRIVMSG #c ::)'],
    [{ command: 'TOPIC', params: ['#c', ''] }, 'TOPIC #c :'],
    [{ command: 'CAP', params: ['END'] }, 'CAP END'],
    [{ tags: { label: 'a b;c', '+draft/x': '' }, command: 'TAGMSG', params: ['#c'] }, '@label=a\\sb\\:c;+draft/x TAGMSG #c'],
  ];
  for (const [msg, want] of cases) assert.equal(irc.serialize(msg), want);
  for (const bad of [
    { command: 'PRIVMSG', params: ['#c', 'a\r\nQUIT'] },
    { command: 'PRIVMSG', params: ['#c', 'a\0'] },
    { command: 'PRIVMSG', params: ['a b', 'x'] },
    { command: 'PRIVMSG', params: ['', 'x'] },
    { command: 'PRIV MSG', params: [] },
  ]) assert.throws(() => irc.serialize(bad), JSON.stringify(bad));
});

test('round trip: serialize then parse gives the message back', () => {
  const texts = ['plain', 'with spaces', ':colon', '', 'tab\there', 'ünïcødé 😀', '\x01ACTION waves\x01'];
  for (const t of texts) {
    const got = irc.parse(irc.serialize({ tags: { v: `x;${t} \\` }, command: 'PRIVMSG', params: ['#c', t] }));
    assert.deepEqual(got.params, ['#c', t]);
    assert.equal(got.tags.v, `x;${t} \\`);
  }
});

test('sources, actions, casefolding, channels', () => {
  assert.deepEqual(irc.parseSource('a!b@c.d'), { nick: 'a', user: 'b', host: 'c.d' });
  assert.deepEqual(irc.parseSource('irc.example'), { nick: 'irc.example', user: '', host: '' });
  assert.deepEqual(irc.parseSource('a!b'), { nick: 'a', user: 'b', host: '' });
  assert.equal(irc.actionText('\x01ACTION waves\x01'), 'waves');
  assert.equal(irc.actionText('\x01ACTION waves'), 'waves');
  assert.equal(irc.actionText('\x01ACTION\x01'), '');
  assert.equal(irc.actionText('\x01VERSION\x01'), null);
  assert.equal(irc.actionText('hello'), null);
  assert.equal(irc.makeAction('waves'), '\x01ACTION waves\x01');
  assert.equal(irc.casefold('Ab[]\\~'), 'ab[]\\~');
  assert.equal(irc.casefold('Ab[]\\~', 'rfc1459'), 'ab{}|^');
  assert.equal(irc.casefold('Ab[]\\~', 'strict-rfc1459'), 'ab{}|~');
  assert.equal(irc.isChannel('#a'), true);
  assert.equal(irc.isChannel('#'), false);
  assert.equal(irc.isChannel('nick'), false);
  assert.equal(irc.isChannel('&a', '#&'), true);
});

test('ISUPPORT, PREFIX, NAMES entries, CAP values', () => {
  const is = irc.applyIsupport({}, ['CHANTYPES=#', 'CHATHISTORY=100', 'SAFELIST', 'NETWORK=a\\x20b']);
  assert.deepEqual(is, { CHANTYPES: '#', CHATHISTORY: '100', SAFELIST: true, NETWORK: 'a b' });
  irc.applyIsupport(is, ['-SAFELIST']);
  assert.equal('SAFELIST' in is, false);
  const prefix = irc.parsePrefix('(qaov)~&@+');
  assert.deepEqual(prefix.map((p) => p.symbol).join(''), '~&@+');
  assert.deepEqual(irc.parsePrefix('(ov)@'), []);
  assert.deepEqual(irc.parseNamesEntry('~@al!u@h', prefix), { prefixes: '~@', nick: 'al', user: 'u', host: 'h' });
  assert.deepEqual(irc.parseNamesEntry('bob', prefix), { prefixes: '', nick: 'bob', user: '', host: '' });
  const caps = irc.parseCaps('sasl=PLAIN,EXTERNAL batch  draft/multiline=max-bytes=4096');
  assert.equal(caps.get('sasl'), 'PLAIN,EXTERNAL');
  assert.equal(caps.get('batch'), '');
  assert.equal(caps.get('draft/multiline'), 'max-bytes=4096');
});

test('SASL PLAIN: base64 of UTF-8, 400-byte pieces, + after a full one', () => {
  assert.deepEqual(irc.saslPlain('alice', 'pw'), [Buffer_b64('\0alice\0pw')]);
  assert.deepEqual(irc.saslPlain('jé', 'ü'), [Buffer_b64('\0jé\0ü')]);
  const long = irc.saslPlain('u', 'p'.repeat(297)); // 300 bytes -> 400 base64
  assert.equal(long.length, 2);
  assert.equal(long[0].length, 400);
  assert.equal(long[1], '+');
  const longer = irc.saslPlain('u', 'p'.repeat(400));
  assert.equal(longer.length, 2);
  assert.equal(longer.join(''), Buffer_b64(`\0u\0${'p'.repeat(400)}`));
});

function Buffer_b64(s) {
  return globalThis.Buffer.from(s, 'utf8').toString('base64');
}

test('splitText: lines, no empties, byte limit at character boundaries', () => {
  assert.deepEqual(irc.splitText('a\nb\r\n\nc'), ['a', 'b', 'c']);
  assert.deepEqual(irc.splitText('abcdef', 4), ['abcd', 'ef']);
  assert.deepEqual(irc.splitText('ééé', 4), ['éé', 'é']);
  assert.deepEqual(irc.splitText('😀😀', 5), ['😀', '😀']);
  assert.deepEqual(irc.splitText('   '), ['   ']);
});

test('messageTime: server-time, else now', () => {
  assert.equal(irc.messageTime({ tags: { time: '2026-01-02T03:04:05.678Z' } }), Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  assert.equal(irc.messageTime({ tags: {} }, 42), 42);
  assert.equal(irc.messageTime({ tags: { time: 'junk' } }, 7), 7);
});

test('origin from the host: amp, bot, an address is IRC, a domain XMPP', () => {
  const cases = [['amp', 'amp'], ['reed/bot', 'bot'], ['127.0.0.1', 'irc'], ['0::1', 'irc'], ['2001:db8::7', 'irc'], ['localhost', 'xmpp'], ['', '']];
  for (const [host, want] of cases) assert.equal(guessOrigin(host), want, host);
});

test('Buffer: time order, msgid dedup, removal, unread after the marker', () => {
  const b = new Buffer('#c', 'channel', (s) => s.toLowerCase());
  assert.equal(b.add({ id: '2', time: 20, text: 'b', kind: 'privmsg' }), true);
  assert.equal(b.add({ id: '1', time: 10, text: 'a', kind: 'privmsg' }), true);
  assert.equal(b.add({ id: '2', time: 20, text: 'b', kind: 'privmsg' }), false);
  b.add({ id: '3', time: 30, text: 'mine', kind: 'privmsg', self: true });
  b.add({ id: '', time: 25, text: 'x joined', kind: 'event' });
  assert.deepEqual(b.messages.map((m) => m.text), ['a', 'b', 'x joined', 'mine']);
  assert.equal(b.unread(), 2);
  b.marker = 15;
  assert.equal(b.unread(), 1);
  assert.equal(b.remove('2'), true);
  assert.equal(b.remove('2'), false);
  assert.equal(b.unread(), 0);
  assert.equal(b.oldest().id, '1');
  b.setMember('Al', { host: 'amp' });
  assert.equal(b.member('al').host, 'amp');
  assert.equal(b.renameMember('AL', 'Bo'), true);
  assert.equal(b.member('bo').nick, 'Bo');
});

// A Chat fed lines as from reed, recording what it sends.
function chatWith(caps = ['echo-message', 'draft/chathistory', 'draft/read-marker', 'batch']) {
  const sent = [];
  const changes = [];
  const chat = new Chat((...a) => { sent.push(a.join(' ')); return true; }, (w, b) => changes.push([w, b && b.name]), (c) => caps.includes(c));
  const feed = (...lines) => lines.forEach((l) => chat.handle(irc.parse(l)));
  feed(':srv 001 me :Welcome', ':srv 005 me CHANTYPES=# PREFIX=(qaov)~&@+ CASEMAPPING=ascii :are supported');
  return { chat, sent, changes, feed };
}

test('Chat: join, names, history batch, live messages, who origins', () => {
  const { chat, sent, feed } = chatWith();
  feed(':me!u@127.0.0.1 JOIN #Room * :real');
  assert.deepEqual(sent, ['CHATHISTORY LATEST #Room * 50', 'WHO #Room']);
  feed(':srv 332 me #room :the topic',
    ':srv 353 me = #room :~me @xa +amp1 bob',
    ':srv 366 me #room :End',
    ':srv MARKREAD #room timestamp=2026-12-07T10:00:01.000Z',
    '@batch=h1 :srv BATCH +h1 chathistory #room',
    '@batch=h1;msgid=10;time=2026-12-07T10:00:00.000Z :bob!b@127.0.0.1 PRIVMSG #room :old one',
    '@batch=h1;msgid=11;time=2026-12-07T10:00:02.000Z :xa!alice@localhost PRIVMSG #room :\x01ACTION waves\x01',
    ':srv BATCH -h1',
    ':srv 352 me #room alice localhost srv xa H@ :0 alice',
    ':srv 352 me #room amp1 amp srv amp1 H+ :0 amp1',
    ':srv 352 me #room ~b 127.0.0.1 srv bob H :0 Bob');
  const b = chat.buffer('#ROOM');
  assert.equal(b.topic, 'the topic');
  assert.deepEqual(b.messages.map((m) => [m.kind, m.nick, m.text]), [['privmsg', 'bob', 'old one'], ['action', 'xa', 'waves']]);
  assert.equal(b.historyDone, true);
  assert.equal(b.unread(), 1);
  assert.deepEqual([...b.members.values()].map((m) => [m.nick, m.prefixes, m.origin]),
    [['me', '~', 'irc'], ['xa', '@', 'xmpp'], ['amp1', '+', 'amp'], ['bob', '', 'irc']]);
  feed('@msgid=12;time=2026-12-07T10:00:03.000Z :amp1!amp1@amp PRIVMSG #room :<img src=x onerror=alert(1)>');
  assert.equal(b.messages.at(-1).text, '<img src=x onerror=alert(1)>');
  feed('@msgid=11;time=2026-12-07T10:00:02.000Z :xa!alice@localhost PRIVMSG #room :\x01ACTION waves\x01');
  assert.equal(b.messages.length, 3, 'a message seen twice is kept once');
  feed(':srv 311 me xa alice localhost * :alice', ':srv 312 me xa srv :reed (xmpp)');
  assert.equal(b.member('xa').originSure, true);
});

test('Chat: read markers, scroll-back, redaction, private messages', () => {
  const { chat, sent, feed } = chatWith();
  feed(':me!u@h JOIN #r');
  const b = chat.buffer('#r');
  b.historyPending = false;
  feed('@msgid=5;time=2026-12-07T10:00:00.000Z :bob!b@h PRIVMSG #r :hello',
    '@msgid=6;time=2026-12-07T10:00:05.000Z :me!u@h PRIVMSG #r :mine');
  sent.length = 0;
  assert.equal(chat.markRead(b), true);
  assert.deepEqual(sent, ['MARKREAD #r timestamp=2026-12-07T10:00:05.000Z']);
  assert.equal(chat.markRead(b), false, 'not twice for the same message');
  sent.length = 0;
  assert.equal(chat.history(b), true);
  assert.deepEqual(sent, ['CHATHISTORY BEFORE #r msgid=5 50']);
  assert.equal(chat.history(b), false, 'one request at a time');
  // Older messages stay before the reference, even when timestamps that
  // share or straddle a millisecond say otherwise.
  feed(':srv BATCH +z chathistory #r',
    '@batch=z;msgid=3;time=2026-12-07T09:59:59.000Z :bob!b@h PRIVMSG #r :three',
    '@batch=z;msgid=4;time=2026-12-07T10:00:00.001Z :bob!b@h PRIVMSG #r :four',
    '@batch=z;msgid=5;time=2026-12-07T10:00:00.000Z :bob!b@h PRIVMSG #r :hello',
    ':srv BATCH -z');
  assert.deepEqual(b.messages.map((m) => m.id), ['3', '4', '5', '6']);
  assert.equal(b.historyDone, true);
  feed('@msgid=6 :me!u@h REDACT #r 6');
  assert.deepEqual(b.messages.map((m) => m.id), ['3', '4', '5']);
  feed('@msgid=7;time=2026-12-07T10:00:06.000Z :Bob!b@h PRIVMSG me :psst',
    '@msgid=8;time=2026-12-07T10:00:07.000Z :me!u@h PRIVMSG bob :back');
  const q = chat.buffer('bob');
  assert.equal(q.kind, 'query');
  assert.deepEqual(q.messages.map((m) => [m.nick, m.text, m.self]), [['Bob', 'psst', false], ['me', 'back', true]]);
  feed(':Bob!b@h REDACT me 7');
  assert.deepEqual(q.messages.map((m) => m.id), ['8']);
  feed(':srv NOTICE me :server says');
  assert.equal(chat.server.messages.at(-1).text, 'server says');
});

test('Chat: nick changes, parts, quits, kicks, topic, list', () => {
  const { chat, feed } = chatWith();
  feed(':me!u@h JOIN #r', ':srv 353 me = #r :me bob', ':bob!b@h PRIVMSG me :hi');
  feed(':bob!b@h NICK rob');
  assert.ok(chat.buffer('#r').member('rob'));
  assert.equal(chat.buffer('rob').name, 'rob');
  feed(':me!u@h NICK me2');
  assert.equal(chat.me, 'me2');
  feed(':rob!b@h TOPIC #r :new topic');
  assert.equal(chat.buffer('#r').topic, 'new topic');
  feed(':rob!b@h QUIT :bye');
  assert.equal(chat.buffer('#r').member('rob'), undefined);
  feed(':op!o@h KICK #r me2 :out');
  assert.equal(chat.buffer('#r').joined, false);
  feed(':me2!u@h JOIN #s', ':me2!u@h PART #s :gone');
  assert.equal(chat.buffer('#s'), null);
  chat.list();
  feed(':srv 321 me2 Channel :Users Name', ':srv 322 me2 #a 2 :topic a', ':srv 322 me2 #b 5 :', ':srv 323 me2 :End');
  assert.deepEqual(chat.rooms.map((r) => [r.name, r.users]), [['#b', 5], ['#a', 2]]);
  assert.equal(chat.roomsDone, true);
});

test('Chat: without echo-message a sent line shows at once; long text split', () => {
  const { chat, sent } = chatWith([]);
  chat.say('#r', 'one\ntwo', false);
  chat.say('#r', 'waves', true);
  assert.deepEqual(sent.slice(-3), ['PRIVMSG #r one', 'PRIVMSG #r two', 'PRIVMSG #r \x01ACTION waves\x01']);
  assert.deepEqual(chat.buffer('#r').messages.map((m) => [m.kind, m.text]), [['privmsg', 'one'], ['privmsg', 'two'], ['action', 'waves']]);
});

test('commands: what the user types', () => {
  const cases = [
    ['hello', '#r', { op: 'say', target: '#r', text: 'hello', action: false }],
    ['//slash', '#r', { op: 'say', target: '#r', text: '/slash', action: false }],
    ['hello', '', { op: 'error' }],
    ['/me waves hi', '#r', { op: 'say', target: '#r', text: 'waves hi', action: true }],
    ['/join lobby', '#r', { op: 'join', room: '#lobby' }],
    ['/JOIN #a key', '', { op: 'join', room: '#a', key: 'key' }],
    ['/part', '#r', { op: 'part', room: '#r', reason: '' }],
    ['/part #x see you', '#r', { op: 'part', room: '#x', reason: 'see you' }],
    ['/topic new topic here', '#r', { op: 'topic', room: '#r', text: 'new topic here' }],
    ['/nick bob', '#r', { op: 'nick', nick: 'bob' }],
    ['/msg bob hi there', '#r', { op: 'say', target: 'bob', text: 'hi there', open: true }],
    ['/msg bob', '#r', { op: 'error' }],
    ['/query bob', '', { op: 'query', nick: 'bob' }],
    ['/list', '', { op: 'list' }],
    ['/frob', '', { op: 'error' }],
    ['   ', '#r', null],
  ];
  for (const [input, cur, want] of cases) {
    const got = parseInput(input, cur);
    if (want === null) assert.equal(got, null);
    else for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${input}: ${k}`);
  }
});

test('backoff: doubling, capped, in the upper half', () => {
  assert.equal(backoffDelay(0, 1000, 30000, () => 0), 500);
  assert.equal(backoffDelay(0, 1000, 30000, () => 1), 1000);
  assert.equal(backoffDelay(3, 1000, 30000, () => 1), 8000);
  assert.equal(backoffDelay(50, 1000, 30000, () => 1), 30000);
  assert.equal(socketUrl({ protocol: 'https:', host: 'h:1' }), 'wss://h:1/irc');
  assert.equal(socketUrl({ protocol: 'http:', host: 'h' }), 'ws://h/irc');
});

// A WebSocket stand-in: records what is sent, lets the test answer.
class FakeSocket {
  static last = null;
  constructor(url, protocols) {
    Object.assign(this, { url, protocols, sent: [], readyState: 1 });
    FakeSocket.last = this;
  }
  send(line) { this.sent.push(line); }
  close(code) { this.readyState = 3; this.onclose({ code, reason: '' }); }
  serve(...lines) { lines.forEach((l) => this.onmessage({ data: l })); }
}

function connection(extra) {
  const log = { status: [], msgs: [], timers: [] };
  const c = new Connection({
    url: 'ws://h/irc', nick: 'me', WebSocket: FakeSocket,
    setTimeout: (fn, ms) => log.timers.push([fn, ms]),
    onMessage: (m) => log.msgs.push(m), onStatus: (s, why) => log.status.push([s, why]),
    ...extra,
  });
  c.start();
  FakeSocket.last.onopen();
  return { c, ws: FakeSocket.last, log };
}

test('Connection: SASL PLAIN registration over the text subprotocol', () => {
  const { c, ws, log } = connection({ account: 'alice', password: 'secret' });
  assert.deepEqual(ws.protocols, ['text.ircv3.net']);
  assert.deepEqual(ws.sent, ['CAP LS 302', 'NICK me', 'USER alice 0 * :reed web client']);
  ws.serve(':srv CAP * LS * :sasl=PLAIN batch', ':srv CAP * LS :echo-message unknown-cap');
  assert.equal(ws.sent.at(-1), 'CAP REQ :batch echo-message sasl');
  ws.serve(':srv CAP * ACK :batch echo-message sasl');
  assert.equal(ws.sent.at(-1), 'AUTHENTICATE PLAIN');
  ws.serve('AUTHENTICATE +');
  assert.equal(ws.sent.at(-1), `AUTHENTICATE ${Buffer_b64('\0alice\0secret')}`);
  ws.serve(':srv 900 me me!u@h alice :logged in', ':srv 903 me :SASL ok');
  assert.equal(ws.sent.at(-1), 'CAP END');
  ws.serve(':srv 001 me :Welcome', 'PING :t1');
  assert.equal(ws.sent.at(-1), 'PONG t1');
  assert.deepEqual(log.status.at(-1), ['online', 'me']);
  assert.equal(c.has('echo-message'), true);
  assert.deepEqual(log.msgs.map((m) => m.command), ['900', '903', '001']);
});

test('Connection: a guest retries a taken nick; a lost link comes back', () => {
  const { ws, log } = connection({});
  ws.serve(':srv CAP * LS :sasl batch');
  assert.equal(ws.sent.at(-1), 'CAP REQ batch');
  ws.serve(':srv CAP * ACK batch');
  assert.equal(ws.sent.at(-1), 'CAP END');
  ws.serve(':srv 433 * me :in use');
  assert.equal(ws.sent.at(-1), 'NICK me_');
  ws.serve(':srv 001 me_ :Welcome');
  ws.onclose({ code: 1006, reason: '' });
  assert.equal(log.status.at(-1)[0], 'waiting');
  assert.equal(log.timers.length, 1);
  log.timers[0][0]();
  assert.notEqual(FakeSocket.last, ws, 'a new socket');
});

test('Connection: a refused login is not retried', () => {
  const { ws, log } = connection({ account: 'alice', password: 'bad' });
  ws.serve(':srv CAP * LS :sasl', ':srv CAP * ACK sasl', 'AUTHENTICATE +', ':srv 904 me :SASL authentication failed');
  assert.deepEqual(log.status.at(-1), ['failed', 'SASL authentication failed']);
  assert.equal(log.timers.length, 0);
});
