// IRC lines in and out (RFC 1459 framing with IRCv3 message tags), and the
// small pure pieces of the protocol the client needs: masks, CTCP ACTION,
// case folding, ISUPPORT, SASL PLAIN. No DOM and no imports, so node runs
// its unit test directly (tests/unit/web).

const TAG_UNESCAPE = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };
const TAG_ESCAPE = { ';': '\\:', ' ': '\\s', '\\': '\\\\', '\r': '\\r', '\n': '\\n' };

export function unescapeTag(v) {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch !== '\\') {
      out += ch;
    } else if (i + 1 < v.length) {
      const next = v[++i];
      out += TAG_UNESCAPE[next] ?? next;
    } // a lone trailing backslash is dropped (message-tags spec)
  }
  return out;
}

export function escapeTag(v) {
  return String(v).replace(/[; \\\r\n]/g, (ch) => TAG_ESCAPE[ch]);
}

// "nick!user@host" (or a server name) -> {nick, user, host}.
export function parseSource(src) {
  if (!src) return { nick: '', user: '', host: '' };
  const bang = src.indexOf('!');
  const at = src.indexOf('@', bang < 0 ? 0 : bang);
  if (bang < 0 && at < 0) return { nick: src, user: '', host: '' };
  const nickEnd = bang >= 0 ? bang : at;
  return {
    nick: src.slice(0, nickEnd),
    user: bang >= 0 ? src.slice(bang + 1, at < 0 ? undefined : at) : '',
    host: at >= 0 ? src.slice(at + 1) : '',
  };
}

function parseTags(raw) {
  const tags = {};
  for (const item of raw.split(';')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    tags[key] = eq < 0 ? '' : unescapeTag(item.slice(eq + 1));
  }
  return tags;
}

// One line (without CR LF) -> {tags, source, nick, user, host, command,
// params}, or null for a line with no command.
export function parse(line) {
  let rest = line.replace(/[\r\n]+$/, '');
  let tags = {};
  let source = '';
  const word = () => {
    rest = rest.replace(/^ +/, '');
    const sp = rest.indexOf(' ');
    const w = sp < 0 ? rest : rest.slice(0, sp);
    rest = sp < 0 ? '' : rest.slice(sp + 1);
    return w;
  };
  if (rest.startsWith('@')) tags = parseTags(word().slice(1));
  rest = rest.replace(/^ +/, '');
  if (rest.startsWith(':')) source = word().slice(1);
  const command = word().toUpperCase();
  if (command === '') return null;
  const params = [];
  for (;;) {
    rest = rest.replace(/^ +/, '');
    if (rest === '') break;
    if (rest.startsWith(':')) {
      params.push(rest.slice(1));
      break;
    }
    params.push(word());
  }
  return { tags, source, ...parseSource(source), command, params };
}

// {tags?, command, params?} -> one line without CR LF. Throws on what would
// break the framing: CR, LF or NUL anywhere, or a middle parameter that is
// empty, has a space or starts with ':'.
export function serialize(msg) {
  const parts = [];
  const tags = Object.entries(msg.tags || {});
  if (tags.length) {
    parts.push('@' + tags.map(([k, v]) => (v === '' || v === true ? k : `${k}=${escapeTag(v)}`)).join(';'));
  }
  if (!/^[A-Za-z0-9]+$/.test(msg.command)) throw new Error('bad command');
  parts.push(msg.command);
  const params = (msg.params || []).map(String);
  params.forEach((p, i) => {
    if (/[\r\n\0]/.test(p)) throw new Error('CR, LF or NUL in a parameter');
    const last = i === params.length - 1;
    const plain = p !== '' && !p.includes(' ') && !p.startsWith(':');
    if (!plain && !last) throw new Error('bad middle parameter');
    parts.push(plain ? p : ':' + p);
  });
  return parts.join(' ');
}

// CTCP ACTION (/me): the text of an action, or null when `text` is not one.
export function actionText(text) {
  const m = /^\x01ACTION(?: (.*?))?\x01?$/s.exec(text);
  return m ? m[1] ?? '' : null;
}

export function makeAction(text) {
  return `\x01ACTION ${text}\x01`;
}

// CASEMAPPING: reed says ascii; rfc1459 also folds []\~ to {}|^.
export function casefold(s, mapping = 'ascii') {
  let out = s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (mapping === 'rfc1459' || mapping === 'strict-rfc1459') {
    const map = { '[': '{', ']': '}', '\\': '|', ...(mapping === 'rfc1459' ? { '~': '^' } : {}) };
    out = out.replace(/[[\]\\~]/g, (c) => map[c] ?? c);
  }
  return out;
}

export function isChannel(name, chantypes = '#') {
  return name.length > 1 && chantypes.includes(name[0]);
}

// 005 tokens (the parameters between the nick and the trailing text) into
// `into`: KEY=value, KEY (true), -KEY (removed).
export function applyIsupport(into, tokens) {
  for (const t of tokens) {
    if (t.startsWith('-')) {
      delete into[t.slice(1)];
      continue;
    }
    const eq = t.indexOf('=');
    into[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? true : unescapeIsupport(t.slice(eq + 1));
  }
  return into;
}

function unescapeIsupport(v) {
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// PREFIX=(qaov)~&@+ -> [{mode:'q', symbol:'~'}, ...], highest first.
export function parsePrefix(value) {
  const m = /^\(([^)]*)\)(.*)$/.exec(value || '');
  if (!m || m[1].length !== m[2].length) return [];
  return [...m[1]].map((mode, i) => ({ mode, symbol: m[2][i] }));
}

// A NAMES entry ("@+nick" or, with userhost-in-names, "@nick!u@h") ->
// {prefixes, nick, user, host}.
export function parseNamesEntry(entry, prefix) {
  const symbols = prefix.map((p) => p.symbol).join('');
  let i = 0;
  while (i < entry.length && symbols.includes(entry[i])) i++;
  return { prefixes: entry.slice(0, i), ...parseSource(entry.slice(i)) };
}

// CAP LS values: "a b=1 c" -> Map a->'', b->'1', c->''.
export function parseCaps(list) {
  const caps = new Map();
  for (const item of list.split(' ')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    caps.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? '' : item.slice(eq + 1));
  }
  return caps;
}

function base64Utf8(s) {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

// SASL PLAIN's AUTHENTICATE arguments: the base64 of authzid NUL authcid
// NUL password in 400-byte pieces, then "+" when the last piece was full.
export function saslPlain(user, password, authzid = '') {
  const b64 = base64Utf8(`${authzid}\0${user}\0${password}`);
  const out = [];
  for (let i = 0; i < b64.length; i += 400) out.push(b64.slice(i, i + 400));
  if (b64.length % 400 === 0) out.push('+');
  return out;
}

// A message's time from the server-time tag, else the clock.
export function messageTime(msg, now = Date.now()) {
  const t = msg.tags && msg.tags.time ? Date.parse(msg.tags.time) : NaN;
  return Number.isNaN(t) ? now : t;
}

// Splits text to send into lines: one PRIVMSG per line, no empty ones, and
// none longer than `max` UTF-8 bytes (cut at a character boundary).
export function splitText(text, max = 400) {
  const out = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    let rest = line;
    while (new TextEncoder().encode(rest).length > max) {
      let cut = Math.min(max, rest.length);
      while (new TextEncoder().encode(rest.slice(0, cut)).length > max) cut--;
      if (/[\uD800-\uDBFF]/.test(rest[cut - 1])) cut--;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    if (rest !== '') out.push(rest);
  }
  return out;
}
