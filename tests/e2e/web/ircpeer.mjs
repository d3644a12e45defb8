// A plain TCP IRC client for the browser tests (the other side of the
// room): raw lines over node's net, with bounded waits for a line.
import net from 'node:net';

export class IrcPeer {
  constructor(port, nick) {
    this.nick = nick;
    this.lines = [];
    this.waiters = [];
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.setEncoding('utf8');
    let partial = '';
    this.sock.on('data', (d) => {
      const parts = (partial + d).split('\r\n');
      partial = parts.pop();
      for (const line of parts) this.got(line);
    });
    this.sock.on('error', () => {});
  }

  got(line) {
    if (line.startsWith('PING ')) this.send(`PONG ${line.slice(5)}`);
    this.lines.push(line);
    if (process.env.REED_WEB_VERBOSE) process.stderr.write(`${this.nick} <- ${line}\n`);
    this.waiters = this.waiters.filter((w) => !w(line));
  }

  send(line) {
    this.sock.write(`${line}\r\n`);
  }

  // The first line (already received, or to come) that `pred` accepts.
  wait(pred, what, timeoutMs = 15000) {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.nick}: no ${what} within ${timeoutMs} ms; got:\n${this.lines.slice(-20).join('\n')}`)), timeoutMs);
      this.waiters.push((line) => {
        if (!pred(line)) return false;
        clearTimeout(t);
        resolve(line);
        return true;
      });
    });
  }

  expect(fragment, timeoutMs) {
    return this.wait((l) => l.includes(fragment), JSON.stringify(fragment), timeoutMs);
  }

  async register(caps = []) {
    if (caps.length) this.send(`CAP REQ :${caps.join(' ')}`);
    this.send(`NICK ${this.nick}`);
    this.send(`USER ${this.nick} 0 * :${this.nick}`);
    if (caps.length) this.send('CAP END');
    await this.wait((l) => / 001 /.test(l), 'welcome');
    return this;
  }

  async join(room) {
    this.send(`JOIN ${room}`);
    await this.wait((l) => / 366 /.test(l) && l.includes(room), `names of ${room}`);
  }

  close() {
    this.send('QUIT :bye');
    this.sock.end();
  }
}
