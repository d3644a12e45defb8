// Starts the real reed for a browser test, as tests/e2e/support/reedtest.py
// does for the Python ones: a fresh data dir under REED_TMP, every listener
// on port 0 at 127.0.0.1 (ports read from the `listening <proto> <kind>
// <addr> <port>` lines), the cheapest password hashing; ended by its PID.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LISTEN_RE = /listening (\S+) (\S+) (\S+) (\S+)/;
const ONE = 'tcp:0:interface=127.0.0.1';

export function reedBin() {
  return process.env.REED_BIN || 'reed';
}

function ini(sections) {
  let out = '';
  for (const [name, kv] of Object.entries(sections)) {
    out += `[${name}]\n`;
    for (const [k, v] of Object.entries(kv)) for (const item of [].concat(v)) out += `${k} = ${item}\n`;
  }
  return out;
}

export class Reed {
  // protos: the protocol sections to listen on (each tcp:0 at 127.0.0.1).
  constructor({ protos = ['irc', 'amp', 'http'], extra = {} } = {}) {
    this.protos = protos;
    const base = process.env.REED_TMP || tmpdir();
    mkdirSync(base, { recursive: true });
    this.dir = mkdtempSync(join(base, 'reed-web-'));
    this.conf = join(this.dir, 'reed.ini');
    this.ports = {};
    this.log = [];
    const sections = {
      server: {
        name: 'localhost', data_dir: join(this.dir, 'data'), registration: 'open', password_hash: 'min',
        // Every client of a test comes from 127.0.0.1, and a browser holds
        // several keep-alive HTTP connections per page beside its WebSocket.
        connect_burst: '1000', max_connections_per_ip: '1000', registration_per_ip: '100000', registration_burst: '100000',
        registration_global: '1000000', password_min: '1',
      },
    };
    for (const p of protos) sections[p] = { listen: ONE };
    for (const [sec, kv] of Object.entries(extra)) sections[sec] = { ...(sections[sec] || {}), ...kv };
    writeFileSync(this.conf, ini(sections));
  }

  start(timeoutMs = 15000) {
    this.proc = spawn(reedBin(), ['--config', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let partial = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reed did not start:\n${this.log.join('\n')}`)), timeoutMs);
      this.proc.on('exit', (code) => reject(new Error(`reed exited (${code}):\n${this.log.join('\n')}`)));
      this.proc.stderr.on('data', (chunk) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop();
        for (const line of lines) {
          this.log.push(line);
          if (process.env.REED_WEB_VERBOSE) process.stderr.write(`reed: ${line}\n`);
          const m = LISTEN_RE.exec(line);
          if (m) this.ports[`${m[1]}/${m[2]}`] = Number(m[4]);
        }
        if (this.protos.every((p) => this.ports[`${p}/tcp`])) {
          clearTimeout(timer);
          resolve(this);
        }
      });
    });
  }

  port(proto) {
    return this.ports[`${proto}/tcp`];
  }

  get url() {
    return `http://127.0.0.1:${this.port('http')}/`;
  }

  // `reed account add NAME` with the password on standard input.
  addAccount(name, password) {
    const r = spawnSync(reedBin(), ['account', 'add', '--config', this.conf, name], { input: `${password}\n`, encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) throw new Error(`account add ${name}: ${r.stderr}`);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.removeAllListeners('exit');
    const gone = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
    if (!process.env.REED_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}
