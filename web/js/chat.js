// The client's state: who we are, the server's ISUPPORT, the conversations
// (buffers), open batches and the room list; and what the user does, as IRC
// commands to send. Incoming lines are applied by handlers.js. No DOM: the
// UI hears of changes through onChange(what, buffer).
import { casefold, isChannel, applyIsupport, parsePrefix, makeAction, splitText, messageTime } from './irc.js';
import { Buffer, HISTORY_PAGE } from './buffer.js';
import { HANDLERS, numericError } from './handlers.js';

export class Chat {
  constructor(send, onChange, hasCap = () => true) {
    this.send = send; // (command, ...params) -> bool
    this.onChange = onChange;
    this.hasCap = hasCap;
    this.me = '';
    this.account = '';
    this.isupport = {};
    applyIsupport(this.isupport, ['CASEMAPPING=ascii', 'CHANTYPES=#', 'PREFIX=(qaov)~&@+']);
    this.prefix = parsePrefix(this.isupport.PREFIX);
    this.buffers = new Map();
    this.server = this.buffer('', 'server');
    this.batches = new Map();
    this.rooms = [];
    this.roomsDone = true;
  }

  fold(s) {
    return casefold(s, this.isupport.CASEMAPPING);
  }

  isChannel(name) {
    return isChannel(name || '', this.isupport.CHANTYPES);
  }

  isMe(nick) {
    return !!nick && this.fold(nick) === this.fold(this.me);
  }

  // The buffer of a room or a nick, made when `kind` is given.
  buffer(name, kind) {
    const key = this.fold(name);
    let b = this.buffers.get(key);
    if (!b && kind) {
      b = new Buffer(name, kind, (s) => this.fold(s));
      this.buffers.set(key, b);
      this.onChange('buffers', b);
    }
    return b || null;
  }

  dropBuffer(name) {
    const b = this.buffer(name);
    if (!b || b.kind === 'server') return;
    this.buffers.delete(this.fold(name));
    this.onChange('buffers', b);
  }

  // One parsed line from the server.
  handle(msg) {
    const batch = msg.tags.batch && this.batches.get(msg.tags.batch);
    if (batch && msg.command !== 'BATCH') {
      batch.lines.push(msg);
      return;
    }
    const h = HANDLERS[msg.command];
    if (h) h(this, msg);
    else if (/^[45]\d\d$/.test(msg.command)) numericError(this, msg);
  }

  note(buffer, text, time = Date.now()) {
    const b = buffer || this.server;
    b.add({ id: '', time, timeStr: '', nick: '', text, kind: 'event', self: false });
    this.onChange('messages', b);
  }

  // A message line (PRIVMSG or NOTICE) as the buffer keeps it.
  message(msg, kind, text) {
    return {
      id: msg.tags.msgid || '',
      time: messageTime(msg),
      timeStr: msg.tags.time || '',
      nick: msg.nick,
      account: msg.tags.account || '',
      text,
      kind,
      self: this.isMe(msg.nick),
    };
  }

  setIsupport(tokens) {
    applyIsupport(this.isupport, tokens);
    this.prefix = parsePrefix(this.isupport.PREFIX);
  }

  // ---- what the user does ----

  say(target, text, action = false) {
    for (const line of splitText(text)) {
      this.send('PRIVMSG', target, action ? makeAction(line) : line);
      if (!this.hasCap('echo-message')) {
        const b = this.buffer(target, this.isChannel(target) ? 'channel' : 'query');
        b.add({ id: '', time: Date.now(), timeStr: '', nick: this.me, text: line, kind: action ? 'action' : 'privmsg', self: true });
        this.onChange('messages', b);
      }
    }
  }

  join(name, key) {
    if (key) this.send('JOIN', name, key);
    else this.send('JOIN', name);
  }

  part(name, reason) {
    if (this.isChannel(name)) this.send('PART', name, reason || 'Leaving');
    this.dropBuffer(name);
  }

  query(nick) {
    const b = this.buffer(nick, 'query');
    if (b.messages.length === 0) this.history(b);
    return b;
  }

  // A page of history: the latest, or older than the oldest shown.
  history(b, latest = false) {
    if (b.kind === 'server' || (!latest && (b.historyPending || b.historyDone))) return false;
    if (!this.hasCap('draft/chathistory')) return false;
    const oldest = latest ? null : b.oldest();
    b.historyPending = true;
    b.historyRef = oldest ? oldest.id : '';
    const ref = oldest ? `msgid=${oldest.id}` : '*';
    this.send('CHATHISTORY', oldest ? 'BEFORE' : 'LATEST', b.name, ref, String(HISTORY_PAGE));
    return true;
  }

  // Moves the read marker to the newest message (draft/read-marker).
  markRead(b) {
    const last = b && b.kind !== 'server' ? b.newest() : null;
    if (!last || last.time <= b.marker) return false;
    b.marker = last.time;
    if (this.hasCap('draft/read-marker')) {
      this.send('MARKREAD', b.name, `timestamp=${last.timeStr || new Date(last.time).toISOString()}`);
    }
    this.onChange('unread', b);
    return true;
  }

  redact(b, id) {
    if (id) this.send('REDACT', b.name, id);
  }

  list() {
    this.rooms = [];
    this.roomsDone = false;
    this.send('LIST');
    this.onChange('rooms', null);
  }
}
