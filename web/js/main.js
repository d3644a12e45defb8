// The page: the login form, then one Connection and one Chat drawn by
// view.js; what the user types goes through commands.js.
import { Connection, socketUrl } from './conn.js';
import { Chat } from './chat.js';
import { parse } from './irc.js';
import { parseInput } from './commands.js';
import * as view from './view.js';
import { openRooms, renderRooms } from './rooms.js';
import * as settings from './settings.js';
import { $ } from './dom.js';

const ui = { conn: null, chat: null, active: null, readLine: 0, pending: '', prefs: settings.load() };

function showLogin(error) {
  $('#app').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = error || '';
  if ($('#rooms').open) $('#rooms').close();
}

function setMode(mode) {
  $('#login').classList.toggle('account', mode === 'account');
  $(`#mode-${mode}`).checked = true;
}

function setupLogin() {
  const p = ui.prefs;
  $('#nick').value = p.nick;
  $('#account').value = p.account;
  $('#autojoin').value = p.rooms.join(' ');
  setMode(p.mode);
  for (const r of document.querySelectorAll('input[name=mode]')) r.addEventListener('change', () => setMode(r.value));
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const mode = $('#mode-account').checked ? 'account' : 'guest';
    const nick = (mode === 'account' ? $('#account').value : $('#nick').value).trim();
    if (!/^[^\s,*?!@#:][^\s,*?!@:]*$/.test(nick)) {
      $('#login-error').textContent = mode === 'account' ? 'Enter your account name' : 'Choose a nick (no spaces)';
      return;
    }
    const rooms = $('#autojoin').value.split(/[\s,]+/).filter(Boolean).map((r) => (r.startsWith('#') ? r : `#${r}`));
    Object.assign(ui.prefs, { mode, rooms, nick: mode === 'guest' ? nick : ui.prefs.nick, account: mode === 'account' ? nick : ui.prefs.account });
    settings.save(ui.prefs);
    connect(nick, mode === 'account' ? nick : '', $('#password').value);
  });
}

function connect(nick, account, password) {
  if (ui.conn) ui.conn.quit();
  ui.chat = null;
  ui.active = null;
  const chat = new Chat((cmd, ...p) => ui.conn.send(cmd, ...p), changed, (c) => ui.conn.has(c));
  ui.chat = chat;
  ui.conn = new Connection({
    url: socketUrl(location), nick, account, password,
    onMessage: (m) => chat.handle(m),
    onStatus: status,
  });
  $('#login').hidden = true;
  $('#app').hidden = false;
  pick(chat.server);
  ui.conn.start();
}

function status(state, why) {
  const chat = ui.chat;
  if (state === 'online') {
    view.setStatus('online');
    const rooms = new Set(ui.prefs.rooms);
    for (const b of chat.buffers.values()) if (b.kind === 'channel') rooms.add(b.name);
    if (ui.active === chat.server && rooms.size) ui.pending = chat.fold([...rooms][0]);
    for (const r of rooms) chat.join(r);
    if (chat.account || ui.conn.opts.account) chat.send('CHATHISTORY', 'TARGETS', `timestamp=${new Date().toISOString()}`, 'timestamp=1970-01-01T00:00:00.000Z', '50');
  } else if (state === 'connecting') {
    view.setStatus('connecting\u2026');
  } else if (state === 'waiting') {
    view.setStatus(why, true);
    for (const b of chat.buffers.values()) b.joined = false;
  } else if (state === 'failed') {
    showLogin(why);
  } else if (state === 'closed') {
    view.setStatus('disconnected', true);
  }
}

function changed(what, b) {
  const chat = ui.chat;
  if (!chat || !ui.active) return; // the Chat being made
  if (what === 'buffers') {
    if (b && chat.buffer(b.name) === b && chat.fold(b.name) === ui.pending) {
      ui.pending = '';
      return pick(b);
    }
    if (!chat.buffer(ui.active.name)) return pick(chat.server);
    view.renderBuffers(chat, ui.active, pick);
  } else if (what === 'messages' || what === 'history') {
    if (b === ui.active) {
      view.renderMessages(b, ui.readLine, redact);
      if (what === 'messages') markRead();
    }
    view.renderBuffers(chat, ui.active, pick);
  } else if (what === 'unread') {
    view.renderBuffers(chat, ui.active, pick);
  } else if (what === 'members' && b === ui.active) {
    view.renderMembers(chat, b, pickMember);
  } else if (what === 'topic' || what === 'me') {
    if (what === 'me' && ui.conn && chat.me) ui.conn.opts.nick = chat.me; // kept across reconnects
    view.renderHeader(chat, ui.active);
  } else if (what === 'rooms' && $('#rooms').open) {
    renderRooms(chat, joinFromList);
  }
}

