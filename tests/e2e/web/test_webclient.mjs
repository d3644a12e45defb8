// reed's web client in headless Chromium, in one room with a TCP IRC client
// and an AMP client on the real reed: everyone sees everyone's messages and
// where each member comes from, /me and the topic cross, history comes back
// after a reload, a redaction disappears for the others, unread counts and
// read markers, scroll-back, a private conversation, a nick change, reconnecting after
// the server cut the link, and markup in a message stays text. Screenshots are kept in the build directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Reed } from './reed.mjs';
import { IrcPeer } from './ircpeer.mjs';
import { AmpPeer } from './amppeer.mjs';
import * as B from './browser.mjs';

const XSS = '<img src=x onerror=alert(1)>';
let reed, browser, ann, bob, carol, dave;

before(async () => {
  reed = await new Reed({ protos: ['irc', 'amp', 'http'], extra: { irc: { oper: 'root rootpw', flood_exempt: '127.0.0.1' } } }).start();
  reed.addAccount('ann', 'ann-password');
  browser = await B.launch();
});

after(async () => {
  if (carol) carol.close();
  if (dave) await dave.close();
  if (browser) await browser.close();
  if (reed) await reed.stop();
});

test('an IRC client and an AMP client are in #lobby', async () => {
  carol = await new IrcPeer(reed.port('irc'), 'carol').register();
  await carol.join('#lobby');
  dave = new AmpPeer(reed.port('amp'));
  await dave.call('register', { user: 'dave', password: 'pw' });
  await dave.call('join', { room: 'lobby' });
  await carol.expect('JOIN');
});

test('two browser users log in, one with an account (SASL), one as a guest', async () => {
  ann = await B.newPage(browser);
  await B.login(ann, reed.url, { account: 'ann', password: 'ann-password', rooms: ['#lobby'] });
  bob = await B.newPage(browser, { width: 390, height: 780 }); // a phone
  await B.login(bob, reed.url, { nick: 'bob', rooms: ['#lobby'] });
  await carol.wait((l) => / JOIN /.test(l) && l.startsWith(':bob!'), 'bob joining');
  await B.openBuffer(ann, '#lobby');
  await ann.waitForSelector('#me:text("account ann")');
});

test('members show where they come from', async () => {
  await B.waitMember(ann, 'dave', 'amp');
  await B.waitMember(ann, 'carol', 'irc');
  await B.waitMember(ann, 'bob', 'irc');
  await B.waitMember(ann, 'ann');
  const origins = await B.members(ann);
  assert.deepEqual(Object.keys(origins).sort(), ['ann', 'bob', 'carol', 'dave']);
  const label = await ann.textContent('#member-list li[data-nick="dave"] .origin');
  assert.equal(label, 'AMP');
});

test('messages cross between the browsers, IRC and AMP', async () => {
  await B.type(ann, 'hello from ann');
  await B.waitMessage(bob, 'hello from ann');
  await carol.expect('PRIVMSG #lobby :hello from ann');
  await dave.call('wait', { event: 'Receive', text: 'hello from ann' });

  carol.send('PRIVMSG #lobby :hello from carol');
  await B.waitMessage(ann, 'hello from carol');
  await B.waitMessage(bob, 'hello from carol');
  await dave.call('wait', { event: 'Receive', text: 'hello from carol' });

  await dave.call('say', { room: 'lobby', text: 'hello from dave' });
  await B.waitMessage(ann, 'hello from dave');
  await B.waitMessage(bob, 'hello from dave');
  await carol.expect('PRIVMSG #lobby :hello from dave');

  await B.type(bob, '/me waves');
  await B.waitMessage(ann, 'waves');
  await carol.expect('PRIVMSG #lobby :\x01ACTION waves\x01');
  assert.equal(await ann.textContent('#messages .msg.action .nick'), '* bob');
});

