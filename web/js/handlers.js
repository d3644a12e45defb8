// What each line from the server does to the Chat's state: one handler per
// command or numeric, in one table.
import { actionText, parseNamesEntry, messageTime } from './irc.js';
import { guessOrigin, HISTORY_PAGE } from './buffer.js';

const last = (msg) => msg.params[msg.params.length - 1] || '';

// Where a message, a redaction or a marker belongs: a room, the other
// party of a private conversation, or the server buffer.
function conversation(chat, msg, target) {
  const t = target.replace(/^[~&@%+]+(?=#)/, ''); // STATUSMSG "@#room"
  if (chat.isChannel(t)) return chat.buffer(t, 'channel');
  if (!msg.source.includes('!')) return chat.server;
  return chat.buffer(chat.isMe(msg.nick) ? t : msg.nick, 'query');
}

function textMessage(chat, msg, kind) {
  const text = last(msg);
  const act = kind === 'privmsg' ? actionText(text) : null;
  if (act === null && /^\x01/.test(text)) return null; // other CTCP
  return chat.message(msg, act === null ? kind : 'action', act === null ? text : act);
}

function onText(kind) {
  return (chat, msg) => {
    if (msg.params.length < 2) return;
    const b = conversation(chat, msg, msg.params[0]);
    const m = textMessage(chat, msg, kind);
    if (m && b.add(m)) chat.onChange('messages', b);
  };
}

function eachBufferWith(chat, nick, fn) {
  for (const b of chat.buffers.values()) if (b.member(nick)) fn(b);
}

function memberFields(msg) {
  return { user: msg.user, host: msg.host, origin: guessOrigin(msg.host) };
}

function onJoin(chat, msg) {
  const name = msg.params[0];
  const b = chat.buffer(name, 'channel');
  const fields = memberFields(msg);
  if (msg.params.length >= 3 && msg.params[1] !== '*') fields.account = msg.params[1]; // extended-join
  b.setMember(msg.nick, fields);
  if (chat.isMe(msg.nick)) {
    b.joined = true;
    b.members.clear();
    b.setMember(msg.nick, fields);
    b.historyDone = false;
    chat.history(b, true);
    chat.send('WHO', name);
  } else {
    chat.note(b, `${msg.nick} joined`, messageTime(msg));
  }
  chat.onChange('members', b);
}

function leave(chat, b, nick, text, time) {
  if (!b || !b.dropMember(nick)) return;
  chat.note(b, text, time);
  chat.onChange('members', b);
}

function onPart(chat, msg) {
  const b = chat.buffer(msg.params[0]);
  if (chat.isMe(msg.nick)) return chat.dropBuffer(msg.params[0]);
  leave(chat, b, msg.nick, `${msg.nick} left${msg.params[1] ? ` (${msg.params[1]})` : ''}`, messageTime(msg));
}

function onKick(chat, msg) {
  const [room, nick] = msg.params;
  const b = chat.buffer(room);
  const text = `${nick} was kicked by ${msg.nick} (${msg.params[2] || ''})`;
  if (b && chat.isMe(nick)) {
    b.joined = false;
    b.members.clear();
    chat.note(b, text);
    chat.onChange('members', b);
    return;
  }
  leave(chat, b, nick, text, messageTime(msg));
}

function onQuit(chat, msg) {
  const time = messageTime(msg);
  eachBufferWith(chat, msg.nick, (b) => leave(chat, b, msg.nick, `${msg.nick} quit (${last(msg)})`, time));
}

function onNick(chat, msg) {
  const to = msg.params[0];
  if (chat.isMe(msg.nick)) {
    chat.me = to;
    chat.onChange('me', null);
  }
  eachBufferWith(chat, msg.nick, (b) => {
    b.renameMember(msg.nick, to);
    chat.note(b, `${msg.nick} is now ${to}`, messageTime(msg));
    chat.onChange('members', b);
  });
  const q = chat.buffer(msg.nick);
  if (q && q.kind === 'query' && !chat.buffer(to)) {
    chat.buffers.delete(chat.fold(msg.nick));
    q.name = to;
    chat.buffers.set(chat.fold(to), q);
    chat.onChange('buffers', q);
  }
}

function setTopic(chat, name, topic, note) {
  const b = chat.buffer(name, 'channel');
  b.topic = topic;
  if (note) chat.note(b, note);
  chat.onChange('topic', b);
}

function onNames(chat, msg) {
  const b = chat.buffer(msg.params[2], 'channel');
  for (const entry of last(msg).split(' ')) {
    if (!entry) continue;
    const e = parseNamesEntry(entry, chat.prefix);
    const fields = { prefixes: e.prefixes };
    if (e.host) Object.assign(fields, { user: e.user, host: e.host, origin: guessOrigin(e.host) });
    b.setMember(e.nick, fields);
  }
  chat.onChange('members', b);
}

// 352: <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
function onWho(chat, msg) {
  const [, room, user, host, , nick] = msg.params;
  const b = chat.buffer(room);
  if (!b || !b.member(nick)) return;
  const m = b.member(nick);
  b.setMember(nick, { user, host, origin: m.originSure ? m.origin : guessOrigin(host) });
  chat.onChange('members', b);
}

// 312 <me> <nick> <server> :reed (<origin>): exact, in every buffer.
function onWhoisServer(chat, msg) {
  const nick = msg.params[1];
  const m = /\((\w+)\)\s*$/.exec(last(msg));
  if (!m) return;
  eachBufferWith(chat, nick, (b) => {
    b.setMember(nick, { origin: m[1], originSure: true });
    chat.onChange('members', b);
  });
  chat.onChange('whois', { nick, origin: m[1] });
}

function onMarkread(chat, msg) {
  const [target, ts] = msg.params;
  const b = chat.buffer(target);
  if (!b || !ts) return;
  const t = ts.startsWith('timestamp=') ? Date.parse(ts.slice(10)) : 0;
  if (!Number.isNaN(t) && t > b.marker) b.marker = t;
  chat.onChange('unread', b);
}

function onRedact(chat, msg) {
  const b = conversation(chat, msg, msg.params[0]);
  if (b.remove(msg.params[1])) chat.onChange('messages', b);
}

function onBatch(chat, msg) {
  const ref = msg.params[0] || '';
  if (ref.startsWith('+')) {
    chat.batches.set(ref.slice(1), { type: msg.params[1], params: msg.params.slice(2), lines: [] });
    return;
  }
  const batch = chat.batches.get(ref.slice(1));
  chat.batches.delete(ref.slice(1));
  if (batch && batch.type === 'chathistory') historyBatch(chat, batch);
  else if (batch && batch.type === 'draft/chathistory-targets') targetsBatch(chat, batch);
  else if (batch) batch.lines.forEach((l) => chat.handle({ ...l, tags: { ...l.tags, batch: undefined } }));
}

function historyBatch(chat, batch) {
  const b = chat.buffer(batch.params[0], chat.isChannel(batch.params[0]) ? 'channel' : 'query');
  const page = [];
  for (const l of batch.lines) {
    const m = l.command === 'PRIVMSG' || l.command === 'NOTICE' ? textMessage(chat, l, l.command.toLowerCase()) : null;
    if (m) page.push(m);
  }
  if (b.historyRef) b.addOlder(page, b.historyRef);
  else page.forEach((m) => b.add(m));
  b.historyPending = false;
  if (batch.lines.length < HISTORY_PAGE) b.historyDone = true;
  chat.onChange('history', b);
}

// CHATHISTORY TARGETS: private conversations to list on login.
function targetsBatch(chat, batch) {
  for (const l of batch.lines) {
    const name = l.params[1];
    if (name && !chat.isChannel(name) && !chat.buffer(name)) chat.query(name);
  }
}

function onWelcome(chat, msg) {
  chat.me = msg.params[0];
  chat.onChange('me', null);
}

function onList(chat, msg) {
  const [, name, users] = msg.params;
  chat.rooms.push({ name, users: Number(users) || 0, topic: msg.params.length > 3 ? last(msg) : '' });
}

function onListEnd(chat) {
  chat.roomsDone = true;
  chat.rooms.sort((a, b) => b.users - a.users || a.name.localeCompare(b.name));
  chat.onChange('rooms', null);
}

function onFail(chat, msg) {
  chat.note(null, `${msg.params[0]} failed: ${last(msg)}`);
}

export function numericError(chat, msg) {
  const about = msg.params.length > 2 ? `${msg.params[1]}: ` : '';
  const b = msg.params.length > 2 ? chat.buffer(msg.params[1]) : null;
  chat.note(b, `${about}${last(msg)}`);
}

function onServerText(chat, msg) {
  chat.note(chat.server, last(msg), messageTime(msg));
}

function onAccount(chat, msg) {
  eachBufferWith(chat, msg.nick, (b) => b.setMember(msg.nick, { account: msg.params[0] === '*' ? '' : msg.params[0] }));
}

function onChghost(chat, msg) {
  const [user, host] = msg.params;
  eachBufferWith(chat, msg.nick, (b) => {
    const m = b.member(msg.nick);
    b.setMember(msg.nick, { user, host, origin: m.originSure ? m.origin : guessOrigin(host) });
    chat.onChange('members', b);
  });
}

export const HANDLERS = {
  '001': onWelcome,
  '005': (chat, msg) => chat.setIsupport(msg.params.slice(1, -1)),
  '900': (chat, msg) => { chat.account = msg.params[2] || ''; chat.onChange('me', null); },
  '312': onWhoisServer,
  '321': () => {},
  '322': onList,
  '323': onListEnd,
  '331': (chat, msg) => setTopic(chat, msg.params[1], ''),
  '332': (chat, msg) => setTopic(chat, msg.params[1], last(msg)),
  '352': onWho,
  '353': onNames,
  '372': onServerText,
  '375': onServerText,
  '376': onServerText,
  '422': onServerText,
  PRIVMSG: onText('privmsg'),
  NOTICE: onText('notice'),
  JOIN: onJoin,
  PART: onPart,
  KICK: onKick,
  QUIT: onQuit,
  NICK: onNick,
  TOPIC: (chat, msg) => setTopic(chat, msg.params[0], last(msg), `${msg.nick} set the topic: ${last(msg)}`),
  MARKREAD: onMarkread,
  REDACT: onRedact,
  BATCH: onBatch,
  FAIL: onFail,
  ACCOUNT: onAccount,
  CHGHOST: onChghost,
  ERROR: onServerText,
};
