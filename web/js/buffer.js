// One conversation (a room, a private conversation, or the server's
// notices): its messages in time order without duplicates, its members,
// topic, read marker and unread count. No DOM.

export const MAX_MESSAGES = 2000;
export const HISTORY_PAGE = 50; // messages per CHATHISTORY request

// reed's hosts say where a member comes from: AMP sessions show "amp", bots
// "reed/bot"; IRC connections their address; XMPP sessions the XMPP domain.
// WHOIS (312 "reed (<origin>)") is exact and replaces this guess.
export function guessOrigin(host) {
  if (!host) return '';
  if (host === 'amp') return 'amp';
  if (host === 'reed/bot') return 'bot';
  if (/^[0-9.]+$/.test(host) || /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/.test(host)) return 'irc';
  return 'xmpp';
}

export class Buffer {
  constructor(name, kind, fold) {
    this.name = name; // as shown: "#room", "nick", or "" for the server
    this.kind = kind; // 'channel' | 'query' | 'server'
    this.fold = fold;
    this.messages = [];
    this.ids = new Set();
    this.members = new Map(); // folded nick -> member
    this.topic = '';
    this.joined = false;
    this.marker = 0; // read up to this time (ms)
    this.historyDone = false; // no older messages on the server
    this.historyPending = false;
  }

  // Inserts in time order; false for a message already here (by msgid).
  add(m) {
    if (m.id && this.ids.has(m.id)) return false;
    if (m.id) this.ids.add(m.id);
    let i = this.messages.length;
    while (i > 0 && this.messages[i - 1].time > m.time) i--;
    this.messages.splice(i, 0, m);
    if (this.messages.length > MAX_MESSAGES) {
      const gone = this.messages.shift();
      if (gone.id) this.ids.delete(gone.id);
      this.historyDone = false;
    }
    return true;
  }

  // A page of older history (CHATHISTORY BEFORE the message `refId`), in
  // the server's order: kept together just before that message, whatever
  // the timestamps say (several messages share a millisecond). Returns how
  // many were new.
  addOlder(list, refId) {
    const fresh = list.filter((m) => !(m.id && this.ids.has(m.id)));
    if (fresh.length === 0) return 0;
    for (const m of fresh) if (m.id) this.ids.add(m.id);
    let i = this.messages.findIndex((m) => m.id === refId);
    if (i < 0) i = this.messages.findIndex((m) => m.time >= fresh[fresh.length - 1].time);
    this.messages.splice(i < 0 ? this.messages.length : i, 0, ...fresh);
    return fresh.length;
  }

  remove(id) {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i < 0) return false;
    this.messages.splice(i, 1);
    this.ids.delete(id);
    return true;
  }

  oldest() {
    return this.messages.find((m) => m.id) || null;
  }

  newest() {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].id || this.messages[i].timeStr) return this.messages[i];
    }
    return null;
  }

  // Messages from others after the read marker.
  unread() {
    let n = 0;
    for (const m of this.messages) {
      if (m.time > this.marker && !m.self && m.kind !== 'event') n++;
    }
    return n;
  }

  member(nick) {
    return this.members.get(this.fold(nick));
  }

  setMember(nick, fields) {
    const key = this.fold(nick);
    const m = this.members.get(key) || { nick, prefixes: '', user: '', host: '', account: '', origin: '' };
    Object.assign(m, fields, { nick });
    this.members.set(key, m);
    return m;
  }

  dropMember(nick) {
    return this.members.delete(this.fold(nick));
  }

  renameMember(from, to) {
    const m = this.member(from);
    if (!m) return false;
    this.members.delete(this.fold(from));
    m.nick = to;
    this.members.set(this.fold(to), m);
    return true;
  }
}
