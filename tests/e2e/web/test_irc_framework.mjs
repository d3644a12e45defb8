// A client others wrote against reed's IRC WebSocket: irc-framework's
// browser bundle (its npm package's dist/browser/static/browser.js) in
// headless Chromium connects to /irc with the text.ircv3.net subprotocol,
// joins a room and talks with a TCP IRC client. The page comes from another
// origin on this machine (static.mjs), as a page hosting the library would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Reed } from './reed.mjs';
import { serve } from './static.mjs';
import { IrcPeer } from './ircpeer.mjs';
import * as B from './browser.mjs';

const require = createRequire(import.meta.url);
const bundle = join(dirname(require.resolve('irc-framework/package.json')), 'dist', 'browser', 'static', 'browser.js');

// The bundle's stream code (readable-stream) calls process.nextTick, which
// its webpack 5 build leaves to the page, as Kiwi IRC's build provides it.
const SHIM = `window.process = { env: {}, browser: true, version: '', stdout: null, stderr: null,
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)) };`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>irc-framework</title>
<script src="/shim.js"></script>
<script src="/irc-framework.js"></script>
<script src="/run.js"></script>`;

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
client.connect({ host: '127.0.0.1', port: REED_PORT, path: '/irc', tls: false,
  websocket_protocol: 'text.ircv3.net', nick: 'ifw', username: 'ifw', gecos: 'irc-framework', auto_reconnect: false });
window.client = client;
`;

let reed, browser, carol, page, site;

before(async () => {
  reed = await new Reed({ protos: ['irc', 'http'] }).start();
  browser = await B.launch();
});

after(async () => {
  if (carol) carol.close();
  if (browser) await browser.close();
  if (site) site.close();
  if (reed) await reed.stop();
});

test('irc-framework joins a room over /irc and talks with a TCP client', async () => {
  carol = await new IrcPeer(reed.port('irc'), 'carol').register();
  await carol.join('#compat');
  page = await B.newPage(browser);
  site = await serve({
    pages: {
      '/page.html': PAGE,
      '/shim.js': SHIM,
      '/irc-framework.js': readFileSync(bundle),
      '/run.js': RUN.replace('REED_PORT', String(reed.port('http'))),
    },
  });
  await page.goto(`${site.url}/page.html`);
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
