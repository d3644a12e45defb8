// What the browser remembers between visits (localStorage): the login form
// without the password, and the rooms the user is in, to join them again.
const KEY = 'reed-web';

export function load() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '{}');
    return { mode: 'guest', nick: '', account: '', rooms: [], ...v };
  } catch {
    return { mode: 'guest', nick: '', account: '', rooms: [] };
  }
}

export function save(s) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ mode: s.mode, nick: s.nick, account: s.account, rooms: s.rooms }));
  } catch {
    // private browsing without storage: nothing is remembered
  }
}
