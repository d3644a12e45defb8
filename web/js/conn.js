// The WebSocket to reed's /irc (IRCv3 websocket: one line per message, the
// text.ircv3.net subprotocol), registration (CAP, SASL PLAIN, NICK/USER)
// and reconnection with backoff. Lines reach `onMessage` parsed; the state
// of the link reaches `onStatus`.
import { parse, serialize, parseCaps, saslPlain } from './irc.js';

// What the client uses of reed's capabilities (protocols/irc/irc_cap.c).
export const WANTED_CAPS = [
  'message-tags', 'server-time', 'batch', 'echo-message', 'multi-prefix',
  'account-tag', 'account-notify', 'away-notify', 'extended-join', 'chghost',
  'setname', 'userhost-in-names', 'draft/chathistory', 'draft/read-marker',
  'draft/message-redaction', 'sasl',
];

// Delay before reconnect attempt n (0-based): doubling from `base` up to
// `max`, drawn from the upper half so that clients do not come back in step.
export function backoffDelay(attempt, base = 1000, max = 30000, rand = Math.random) {
  const d = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(d / 2 + (rand() * d) / 2);
}

export function socketUrl(loc) {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/irc`;
}

export class Connection {
  // opts: {url, nick, account?, password?, onMessage(msg), onStatus(s, why),
  //        WebSocket?, setTimeout?}
  constructor(opts) {
    this.opts = opts;
    this.WS = opts.WebSocket || globalThis.WebSocket;
    this.later = opts.setTimeout || globalThis.setTimeout.bind(globalThis);
    this.attempt = 0;
    this.closedByUser = false;
    this.ws = null;
    this.timer = null;
  }

  start() {
    this.closedByUser = false;
    this.failed = false;
    this.open();
  }

  open() {
    this.reg = { caps: new Map(), acked: new Set(), done: false, nick: this.opts.nick };
    this.opts.onStatus('connecting');
    const ws = new this.WS(this.opts.url, ['text.ircv3.net']);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.greet();
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = (ev) => this.lost(ev.reason || `closed (${ev.code})`);
    this.ws = ws;
  }

  send(command, ...params) {
    this.sendMsg({ command, params });
  }

  sendMsg(msg) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(serialize(msg));
    return true;
  }

  quit(reason = 'Leaving') {
    this.closedByUser = true;
    clearTimeout(this.timer);
    if (this.ws && this.ws.readyState === 1) this.send('QUIT', reason);
    if (this.ws) this.ws.close(1000);
  }

  greet() {
    this.send('CAP', 'LS', '302');
    this.send('NICK', this.reg.nick);
    this.send('USER', this.opts.account || this.reg.nick, '0', '*', 'reed web client');
  }

  receive(data) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    for (const line of text.split(/\r?\n/)) {
      const msg = line ? parse(line) : null;
      if (msg && !this.registration(msg)) this.opts.onMessage(msg);
    }
  }

  // Registration steps; true when the line was registration's alone.
  registration(msg) {
    const p = msg.params;
    switch (msg.command) {
      case 'PING':
        this.send('PONG', ...p);
        return true;
      case 'CAP':
        return this.cap(p[1], p.slice(2));
      case 'AUTHENTICATE':
        if (p[0] === '+') saslPlain(this.opts.account, this.opts.password).forEach((c) => this.send('AUTHENTICATE', c));
        return true;
      case '903':
        this.send('CAP', 'END');
        return false;
      case '902': case '904': case '905': case '906': case '908':
        this.fail(p[p.length - 1] || 'login failed');
        return false;
      case '433':
        if (this.reg.done) return false;
        this.reg.nick = `${this.reg.nick.slice(0, 28)}_`;
        this.send('NICK', this.reg.nick);
        return false;
      case '001':
        this.reg.done = true;
        this.attempt = 0;
        this.opts.onStatus('online', p[0]);
        return false;
      default:
        return false;
    }
  }

  cap(sub, args) {
    if (sub === 'LS') {
      const more = args[0] === '*';
      for (const [k, v] of parseCaps(more ? args[1] : args[0])) this.reg.caps.set(k, v);
      if (!more) this.requestCaps();
    } else if (sub === 'ACK') {
      for (const c of args[args.length - 1].split(' ')) if (c) this.reg.acked.add(c.replace(/^-/, ''));
      this.afterCaps();
    } else if (sub === 'NAK') {
      this.afterCaps();
    }
    return true;
  }

  requestCaps() {
    const want = WANTED_CAPS.filter((c) => this.reg.caps.has(c) && (c !== 'sasl' || this.opts.account));
    if (this.opts.account && !want.includes('sasl')) return this.fail('the server offers no SASL');
    if (want.length === 0) return this.send('CAP', 'END');
    this.send('CAP', 'REQ', want.join(' '));
  }

  afterCaps() {
    this.opts.caps = this.reg.acked;
    if (this.opts.account && this.reg.acked.has('sasl')) this.send('AUTHENTICATE', 'PLAIN');
    else if (this.opts.account) this.fail('SASL was refused');
    else this.send('CAP', 'END');
  }

  fail(why) {
    this.closedByUser = true; // a wrong password does not get better by retrying
    this.failed = true;
    this.opts.onStatus('failed', why);
    if (this.ws) this.ws.close(1000);
  }

  lost(why) {
    this.ws = null;
    if (this.closedByUser) {
      if (!this.failed) this.opts.onStatus('closed', why);
      return;
    }
    const delay = backoffDelay(this.attempt++);
    this.opts.onStatus('waiting', `${why}; reconnecting in ${Math.ceil(delay / 1000)} s`);
    this.timer = this.later(() => this.open(), delay);
  }

  has(cap) {
    return this.reg ? this.reg.acked.has(cap) : false;
  }
}
