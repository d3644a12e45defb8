// What the user types: plain text is a message to the open conversation,
// "/command args" one of the commands below. Pure: returns what to do as
// {op, ...} for the UI to carry out, or {op: 'error', text}.

export const HELP = [
  '/join #room [key]', '/part [#room] [reason]', '/me action', '/topic [text]',
  '/nick newnick', '/msg nick text', '/query nick', '/list', '/whois nick', '/quit [reason]',
  '/raw LINE', '/help',
];

const COMMANDS = {
  join: (a) => (a[0] ? { op: 'join', room: a[0].startsWith('#') ? a[0] : `#${a[0]}`, key: a[1] } : null),
  part: (a, rest, cur) => {
    if (a[0] && a[0].startsWith('#')) return { op: 'part', room: a[0], reason: rest.slice(a[0].length).trim() };
    return cur ? { op: 'part', room: cur, reason: rest } : null;
  },
  leave: (a, rest, cur) => COMMANDS.part(a, rest, cur),
  me: (a, rest, cur) => (rest && cur ? { op: 'say', target: cur, text: rest, action: true } : null),
  topic: (a, rest, cur) => (cur && cur.startsWith('#') ? { op: 'topic', room: cur, text: rest } : null),
  nick: (a) => (a[0] ? { op: 'nick', nick: a[0] } : null),
  msg: (a, rest) => {
    const text = rest.slice(a[0] ? a[0].length : 0).trim();
    return a[0] && text ? { op: 'say', target: a[0], text, action: false, open: true } : null;
  },
  query: (a) => (a[0] ? { op: 'query', nick: a[0] } : null),
  list: () => ({ op: 'list' }),
  whois: (a) => (a[0] ? { op: 'whois', nick: a[0] } : null),
  quit: (a, rest) => ({ op: 'quit', reason: rest }),
  raw: (a, rest) => (rest ? { op: 'raw', line: rest } : null),
  quote: (a, rest) => COMMANDS.raw(a, rest),
  help: () => ({ op: 'help', text: HELP.join('  ') }),
};

// `current` is the open conversation's name ("" for the server buffer).
export function parseInput(input, current) {
  const text = input.replace(/\s+$/, '');
  if (text === '') return null;
  if (!text.startsWith('/') || text.startsWith('//')) {
    const body = text.startsWith('//') ? text.slice(1) : text;
    return current ? { op: 'say', target: current, text: body, action: false } : { op: 'error', text: 'Join a room first (/join #room)' };
  }
  const m = /^\/(\S+)\s*(.*)$/s.exec(text);
  const name = m[1].toLowerCase();
  const rest = m[2];
  const args = rest.split(/\s+/).filter(Boolean);
  const cmd = COMMANDS[name];
  if (!cmd) return { op: 'error', text: `Unknown command /${name} (try /help)` };
  return cmd(args, rest, current) || { op: 'error', text: `Usage: ${HELP.find((h) => h.startsWith(`/${name}`)) || `/${name}`}` };
}
