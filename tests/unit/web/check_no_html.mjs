// Nothing from a message or a nick may reach the page as markup: the web
// client builds every node with createElement and text nodes (web/js/dom.js).
// This check fails on any use, anywhere under web/, of the DOM's ways to
// parse a string as HTML or code, so that none can be fed with data later.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');
const FORBIDDEN = [
  /\binnerHTML\b/, /\bouterHTML\b/, /\binsertAdjacentHTML\b/, /\bdocument\s*\.\s*write(ln)?\b/,
  /\bcreateContextualFragment\b/, /\bDOMParser\b/, /\bsrcdoc\b/, /\bsetHTMLUnsafe\b/, /\bparseHTMLUnsafe\b/,
  /\beval\s*\(/, /\bnew\s+Function\s*\(/, /\bsetAttribute\s*\(\s*['"]on/i, /\bjavascript:/i,
];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const bad = [];
let checked = 0;
for (const file of files(root).filter((f) => /\.(m?js|html|css)$/.test(f))) {
  checked++;
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    for (const re of FORBIDDEN) if (re.test(line)) bad.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
  });
  // Inline scripts and handlers would need 'unsafe-inline' in a CSP.
  if (file.endsWith('.html') && /<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=/i.test(readFileSync(file, 'utf8'))) {
    bad.push(`${relative(root, file)}: inline script or event handler`);
  }
}
if (checked < 5) bad.push(`only ${checked} files found under ${root}`);
if (bad.length) {
  console.error(`markup or code parsed from strings in web/:\n${bad.join('\n')}`);
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}
console.log(`web/: ${checked} files, no HTML parsing of strings`);
console.log('1 passed, 0 failed');
