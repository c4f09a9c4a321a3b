// Each role's day in a browser: every page a role can reach from its menu, at desktop and
// phone sizes, answers, logs no console error, fits a phone, and has no serious
// accessibility violation (axe-core, WCAG 2.1 A/AA); and the figures each role is meant to
// see are there, while what it is not meant to see is not.
//
// Run:  DANGJIAN_BIN=../target/release/dangjian node --test roles.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Authenticators, DESKTOP, PHONE, UI_TIMEOUT_MS, launchChromium, log, overflowOf, screenshot,
  seriousViolations, startDemo,
} from './harness.mjs';

const PASSWORD = 'E2e-Roles-Passw0rd-2024';
/** Pages a walk may visit per role: enough for every kind of page, bounded for CI time. */
const MAX_PAGES = 45;
/** Links that are downloads, fragments, images or actions, not pages. */
const NOT_A_PAGE = /\.xlsx$|\.pdf$|\/photo$|\/files\/|\/logout|^\/api\/|^\/assets\/|^\/healthz|^\/metrics|\/count$|\/to-do$|\/progress$|\/candidates$|\/assignees$|\/targets$|^\/orgs\/search|^\/login/;

/** One kind of page: numbers in the path stand for any id. */
const kindOf = (pathname) => pathname.replace(/^\/c\/[^/]+/, '/c/#').replace(/\d+/g, '#');

