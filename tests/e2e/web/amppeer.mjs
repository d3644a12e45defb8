// The AMP member of a browser test: amp_peer.py (Twisted's amp) in a child
// process, one JSON request and answer per line.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));

export class AmpPeer {
  constructor(port) {
    this.proc = spawn('/usr/bin/python3', [join(here, 'amp_peer.py'), String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    this.answers = [];
    this.pending = [];
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const p = this.pending.shift();
      if (p) p(JSON.parse(line));
    });
  }

  call(op, args = {}) {
    return new Promise((resolve, reject) => {
      this.pending.push((a) => (a.ok ? resolve(a.result) : reject(new Error(`amp ${op}: ${a.error}`))));
      this.proc.stdin.write(`${JSON.stringify({ op, ...args })}\n`);
    });
  }

  async close() {
    await this.call('close').catch(() => {});
    this.proc.stdin.end();
  }
}
