// The room list dialog: LIST's answer, filtered as the user types; a click
// joins the room.
import { el, clear, $ } from './dom.js';

export function renderRooms(chat, onJoin) {
  const list = clear($('#room-list'));
  if (!chat.roomsDone) {
    list.append(el('li', { textContent: 'Loading\u2026' }));
    return;
  }
  const filter = $('#room-filter').value.trim().toLowerCase();
  const rooms = chat.rooms.filter((r) => !filter || r.name.toLowerCase().includes(filter) || r.topic.toLowerCase().includes(filter));
  if (rooms.length === 0) list.append(el('li', { textContent: 'No rooms' }));
  for (const r of rooms) {
    list.append(el('li', { dataset: { room: r.name }, on: { click: () => onJoin(r.name) } },
      el('strong', { textContent: r.name }),
      el('span', { className: 'users', textContent: `${r.users} ${r.users === 1 ? 'member' : 'members'}` }),
      r.topic ? el('span', { className: 'room-topic', textContent: r.topic }) : null));
  }
}

export function openRooms(chat, onJoin) {
  const dialog = $('#rooms');
  $('#room-filter').oninput = () => renderRooms(chat, onJoin);
  chat.list();
  renderRooms(chat, onJoin);
  if (!dialog.open) dialog.showModal();
}
