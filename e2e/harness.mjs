// What the browser tests share: a demo server on a free port with its accounts, the system
// Chromium, and the checks every page must pass (no console error, fits a phone, no serious
// accessibility violation).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const BIN = path.resolve(process.env.DANGJIAN_BIN || path.join(E2E_DIR, '../target/release/dangjian'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HEALTH_TIMEOUT_MS = 120_000;
export const UI_TIMEOUT_MS = 15_000;
export const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' };
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, locale: 'zh-CN' };

export const log = (...args) => console.log('[e2e]', ...args);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Ask the OS for a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Last `n` lines of a text file, or '' if it cannot be read. */
export function tail(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Poll GET url until it answers 200, the child exits, or the deadline passes. */
async function waitForHealthy(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await sleep(500);
  }
  throw new Error(`${url} not healthy after ${timeoutMs / 1000} s (last: ${last})`);
}

/** Stop the server: SIGTERM, then SIGKILL if it is still alive after 5 s. */
async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!done) {
    log('server ignored SIGTERM, sending SIGKILL');
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * `dangjian demo` on a fresh SQLite database and a free port, with its accounts.
 * Returns { base, accounts, serverLog, stop() }.
 */
export async function startDemo({ name, password, scale = '0.05', seed = '7' }) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  try {
    fs.accessSync(BIN, fs.constants.X_OK);
  } catch {
    throw new Error(`dangjian binary not found or not executable: ${BIN} (set DANGJIAN_BIN)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dangjian-${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const accountsFile = path.join(tmp, 'accounts.json');
  const serverLog = path.join(ARTIFACTS, `${name}-server.log`);
  const args = [
    'demo', '--scale', scale, '--seed', seed,
    '--database-url', `sqlite://${path.join(tmp, 'demo.db')}`,
    '--listen', `127.0.0.1:${port}`,
    '--password', password,
    '--accounts-json', accountsFile,
  ];
  log(`starting: ${BIN} ${args.join(' ')}`);
  const out = fs.openSync(serverLog, 'w');
  const server = spawn(BIN, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  server.on('exit', (code, sig) => log(`server exited (code ${code}, signal ${sig})`));
  process.once('exit', () => server.kill('SIGKILL')); // last resort if the runner dies
  try {
    await waitForHealthy(`${base}/healthz`, server, HEALTH_TIMEOUT_MS);
  } catch (err) {
    log(`server log tail:\n${tail(serverLog)}`);
    throw err;
  }
  log(`server healthy at ${base}`);
  const accounts = JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
  assert.ok(Array.isArray(accounts) && accounts.length > 0, 'accounts.json should hold accounts');
  return {
    base,
    accounts,
    serverLog,
    async stop() {
      await stopServer(server);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
startDemo.timeout = HEALTH_TIMEOUT_MS + 60_000;

/** Debian's Chromium, headless. */
export function launchChromium() {
  log(`launching ${CHROMIUM}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot: ${path.relative(process.cwd(), file)}`);
}

/** How many pixels the page is wider than its window (0 when it fits). */
export function overflowOf(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The serious and critical WCAG 2 A/AA violations axe-core finds on the page, one line each
 * ("rule: what (selector, …)"); empty when there are none.
 */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the debugging protocol, which the page's CSP does not govern.
    await page.evaluate(AXE_SOURCE);
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.count}×: ${v.targets.join(', ')})`);
}

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    assert.ok(i >= 0, `not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) of a base32 secret at a time step. */
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/**
 * What a phone keeps for each enrolled account: its secret, the last step whose code was
 * used (each code is good once) and its recovery codes, used when the steps around now are.
 */
export class Authenticators {
  constructor() {
    this.byUser = new Map();
  }

  async code(username) {
    const a = this.byUser.get(username);
    assert.ok(a, `${username} is not enrolled`);
    for (;;) {
      const now = Math.floor(Date.now() / 30_000);
      // The current step first (good for this window and the next), then the next one when
      // this window's code was used; the step before only as a last resort, since it expires
      // at the next boundary and a login crossing it would be refused.
      const step = [now, now + 1, now - 1].find((s) => s > a.lastStep);
      if (step !== undefined) {
        a.lastStep = step;
        return totp(a.secret, step);
      }
      if (a.recovery.length) return a.recovery.pop();
      await sleep(1_000);
    }
  }

  /** On the enrolment page: scan (read) the secret, send its code, keep the recovery codes. */
  async enrol(page, username) {
    const secret = (await page.locator('#totp-secret').textContent()).trim();
    const step = Math.floor(Date.now() / 30_000);
    await page.locator('#factor-form input[name=otp]').fill(totp(secret, step));
    await page.locator('#factor-form button[type=submit]').click();
    await page.locator('#recovery-codes').waitFor();
    const recovery = (await page.locator('#recovery-codes li').allTextContents()).map((c) => c.trim());
    assert.equal(recovery.length, 10, 'ten recovery codes are shown once');
    this.byUser.set(username, { secret, lastStep: step, recovery });
    log(`${username}: second factor enrolled`);
    await page.locator('#factor-continue').click();
  }

  /**
   * Logs `username` in on `page` through the form, then the code page, or the enrolment its
   * role requires at its first login. Ends off the login pages.
   */
  async login(page, base, username, password) {
    await page.goto(`${base}/login`);
    const form = page.locator('form:has(input[name=password])');
    await form.locator('input[name=username]').fill(username);
    await form.locator('input[name=password]').fill(password);
    await form.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.pathname !== '/login');
    const at = new URL(page.url()).pathname;
    if (at === '/account/2fa') {
      await this.enrol(page, username);
    } else if (at === '/login/otp') {
      await page.locator('#otp-form input[name=otp]').fill(await this.code(username));
      await page.locator('#otp-form button[type=submit]').click();
    }
    await page.waitForURL((u) => !u.pathname.startsWith('/login') && u.pathname !== '/account/2fa');
  }

  /** A bearer token for an enrolled (or not required) account. */
  async token(base, username, password) {
    const otp = this.byUser.has(username) ? await this.code(username) : undefined;
    const r = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, otp }),
    });
    const body = await r.json();
    assert.equal(r.status, 200, `token for ${username}: ${JSON.stringify(body)}`);
    return body.token;
  }
}