function markRead() {
  if (document.visibilityState === 'visible') ui.chat.markRead(ui.active);
}

function pick(b) {
  ui.active = b;
  ui.readLine = b.marker;
  $('#app').classList.remove('show-side', 'show-members');
  view.renderHeader(ui.chat, b);
  view.renderBuffers(ui.chat, b, pick);
  view.renderMembers(ui.chat, b, pickMember);
  $('#log').scrollTop = 0;
  view.renderMessages(b, ui.readLine, redact);
  $('#log').scrollTop = $('#log').scrollHeight;
  markRead();
  $('#input').focus();
}

function pickMember(m) {
  ui.chat.send('WHOIS', m.nick);
  if (!ui.chat.isMe(m.nick)) pick(ui.chat.query(m.nick));
}

function redact(m) {
  ui.chat.redact(ui.active, m.id);
}

function joinFromList(name) {
  $('#rooms').close();
  join(name);
}

function join(name) {
  const b = ui.chat.buffer(name);
  if (b && b.joined) return pick(b);
  ui.pending = ui.chat.fold(name);
  if (!ui.prefs.rooms.includes(name)) ui.prefs.rooms.push(name);
  settings.save(ui.prefs);
  ui.chat.join(name);
}

function part(name, reason) {
  ui.prefs.rooms = ui.prefs.rooms.filter((r) => ui.chat.fold(r) !== ui.chat.fold(name));
  settings.save(ui.prefs);
  ui.chat.part(name, reason);
}

const ACTIONS = {
  say: (a) => {
    ui.chat.say(a.target, a.text, a.action);
    if (a.open) pick(ui.chat.query(a.target));
  },
  join: (a) => join(a.room),
  part: (a) => part(a.room, a.reason),
  topic: (a) => (a.text ? ui.chat.send('TOPIC', a.room, a.text) : ui.chat.note(ui.active, `Topic: ${ui.active.topic || '(none)'}`)),
  nick: (a) => ui.chat.send('NICK', a.nick),
  query: (a) => pick(ui.chat.query(a.nick)),
  list: () => openRooms(ui.chat, joinFromList),
  whois: (a) => ui.chat.send('WHOIS', a.nick),
  quit: (a) => logout(a.reason),
  raw: (a) => {
    const msg = parse(a.line);
    if (msg) ui.conn.sendMsg({ tags: msg.tags, command: msg.command, params: msg.params });
  },
  help: (a) => ui.chat.note(ui.active, a.text),
  error: (a) => ui.chat.note(ui.active, a.text),
};

function submit(ev) {
  ev.preventDefault();
  const input = $('#input');
  const act = parseInput(input.value, ui.active.kind === 'server' ? '' : ui.active.name);
  if (!act) return;
  try {
    ACTIONS[act.op](act);
    input.value = '';
  } catch (e) {
    ui.chat.note(ui.active, String(e.message || e));
  }
}

function logout(reason) {
  if (ui.conn) ui.conn.quit(reason || 'Leaving');
  ui.conn = null;
  showLogin('');
}

function scrolled() {
  if ($('#log').scrollTop < 30 && ui.active) ui.chat.history(ui.active);
}

function setupApp() {
  $('#composer').addEventListener('submit', submit);
  $('#join-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('#join-name').value.trim();
    if (v) join(v.startsWith('#') ? v : `#${v}`);
    $('#join-name').value = '';
  });
  $('#rooms-btn').addEventListener('click', () => openRooms(ui.chat, joinFromList));
  $('#logout').addEventListener('click', () => logout());
  $('#older').addEventListener('click', () => ui.chat.history(ui.active));
  $('#log').addEventListener('scroll', scrolled, { passive: true });
  $('#toggle-side').addEventListener('click', () => $('#app').classList.toggle('show-side'));
  $('#toggle-members').addEventListener('click', () => $('#app').classList.toggle('show-members'));
  document.addEventListener('visibilitychange', () => ui.active && markRead());
}

setupLogin();
setupApp();
