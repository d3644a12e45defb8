// Headless Chromium from Debian (/usr/bin/chromium) through playwright-core
// (never a browser download), and the steps a person takes in reed's web
// client. Screenshots go to the build directory as test artifacts.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export const TIMEOUT = 15000;

export function artifactsDir() {
  const dir = join(process.env.REED_TMP || tmpdir(), 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.REED_CHROMIUM || '/usr/bin/chromium', headless: true });
}

// A page that records dialogs (alert, confirm: none may open) and script
// errors; both fail the test at the end (checkPage).
export async function newPage(browser, viewport = { width: 1100, height: 720 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.dialogs = [];
  page.errors = [];
  page.on('dialog', (d) => {
    page.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  if (process.env.REED_WEB_VERBOSE) page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
  return page;
}

export function checkPage(page, name) {
  if (page.dialogs.length) throw new Error(`${name}: a dialog opened: ${page.dialogs.join(', ')}`);
  if (page.errors.length) throw new Error(`${name}: script errors: ${page.errors.join('\n')}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifactsDir(), `${name}.png`), fullPage: false });
}

// The login form: a guest with `nick`, or `account` with `password`.
export async function login(page, url, { nick, account, password, rooms = [] }) {
  await page.goto(url);
  if (account) {
    await page.check('#mode-account');
    await page.fill('#account', account);
    await page.fill('#password', password);
  } else {
    await page.check('#mode-guest');
    await page.fill('#nick', nick);
  }
  await page.fill('#autojoin', rooms.join(' '));
  await page.click('#login-btn');
  await page.waitForSelector('#status:text-is("online")');
  for (const r of rooms) await page.waitForSelector(`#buffers li[data-name="${r}"]`);
}

export async function openBuffer(page, name) {
  if (await page.isVisible('#toggle-side')) await page.click('#toggle-side'); // a phone
  await page.click(`#buffers li[data-name="${name}"]`);
  await page.waitForSelector(`#title:text-is("${name}")`);
}

export async function type(page, text) {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

const textsIn = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);

export async function messages(page) {
  return page.evaluate(textsIn, '#messages .msg .text');
}

export async function waitMessage(page, text) {
  await page.waitForFunction(
    ([sel, t]) => [...document.querySelectorAll(sel)].some((e) => e.textContent === t),
    ['#messages .msg .text', text],
  );
}

export async function waitNoMessage(page, text) {
  await page.waitForFunction(
    ([sel, t]) => ![...document.querySelectorAll(sel)].some((e) => e.textContent === t),
    ['#messages .msg .text', text],
  );
}

// The members list as {nick: origin}.
export async function members(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#member-list li')].map((li) => [li.dataset.nick, li.dataset.origin])));
}

export async function waitMember(page, nick, origin) {
  await page.waitForFunction(([n, o]) => {
    const li = [...document.querySelectorAll('#member-list li')].find((e) => e.dataset.nick === n);
    return li && (o === undefined || li.dataset.origin === o);
  }, [nick, origin]);
}
