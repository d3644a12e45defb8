// Drawing the chat: the list of conversations with unread counts, the open
// conversation's messages, topic and members. Every piece of text from the
// network goes in as a text node (dom.js).
import { el, clear, linkify, nickHue, $ } from './dom.js';

const ORIGIN_LABEL = { irc: 'IRC', xmpp: 'XMPP', amp: 'AMP', bot: 'bot' };

export function bufferLabel(b) {
  return b.kind === 'server' ? 'server' : b.name;
}

export function renderBuffers(chat, active, onPick) {
  const list = clear($('#buffers'));
  const sorted = [...chat.buffers.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  let total = 0;
  for (const b of sorted) {
    const n = b === active ? 0 : b.unread();
    total += n;
    list.append(el('li', {
      className: `${b === active ? 'active' : ''} ${n ? 'unread' : ''}`,
      dataset: { name: b.name, kind: b.kind, count: String(b.ids.size) },
      on: { click: () => onPick(b) },
    }, el('span', { className: 'name', textContent: bufferLabel(b) }),
    n ? el('span', { className: 'badge', textContent: String(n) }) : null));
  }
  document.title = total ? `(${total}) reed` : 'reed';
}

function rank(b) {
  return { server: 0, channel: 1, query: 2 }[b.kind];
}

function timeText(t) {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function messageItem(m, onRedact) {
  const kind = m.kind;
  const li = el('li', { className: `msg ${kind}${m.self ? ' self' : ''}`, dataset: m.id ? { id: m.id } : {} },
    el('time', { dateTime: new Date(m.time).toISOString(), textContent: timeText(m.time), title: new Date(m.time).toLocaleString() }));
  if (kind === 'action') li.append(el('span', { className: 'nick', style: { '--hue': nickHue(m.nick) }, textContent: `* ${m.nick}` }));
  else if (kind !== 'event') li.append(el('span', { className: 'nick', style: { '--hue': nickHue(m.nick) }, textContent: kind === 'notice' ? `-${m.nick}-` : m.nick }));
  li.append(el('span', { className: 'text' }, ...linkify(m.text)));
  if (m.self && m.id && onRedact) {
    li.append(el('button', { type: 'button', className: 'redact', textContent: '\u00d7', title: 'Delete this message', ariaLabel: 'Delete', on: { click: () => onRedact(m) } }));
  }
  return li;
}

// Redraws the open conversation, keeping the reader's place: at the bottom
// it follows new messages; scrolled up it stays where it was, also when
// older messages arrive above.
export function renderMessages(b, readLine, onRedact) {
  const log = $('#log');
  const fromBottom = log.scrollHeight - log.scrollTop;
  const atBottom = fromBottom - log.clientHeight < 40;
  const list = clear($('#messages'));
  let lineDrawn = false;
  for (const m of b.messages) {
    if (!lineDrawn && readLine && m.time > readLine && !m.self && m.kind !== 'event') {
      list.append(el('li', { className: 'unread-line', textContent: 'new' }));
      lineDrawn = true;
    }
    list.append(messageItem(m, onRedact));
  }
  $('#older').hidden = b.kind === 'server' || b.historyDone;
  log.scrollTop = atBottom ? log.scrollHeight : log.scrollHeight - fromBottom;
}

export function renderHeader(chat, b) {
  $('#title').textContent = bufferLabel(b);
  $('#topic').textContent = b.kind === 'channel' ? b.topic : '';
  $('#topic').title = b.topic;
  $('#toggle-members').hidden = b.kind !== 'channel';
  $('#me').textContent = chat.account ? `${chat.me} (account ${chat.account})` : `${chat.me} (guest)`;
}

function memberRank(chat, m) {
  const i = chat.prefix.findIndex((p) => m.prefixes.includes(p.symbol));
  return i < 0 ? chat.prefix.length : i;
}

export function renderMembers(chat, b, onPick) {
  const list = clear($('#member-list'));
  const members = b.kind === 'channel' ? [...b.members.values()] : [];
  members.sort((x, y) => memberRank(chat, x) - memberRank(chat, y) || x.nick.localeCompare(y.nick));
  $('#member-count').textContent = members.length ? String(members.length) : '';
  $('#members').hidden = b.kind !== 'channel';
  for (const m of members) {
    list.append(el('li', { dataset: { nick: m.nick, origin: m.origin || '' }, title: memberTitle(m), on: { click: () => onPick(m) } },
      el('span', { className: 'prefix', textContent: m.prefixes.slice(0, 1) }),
      el('span', { className: 'nick', textContent: m.nick }),
      m.origin ? el('span', { className: 'origin', textContent: ORIGIN_LABEL[m.origin] || m.origin }) : null));
  }
}

function memberTitle(m) {
  const parts = [`${m.nick}!${m.user}@${m.host}`];
  if (m.account) parts.push(`account ${m.account}`);
  if (m.origin) parts.push(`on ${ORIGIN_LABEL[m.origin] || m.origin}${m.originSure ? '' : ' (from the host)'}`);
  return parts.join(', ');
}

export function setStatus(text, off) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('off', !!off);
}
