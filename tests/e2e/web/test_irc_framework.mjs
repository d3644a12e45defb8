// A client others wrote against reed's IRC WebSocket: irc-framework's
// browser bundle (its npm package's dist/browser/static/browser.js) in
// headless Chromium connects to /irc with the text.ircv3.net subprotocol,
// joins a room and talks with a TCP IRC client. The page is served by the
// test under reed's own origin (a routed URL), so the WebSocket is
// same-origin as the web client's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Reed } from './reed.mjs';
import { IrcPeer } from './ircpeer.mjs';
import * as B from './browser.mjs';

const require = createRequire(import.meta.url);
const bundle = join(dirname(require.resolve('irc-framework/package.json')), 'dist', 'browser', 'static', 'browser.js');

const PAGE = `<!doctype html><meta charset="utf-8"><title>irc-framework</title>
<script src="/compat/irc-framework.js"></script>
<script src="/compat/run.js"></script>`;

// Runs in the page: connect, join #compat, say hello, record what arrives.
const RUN = `
window.seen = [];
window.state = 'connecting';
const IRC = window['irc-framework'];
const client = new IRC.Client();
client.on('registered', () => { window.state = 'registered'; client.join('#compat'); });
client.on('join', (e) => { if (e.nick === client.user.nick) { window.state = 'joined'; client.say('#compat', 'hello from irc-framework'); } });
client.on('message', (e) => window.seen.push(e.nick + ': ' + e.message));
client.on('close', () => { window.state = 'closed'; });
client.connect({ host: location.hostname, port: Number(location.port), path: '/irc', tls: false,
  websocket_protocol: 'text.ircv3.net', nick: 'ifw', username: 'ifw', gecos: 'irc-framework', auto_reconnect: false });
window.client = client;
`;

let reed, browser, carol, page;

before(async () => {
  reed = await new Reed({ protos: ['irc', 'http'] }).start();
  browser = await B.launch();
});

after(async () => {
  if (carol) carol.close();
  if (browser) await browser.close();
  if (reed) await reed.stop();
});

test('irc-framework joins a room over /irc and talks with a TCP client', async () => {
  carol = await new IrcPeer(reed.port('irc'), 'carol').register();
  await carol.join('#compat');
  page = await B.newPage(browser);
  await page.route(`${reed.url}compat/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/compat/page.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (path === '/compat/irc-framework.js') return route.fulfill({ contentType: 'text/javascript', body: readFileSync(bundle) });
    if (path === '/compat/run.js') return route.fulfill({ contentType: 'text/javascript', body: RUN });
    return route.fulfill({ status: 404, body: 'no' });
  });
  await page.goto(`${reed.url}compat/page.html`);
  await page.waitForFunction(() => window.state === 'joined');
  await carol.expect('PRIVMSG #compat :hello from irc-framework');
  carol.send('PRIVMSG #compat :hello from tcp');
  await page.waitForFunction(() => window.seen.includes('carol: hello from tcp'));
  carol.send('PRIVMSG ifw :a private word');
  await page.waitForFunction(() => window.seen.includes('carol: a private word'));
  const proto = await page.evaluate(() => window.client.connection.transport.socket.protocol);
  assert.equal(proto, 'text.ircv3.net');
  B.checkPage(page, 'irc-framework');
  await B.shot(page, 'irc-framework');
});