describe('each role in a browser', { concurrency: false }, () => {
  let demo, browser;
  /** The administrators enrol their second factor at their first login, as on a phone. */
  const authenticators = new Authenticators();
  /** Pages found on the desktop walk of each role, walked again on a phone. */
  const found = new Map();
  /** Public pages (a member's card, an evaluation's results) met on the way, for residents. */
  const publicPaths = new Set();

  before(async () => {
    demo = await startDemo({ name: 'roles', password: PASSWORD });
    browser = await launchChromium();
  }, { timeout: startDemo.timeout });

  after(async () => {
    if (browser) await browser.close().catch((err) => log(`browser close failed: ${err.message}`));
    if (demo) await demo.stop();
  });

  function accountFor(role) {
    const all = demo.accounts.filter((a) => a.role === role);
    // The town of the demo's 白涛 village, so the five staff roles are one chain of scopes.
    const a = all.find((x) => x.scope_org_name.includes('白涛')) || all[0];
    assert.ok(a, `no ${role} account in the demo`);
    return a;
  }

  async function session(device, account) {
    const context = await browser.newContext(device);
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    if (account) {
      const page = await context.newPage();
      await authenticators.login(page, demo.base, account.username, PASSWORD);
      await page.close();
    }
    return context;
  }

  /**
   * Open one page and check it; returns the same-origin page links it shows.
   * Problems are pushed to `problems` rather than thrown, so one run lists them all.
   */
  async function visit(context, path, phone, problems) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    try {
      const res = await page.goto(`${demo.base}${path}`);
      if (!res || res.status() >= 400) {
        problems.push(`${path}: HTTP ${res ? res.status() : 'no answer'}`);
        return [];
      }
      // Panels that load after the page (待办, counts) and charts drawn in view.
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
      if (phone) {
        const over = await overflowOf(page);
        if (over > 1) problems.push(`${path}: ${over}px wider than the phone`);
      }
      for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
      for (const e of errors) problems.push(`${path}: console error: ${e}`);
      // getAttribute, not .href: an SVG link's href is not a string.
      const hrefs = await page.locator('a[href]').evaluateAll((as) =>
        as.map((a) => new URL(a.getAttribute('href'), document.baseURI).href));
      return hrefs;
    } finally {
      await page.close();
    }
  }

  /** Breadth first from the start pages, one page of each kind, at most MAX_PAGES. */
  async function crawl(context, starts, phone, problems) {
    const queue = starts.map((path) => ({ path, from: null }));
    const kinds = new Set();
    const visited = [];
    while (queue.length && visited.length < MAX_PAGES) {
      const { path, from } = queue.shift();
      const url = new URL(path, demo.base);
      const kind = kindOf(url.pathname);
      if (kinds.has(kind)) continue;
      kinds.add(kind);
      visited.push(path);
      const seen = problems.length;
      const hrefs = await visit(context, path, phone, problems);
      // A page that fails names the page that linked to it: the link is often the fault.
      if (from) for (let i = seen; i < problems.length; i++) problems[i] += ` (linked from ${from})`;
      for (const href of hrefs) {
        const u = new URL(href);
        if (u.origin !== demo.base || NOT_A_PAGE.test(u.pathname)) continue;
        if (/^\/(c|e)\//.test(u.pathname)) publicPaths.add(u.pathname);
        if (!kinds.has(kindOf(u.pathname))) queue.push({ path: u.pathname + u.search, from: path });
      }
    }
    return visited;
  }

  /** What each role is meant to find on its first pages, and what it is not meant to. */
  const EXPECTED = {
    async member(page) {
      await page.goto(`${demo.base}/`);
      assert.equal(new URL(page.url()).pathname, '/me', 'a member lands on 我的');
      for (const id of ['my-life', 'my-study', 'my-dues', 'my-card', 'my-households']) {
        assert.equal(await page.locator(`#${id}`).count(), 1, `我的 has #${id}`);
      }
      assert.equal(await page.locator('.chart').count(), 0, 'no branch statistics for a member');
      const menu = await page.locator('nav.nav a').allTextContents();
      for (const hidden of ['发展党员', '党费', '转接']) {
        assert.ok(!menu.includes(hidden), `a member's menu offers ${hidden}: ${menu.join(' ')}`);
      }
      // Colleagues by name, post and card; never their particulars.
      await page.goto(`${demo.base}/members`);
      const table = await page.locator('main table').first().innerText();
      assert.ok(!/出生|身份证|手机|电话|基数|欠缴|等次/.test(table), `a member's colleagues list shows particulars:\n${table.slice(0, 400)}`);
      assert.ok((await page.locator('a[href^="/c/"]').count()) > 0, 'the committee shows its public cards');
    },
    async branch_secretary(page, account) {
      await page.goto(`${demo.base}/orgs/${account.scope_org_id}`);
      await page.locator('#org-to-do h2').waitFor();
      await page.waitForFunction(() => !document.querySelector('#org-to-do .htmx-indicator'));
      for (const module of ['/life?org=', '/dues?org=', '/orgs/' + account.scope_org_id + '/committee']) {
        assert.ok((await page.locator(`a[href^="${module}"]`).count()) > 0, `the branch hub links ${module}`);
      }
    },
    async village_admin(page) {
      await overview(page);
    },
    async town_admin(page) {
      await overview(page);
    },
    async district_admin(page) {
      await overview(page);
    },
  };

  /** 云中心 of a town or the district: each chart has its figures as links, and each child its rates. */
  async function overview(page) {
    await page.goto(`${demo.base}/`);
    const charts = await page.locator('.chart').count();
    assert.ok(charts >= 5, `云中心 shows ${charts} charts`);
    const linked = await page.locator('details.chart-data a[href]').count();
    assert.ok(linked >= charts, `chart figures lead to lists: ${linked} links for ${charts} charts`);
    const heads = await page.locator('#children-table th').allTextContents();
    assert.ok(heads.some((h) => h.includes('党费收缴率')), `children table: ${heads.join(' ')}`);
    assert.ok((await page.locator('#children-table tbody tr').count()) > 0, 'the children are listed');
  }

  const report = (who, problems) =>
    assert.deepEqual(problems, [], `${who}: ${problems.length} problems:\n  ${problems.join('\n  ')}`);

  for (const role of ['member', 'branch_secretary', 'village_admin', 'town_admin', 'district_admin']) {
    it(`${role} at 1440×900 walks every page of the menu`, { timeout: 300_000 }, async () => {
      const account = accountFor(role);
      const context = await session(DESKTOP, account);
      const problems = [];
      try {
        const visited = await crawl(context, ['/'], false, problems);
        log(`${role} (${account.username}): ${visited.length} pages: ${visited.join(' ')}`);
        assert.ok(visited.length >= 5, `${role} reached only ${visited.length} pages`);
        found.set(role, visited);
        if (EXPECTED[role]) {
          const page = await context.newPage();
          await EXPECTED[role](page, account).finally(() => page.close());
        }
      } finally {
        await context.close();
      }
      report(`${role} at 1440×900`, problems);
    });

    it(`${role} at 390×844 on the same pages`, { timeout: 300_000 }, async (t) => {
      const pages = found.get(role);
      if (!pages) return t.skip('the desktop walk failed before it found the pages');
      const context = await session(PHONE, accountFor(role));
      const problems = [];
      try {
        for (const path of pages) await visit(context, path, true, problems);
        const home = await context.newPage();
        await home.goto(`${demo.base}/`);
        await screenshot(home, `roles-${role}-phone-home.png`);
        await home.close();
      } finally {
        await context.close();
      }
      report(`${role} at 390×844`, problems);
    });
  }

  for (const device of [DESKTOP, PHONE]) {
    it(`a resident at ${device.viewport.width}×${device.viewport.height} uses the public pages`, { timeout: 300_000 }, async () => {
      const context = await session(device, null);
      const problems = [];
      const oneOfEach = new Map([...publicPaths].map((p) => [kindOf(p), p]));
      const paths = ['/r', '/r/track', '/r/list', ...oneOfEach.values()];
      assert.ok(paths.some((p) => p.startsWith('/c/')), `no public card met on the staff walks: ${paths.join(' ')}`);
      try {
        for (const path of paths) await visit(context, path, device === PHONE, problems);
      } finally {
        await context.close();
      }
      report(`resident at ${device.viewport.width}`, problems);
    });
  }
});
