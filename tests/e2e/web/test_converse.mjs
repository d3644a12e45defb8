// A client others wrote against reed's XMPP WebSocket (RFC 7395):
// Converse.js (the converse.js npm package's dist/ bundle) in headless
// Chromium with websocket_url set to /xmpp-websocket and no connection
// discovery logs in with an account registered on reed, joins a MUC room,
// and exchanges messages with a TCP IRC client in the same room (#lobby on
// IRC). The page and Converse's files come from another origin on this
// machine (static.mjs), as a site hosting Converse would serve them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Reed } from './reed.mjs';
import { serve } from './static.mjs';
import { IrcPeer } from './ircpeer.mjs';
import * as B from './browser.mjs';

// The package's exports map hides its files from require.resolve.
const dist = join(dirname(fileURLToPath(import.meta.url)), 'node_modules', 'converse.js', 'dist');

function page(ws) {
  const config = {
    websocket_url: ws, discover_connection_methods: false, assets_path: '/converse/',
    authentication: 'login', auto_login: true, jid: 'erin@localhost', password: 'erin-password',
    auto_join_rooms: [{ jid: 'lobby@conference.localhost', nick: 'erin' }],
    view_mode: 'fullscreen', loglevel: 'info', play_sounds: false, show_send_button: true,
    muc_show_logs_before_join: true, i18n: 'en', whitelisted_plugins: [], blacklisted_plugins: [],
  };
  return `<!doctype html><html><head><meta charset="utf-8"><title>Converse</title>
<link rel="stylesheet" href="/converse/converse.min.css"></head><body class="converse-fullscreen">
<script type="module" src="/converse/converse.min.js"></script>
<script type="module">window.converse.initialize(${JSON.stringify(config)});</script></body></html>`;
}

let reed, browser, carol, site;

before(async () => {
  reed = await new Reed({ protos: ['irc', 'xmpp', 'http'], extra: { xmpp: { require_tls: 'no' } } }).start();
  reed.addAccount('erin', 'erin-password');
  browser = await B.launch();
});

after(async () => {
  if (carol) carol.close();
  if (browser) await browser.close();
  if (site) site.close();
  if (reed) await reed.stop();
});

test('Converse.js joins a MUC room over /xmpp-websocket and talks with IRC', async () => {
  carol = await new IrcPeer(reed.port('irc'), 'carol').register();
  await carol.join('#lobby');
  const p = await B.newPage(browser);
  const ws = `ws://127.0.0.1:${reed.port('http')}/xmpp-websocket`;
  site = await serve({ pages: { '/index.html': page(ws) }, dirs: { '/converse/': dist } });
  await p.goto(`${site.url}/index.html`);
  await carol.wait((l) => l.startsWith(':erin!') && / JOIN :?#lobby/.test(l), 'erin joining #lobby', 30000);
  const box = p.locator('converse-muc textarea.chat-textarea');
  await box.waitFor({ timeout: 30000 });
  await box.fill('hello from converse');
  await box.press('Enter');
  await carol.expect('PRIVMSG #lobby :hello from converse');
  carol.send('PRIVMSG #lobby :hello from irc');
  await p.locator('.chat-msg__text', { hasText: 'hello from irc' }).first().waitFor();
  assert.ok(await p.locator('.chat-msg__text', { hasText: 'hello from converse' }).first().isVisible());
  await B.shot(p, 'converse');
  assert.deepEqual(p.dialogs, []);
});

test("reed's web client shows the Converse.js user as an XMPP member", async () => {
  const web = await B.newPage(browser);
  await B.login(web, reed.url, { nick: 'gus', rooms: ['#lobby'] });
  await B.waitMember(web, 'erin', 'xmpp');
  await B.waitMember(web, 'carol', 'irc');
  await B.waitMessage(web, 'hello from converse');
  B.checkPage(web, 'web client');
});