test('markup in a message is shown as text, never run', async () => {
  carol.send(`PRIVMSG #lobby :${XSS}`);
  await B.type(ann, `ann says ${XSS}`);
  for (const page of [ann, bob]) {
    await B.waitMessage(page, XSS);
    await B.waitMessage(page, `ann says ${XSS}`);
    assert.equal(await page.locator('#messages img').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.ok(await page.getByText(XSS, { exact: true }).isVisible());
  }
  B.checkPage(ann, 'ann');
  B.checkPage(bob, 'bob');
});

test('the topic: set by an op on IRC, refused to a member who is not one', async () => {
  carol.send('TOPIC #lobby :the lobby of reed');
  await bob.waitForSelector('#topic:text-is("the lobby of reed")');
  await ann.waitForSelector('#topic:text-is("the lobby of reed")');
  await B.type(ann, '/topic mine now');
  await ann.waitForSelector('#messages .msg.event:has-text("not channel operator")');
  assert.equal(await ann.textContent('#topic'), 'the lobby of reed');
});

test('a redaction removes the message for the others', async () => {
  await B.type(ann, 'oops, a secret');
  await B.waitMessage(bob, 'oops, a secret');
  await carol.expect('PRIVMSG #lobby :oops, a secret');
  const item = ann.locator('#messages .msg.self', { hasText: 'oops, a secret' });
  await item.locator('button.redact').click();
  await B.waitNoMessage(bob, 'oops, a secret');
  await B.waitNoMessage(ann, 'oops, a secret');
  await B.shot(ann, 'webclient-desktop');
  await B.shot(bob, 'webclient-phone');
});

test('history is shown again after a reload, without the redacted message', async () => {
  await bob.reload();
  await B.login(bob, reed.url, { nick: 'bob', rooms: ['#lobby'] });
  await B.openBuffer(bob, '#lobby');
  for (const t of ['hello from ann', 'hello from carol', 'hello from dave', 'waves', XSS]) await B.waitMessage(bob, t);
  assert.ok(!(await B.messages(bob)).includes('oops, a secret'));
});

test('unread counts, and read markers moved when the room is opened', async () => {
  await B.type(bob, '/join #side');
  await bob.waitForSelector('#title:text-is("#side")');
  await B.type(bob, '/topic where bob talks');
  await bob.waitForSelector('#topic:text-is("where bob talks")');
  carol.send('PRIVMSG #lobby :one unread');
  carol.send('PRIVMSG #lobby :two unread');
  await bob.waitForSelector('#buffers li[data-name="#lobby"] .badge:text-is("2")');
  assert.match(await bob.title(), /^\(2\) reed$/);
  await B.openBuffer(bob, '#lobby');
  await bob.waitForSelector('#buffers li[data-name="#lobby"] .badge', { state: 'detached' });
  await bob.waitForSelector('#messages .unread-line');
  // ann reads in #lobby: her marker moves, and a second session of her
  // account (a second page) learns it from the server.
  await B.waitMessage(ann, 'two unread');
  const ann2 = await B.newPage(browser);
  await B.login(ann2, reed.url, { account: 'ann', password: 'ann-password', rooms: ['#lobby'] });
  await ann2.waitForSelector('#buffers li[data-name="#lobby"]:not([data-count="0"])');
  assert.equal(await ann2.locator('#buffers li[data-name="#lobby"] .badge').count(), 0);
  await ann2.close();
});

test('a private conversation, and a nick change', async () => {
  carol.send('PRIVMSG bob :psst, bob');
  await bob.waitForSelector('#buffers li[data-name="carol"]');
  await B.openBuffer(bob, 'carol');
  await B.waitMessage(bob, 'psst, bob');
  await B.type(bob, 'hi carol');
  await carol.expect('PRIVMSG carol :hi carol');
  await B.type(bob, '/nick bobby');
  await carol.wait((l) => l.startsWith(':bob!') && l.includes(' NICK '), 'the nick change');
  await ann.waitForSelector('#member-list li[data-nick="bobby"]');
  B.checkPage(ann, 'ann');
  B.checkPage(bob, 'bob');
});

test('the room list shows rooms and joins one', async () => {
  await ann.click('#rooms-btn');
  await ann.waitForSelector('#room-list li[data-room="#side"] .room-topic:text-is("where bob talks")');
  await ann.click('#room-list li[data-room="#side"]');
  await ann.waitForSelector('#title:text-is("#side")');
  await B.waitMember(ann, 'bobby');
  await B.type(ann, '/part');
  await ann.waitForSelector('#buffers li[data-name="#side"]', { state: 'detached' });
});

test('a cut link comes back: the client reconnects and joins its rooms again', async () => {
  carol.send('OPER root rootpw');
  await carol.expect(' 381 ');
  const before = carol.lines.length;
  carol.send('KILL bobby :testing the reconnect');
  await bob.waitForSelector('#status.off');
  await carol.wait((l) => carol.lines.indexOf(l) >= before && l.startsWith(':bobby!') && / JOIN /.test(l), 'bobby back in a room', 30000);
  await bob.waitForSelector('#status:text-is("online")');
  carol.send('PRIVMSG #lobby :welcome back');
  await B.openBuffer(bob, '#lobby');
  await B.waitMessage(bob, 'welcome back');
  B.checkPage(bob, 'bob');
});

test('scroll-back: the latest 50 on joining, older ones on scrolling up', async () => {
  await carol.join('#long');
  for (let i = 1; i <= 70; i++) carol.send(`PRIVMSG #long :old ${i}`);
  carol.send('PING :all-sent');
  await carol.wait((l) => / PONG /.test(l) && l.endsWith('all-sent'), 'the PONG after the messages');
  await B.type(ann, '/join #long');
  await ann.waitForSelector('#title:text-is("#long")');
  await B.waitMessage(ann, 'old 70');
  await B.waitMessage(ann, 'old 21');
  assert.ok(!(await B.messages(ann)).includes('old 20'));
  // Scrolling to the top asks for the older ones (as the button does).
  await ann.evaluate(() => { document.querySelector('#log').scrollTop = 0; });
  await B.waitMessage(ann, 'old 1');
  const texts = (await B.messages(ann)).filter((t) => t.startsWith('old '));
  assert.deepEqual(texts, Array.from({ length: 70 }, (_, i) => `old ${i + 1}`));
  await ann.waitForSelector('#older', { state: 'hidden' });
});
