// Browser end-to-end test for dangjian.
//
// Starts `dangjian demo` on a fresh SQLite database and a free local port,
// then drives the system Chromium through playwright-core:
//   1. log in as the district admin
//   2. dashboard renders ECharts charts
//   3. member search by surname
//   4. member detail page shows a masked ID number
//   5. new-member form rejects an ID number with a wrong check digit
//   6. pages fit a phone screen
//   7. record a branch's missing meetings and see it turn green
//   8. check in from a phone with the code, record the meeting from it, attach files, export
//   9. import a roster with bad rows: preview, error report, the valid rows imported
//  10. a resident reports a problem from a phone and tracks it; staff accept, send on and
//      resolve it; the resident confirms
//
// Run:  DANGJIAN_BIN=../target/release/dangjian node --test browser.test.mjs
// Env:  DANGJIAN_BIN     path to the built binary (default ../target/release/dangjian)
//       CHROMIUM_PATH    browser executable (default /usr/bin/chromium)
// Screenshots and the server log go to e2e/artifacts/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import {
  Authenticators, PHONE, UI_TIMEOUT_MS, launchChromium, log, overflowOf, screenshot, startDemo, tail,
} from './harness.mjs';

const PASSWORD = 'E2e-Demo-Passw0rd-2024';
const MASKED_ID = /\d{4}\*{10}[\dX]{4}/;

// ---------------------------------------------------------------- helpers

/** A valid citizen ID number (GB 11643) for a birth date and sequence. */
function idNumber(birth, seq) {
  const body = `500102${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** A zip archive of text files, stored without compression. */
function zip(files) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    parts.push(local, nameBuf, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBuf.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

/** A one-sheet xlsx of text cells, as someone might save from a spreadsheet program. */
function xlsx(sheetName, rows) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const cells = rows.map((r, i) => `<row r="${i + 1}">` + r.map((v, j) => v === '' ? '' :
    `<c r="${String.fromCharCode(65 + j)}${i + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('') + '</row>').join('');
  return zip({
    '[Content_Types].xml': `${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${rel}"><sheets><sheet name="${esc(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `${head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${cells}</sheetData></worksheet>`,
  });
}

/** Fill an input if the form has it; returns whether it was there. */
async function fillIfPresent(page, selector, value) {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return false;
  await el.fill(value);
  return true;
}

/** Select by value, falling back to label, if the select exists. */
async function selectIfPresent(page, selector, valueOrLabel) {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return false;
  try {
    await el.selectOption({ value: valueOrLabel }, { timeout: 2_000 });
  } catch {
    await el.selectOption({ label: valueOrLabel }, { timeout: 2_000 });
  }
  return true;
}

const pathOf = (u) => new URL(u).pathname;

// ---------------------------------------------------------------- the test

describe('dangjian in a browser', { concurrency: false }, () => {
  let demo, serverLog, base, account, browser, page;
  const pageErrors = [];
  let broken = false; // later steps need the earlier ones (login, etc.)

  /** Run one step; on failure save a screenshot and the server log tail. */
  function step(name, fn) {
    it(name, { timeout: 90_000 }, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (err) {
        broken = true;
        const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        if (page) {
          log(`FAILED at "${name}", page URL: ${page.url()}`);
          await screenshot(page, `failure-${slug}.png`).catch(() => {});
        }
        if (pageErrors.length) log('browser errors so far:\n  ' + pageErrors.join('\n  '));
        log(`server log tail:\n${tail(serverLog)}`);
        throw err;
      }
    });
  }

  before(async () => {
    demo = await startDemo({ name: 'e2e', password: PASSWORD });
    ({ base, serverLog } = demo);
    account = demo.accounts.find((a) => a.role === 'district_admin');
    assert.ok(account, `no district_admin in accounts.json (roles: ${demo.accounts.map((a) => a.role).join(', ')})`);
    log(`using account ${account.username} (${account.role}, ${account.scope_org_name})`);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
  }, { timeout: startDemo.timeout });

  after(async () => {
    if (browser) await browser.close().catch((err) => log(`browser close failed: ${err.message}`));
    if (demo) await demo.stop();
    if (pageErrors.length) log('browser errors seen during the run:\n  ' + pageErrors.join('\n  '));
  });

  const authenticators = new Authenticators();

  step('1 login as district admin: the first login enrols the second factor', async () => {
    await page.goto(`${base}/login`);
    const form = page.locator('form:has(input[name=password])');
    await form.locator('input[name=username]').fill(account.username);
    await form.locator('input[name=password]').fill(PASSWORD);
    await form.locator('button[type=submit]').click();
    // An administrator without a second factor is sent to set one up before anything else.
    await page.waitForURL((u) => u.pathname === '/account/2fa');
    assert.equal(await page.locator('#factor-required').count(), 1);
    assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code to scan');
    await page.goto(`${base}/members`);
    assert.equal(pathOf(page.url()), '/account/2fa', 'nothing else opens before it');
    await screenshot(page, 'enrol-second-factor.png');
    await authenticators.enrol(page, account.username);
    await page.waitForURL((u) => u.pathname === '/');
    log(`logged in, at ${pathOf(page.url())}`);
  });

  step('2 dashboard shows ECharts charts', async () => {
    try {
      // Charts are drawn as they come into view: the first at once, the rest on scrolling.
      await page.waitForFunction(() => {
        const charts = [...document.querySelectorAll('.chart')];
        return charts.length >= 3 && charts[0].querySelector('canvas');
      }, null, { timeout: UI_TIMEOUT_MS });
      for (const c of await page.locator('.chart').all()) await c.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => {
        const charts = [...document.querySelectorAll('.chart')];
        return charts.every((c) => c.querySelector('canvas'));
      }, null, { timeout: UI_TIMEOUT_MS });
      await page.evaluate(() => window.scrollTo(0, 0));
    } catch (err) {
      const counts = await page.evaluate(() => ({
        charts: document.querySelectorAll('.chart').length,
        withCanvas: document.querySelectorAll('.chart canvas').length,
        echarts: typeof window.echarts,
      }));
      throw new Error(`expected >= 3 .chart each with a canvas, got ${JSON.stringify(counts)}`, { cause: err });
    }
    const n = await page.locator('.chart').count();
    log(`dashboard: ${n} charts rendered`);
    await page.waitForTimeout(1_500); // let ECharts finish its entry animation
    await screenshot(page, 'dashboard.png');
  });

  let surname;
  step('3 search members by surname', async () => {
    await page.goto(`${base}/members`);
    const firstLink = page.locator('table#member-table a.member-link').first();
    const firstName = (await firstLink.textContent()).trim();
    surname = Array.from(firstName)[0];
    assert.ok(surname, 'first member link has no text');
    log(`first member "${firstName}", searching for surname "${surname}"`);

    const form = page.locator('form#member-search');
    await form.locator('input[name=q]').fill(surname);
    const navigated = page.waitForURL((u) => u.searchParams.get('q') === surname);
    const submit = form.locator('[type=submit]');
    if ((await submit.count()) > 0) await submit.first().click();
    else await form.locator('input[name=q]').press('Enter');
    await navigated;
    await page.waitForLoadState();

    const names = (await page.locator('a.member-link').allTextContents()).map((s) => s.trim());
    assert.ok(names.length > 0, 'search returned no member links');
    const wrong = names.filter((s) => !s.startsWith(surname));
    assert.deepEqual(wrong, [], `every result should start with "${surname}"`);

    const totalText = await page.locator('#member-total').textContent();
    const m = totalText.match(/\d[\d,]*/);
    assert.ok(m, `#member-total has no number: "${totalText}"`);
    const total = Number(m[0].replace(/,/g, ''));
    assert.ok(total > 0, `#member-total should be > 0, got "${totalText}"`);
    log(`search "${surname}": ${names.length} shown, total ${total}`);
  });

  step('4 open a member, ID number is masked', async () => {
    const link = page.locator('a.member-link').first();
    const name = (await link.textContent()).trim();
    const from = page.url();
    await link.click();
    await page.waitForURL((u) => u.href !== from);
    await page.locator('h1').first().waitFor();
    const h1 = await page.locator('h1').first().textContent();
    assert.ok(h1.includes(name), `h1 "${h1.trim()}" should contain "${name}"`);
    const text = await page.locator('body').innerText();
    assert.match(text, MASKED_ID, 'member page should show a masked ID number');
    log(`member page for ${name}: ${pathOf(page.url())}, masked ID ${text.match(MASKED_ID)[0]}`);
  });

  step('5 new member form rejects a bad ID check digit', async () => {
    await page.goto(`${base}/members/new`);
    await page.locator('input[name=name]').fill('测试党员');
    await page.locator('input[name=id_number]').fill('500102198503170012'); // wrong check digit

    const org = page.locator('select[name=org_id]');
    if ((await org.count()) > 0) {
      const values = await org.locator('option').evaluateAll((os) => os.map((o) => o.value));
      if (values.length > 1) await org.selectOption(values[1]);
    }
    await fillIfPresent(page, 'input[name=birth_date]', '1985-03-17');
    await selectIfPresent(page, 'select[name=gender]', 'male');
    await fillIfPresent(page, 'input[name=phone]', '13800138000');
    await fillIfPresent(page, 'input[name=join_date]', '2010-07-01');

    // Any other required select still empty: take its first real option,
    // so the browser's own validation does not stop the submit.
    const form = page.locator('form:has(input[name=id_number])');
    for (const sel of await form.locator('select[required]').all()) {
      if ((await sel.inputValue()) === '') {
        const first = await sel.locator('option').evaluateAll((os) => os.map((o) => o.value).find((v) => v));
        if (first) await sel.selectOption(first);
      }
    }
    const emptyRequired = await form.locator('input[required]').evaluateAll(
      (els) => els.filter((e) => !e.value).map((e) => e.name),
    );
    if (emptyRequired.length) log(`warning: required inputs left empty: ${emptyRequired.join(', ')}`);

    await form.locator('button[type=submit]').click();
    const error = page.locator('.field-error[data-field="id_number"]');
    await error.waitFor({ state: 'visible' });
    const msg = (await error.textContent()).trim();
    assert.ok(msg.includes('校验'), `id_number error should mention 校验 (check digit), got "${msg}"`);
    log(`id_number error shown: "${msg}"`);
    await screenshot(page, 'form-error.png');
  });
  step('6 pages fit a phone screen', async () => {
    const phone = await browser.newContext(PHONE);
    const cookies = await page.context().cookies();
    await phone.addCookies(cookies);
    const small = await phone.newPage();
    try {
      for (const path of ['/', '/members', '/orgs']) {
        await small.goto(`${base}${path}`);
        const overflow = await overflowOf(small);
        assert.ok(overflow <= 1, `${path} is wider than the phone by ${overflow}px`);
      }
      await small.goto(`${base}/`);
      await small.locator('.chart').first().scrollIntoViewIfNeeded();
      await small.locator('.chart canvas').first().waitFor({ timeout: 15000 });
      await screenshot(small, 'phone-dashboard.png');
    } finally {
      await phone.close();
    }
  });
  step('7 record the missing meetings of a branch and see it turn green', async () => {
    // Find, through the API, a branch and an ended month in which it fell behind.
    const api = async (p, init = {}) => {
      const r = await fetch(`${base}${p}`, init);
      return r.json();
    };
    const token = await authenticators.token(base, account.username, PASSWORD);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const district = await api('/api/v1/life/compliance', auth);
    assert.ok(district.behind.length > 0, 'the demo has branches that fell behind');
    const branch = district.behind[0].org.id;
    const months = [];
    for (let d = new Date(`${district.to}-01`); d >= new Date(`${district.from}-01`); d.setMonth(d.getMonth() - 1)) {
      months.push(d.toISOString().slice(0, 7));
    }
    let month = null;
    let missing = [];
    for (const m of months) {
      const c = await api(`/api/v1/life/compliance?org=${branch}&period=${m}`, auth);
      const gaps = c.by_kind.filter((k) => k.tally.met < k.tally.required);
      if (gaps.length) {
        month = m;
        missing = gaps.flatMap((k) => Array(k.tally.required - k.tally.met).fill(k.kind));
        break;
      }
    }
    assert.ok(month, `branch ${branch} should have a month with missed meetings`);
    log(`branch ${branch} missed ${missing.join(', ')} in ${month}`);

    await page.goto(`${base}/life?org=${branch}&period=${month}`);
    const card = page.locator('.card:has(#life-rate)');
    assert.doesNotMatch(await card.getAttribute('class'), /light-green/, 'the branch starts behind');

    const today = new Date().toISOString().slice(0, 10);
    for (const kind of missing) {
      await page.goto(`${base}/meetings/new?org=${branch}`);
      await page.locator('select[name=kind]').selectOption(kind);
      await page.locator('input[name=held_on]').fill(today);
      await page.locator('input[name=for_period]').fill(`${month}-15`);
      await page.locator('input[name=topic]').fill('补开会议');
      await page.locator('input[name=lecturer]').fill('支部书记');
      await page.locator('#meeting-form button[type=submit]').click();
      await page.waitForURL(/\/meetings\/\d+$/);
    }

    await page.goto(`${base}/life?org=${branch}&period=${month}`);
    assert.match(await card.getAttribute('class'), /light-green/, 'the branch has turned green');
    assert.equal((await page.locator('#life-rate').textContent()).trim(), '100.0%');
    await screenshot(page, 'branch-green.png');
  });
  step('8 members check in from a phone, the meeting takes their attendance, files and export', async () => {
    const accounts = demo.accounts;
    const secretary = accounts.find((a) => a.username === 'baitao-secretary');
    assert.ok(secretary, 'the demo has the Baitao branch secretary');
    const branch = secretary.scope_org_id;

    // The host opens check-in and shows the code.
    await page.goto(`${base}/checkins/new?org=${branch}`);
    await page.locator('select[name=kind]').selectOption('theme_day');
    await page.locator('input[name=topic]').fill('主题党日：重温入党誓词');
    await page.locator('#checkin-form button[type=submit]').click();
    await page.waitForURL(/\/checkins\/\d+$/);
    const code = (await page.locator('#checkin-code').textContent()).trim();
    assert.match(code, /^\d{6}$/);
    assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code is shown');
    const host = page.url();

    // A member scans the code on a phone, logs in, and lands on the filled-in form.
    const phone = await browser.newContext(PHONE);
    try {
      const small = await phone.newPage();
      await small.goto(`${base}/checkin?code=${code}`);
      await small.waitForURL(/\/login\?next=/);
      await small.locator('input[name=username]').fill('baitao-member');
      await small.locator('input[name=password]').fill(PASSWORD);
      await small.locator('button[type=submit]').click();
      await small.waitForURL(/\/checkin\?code=\d{6}$/);
      assert.equal(await small.locator('input[name=code]').inputValue(), code);
      await small.locator('#member-checkin button[type=submit]').click();
      await small.locator('#checkin-done').waitFor();
      assert.match(await small.locator('#checkin-done').textContent(), /签到成功/);
      const overflow = await overflowOf(small);
      assert.ok(overflow <= 1, `the check-in page is wider than the phone by ${overflow}px`);
      await screenshot(small, 'phone-checkin.png');

      // The member's home is their own: this period's meetings, their dues, no statistics.
      await small.goto(`${base}/`);
      await small.waitForURL(/\/me$/);
      await small.locator('#my-due li').first().waitFor();
      assert.ok(await small.locator('#my-dues').isVisible(), 'my dues are shown');
      assert.equal(await small.locator('.chart').count(), 0, 'no branch charts on a member home');
      const menu = (await small.locator('nav.nav').textContent()) || '';
      assert.ok(!menu.includes('发展党员') && !menu.includes('云中心'), `member menu: ${menu}`);
      const wide = await overflowOf(small);
      assert.ok(wide <= 1, `the member home is wider than the phone by ${wide}px`);
      await screenshot(small, 'phone-member-home.png');
    } finally {
      await phone.close();
    }

    // The host's list updates by itself; the meeting is recorded from it.
    await page.goto(host);
    await page.locator('#checkin-count').waitFor({ timeout: 15000 });
    assert.equal((await page.locator('#checkin-count').textContent()).trim(), '1');
    await page.locator('#record-from-checkin').click();
    await page.waitForURL(/\/meetings\/new\?/);
    assert.equal(await page.locator('input[name=topic]').inputValue(), '主题党日：重温入党誓词');
    await page.locator('input[name=study_minutes]').fill('60');
    await page.locator('#meeting-form button[type=submit]').click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const present = await page.locator('#attendance-table tbody tr:has-text("出席")').count();
    assert.equal(present, 1, 'only the member who checked in is present');

    // A photo is kept with the minutes; a program is refused with a reason.
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    await page.locator('input[name=file]').setInputFiles({ name: '会场.png', mimeType: 'image/png', buffer: png });
    await page.locator('#upload-form button[type=submit]').click();
    await page.locator('#meeting-files a:has-text("会场.png")').waitFor();
    await page.locator('input[name=file]').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await page.locator('#upload-form button[type=submit]').click();
    await page.locator('#file-error').waitFor();
    assert.match(await page.locator('#file-error').textContent(), /只能上传/);
    await screenshot(page, 'meeting-files.png');

    // The compliance table downloads as a spreadsheet.
    await page.goto(`${base}/life?org=${branch}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#life-export').click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
  });

  step('9 import a roster with bad rows: preview, error report, the valid rows imported', async () => {
    const accounts = demo.accounts;
    const branch = accounts.find((a) => a.username === 'baitao-secretary').scope_org_id;
    await page.goto(`${base}/imports?org=${branch}`);
    const [template] = await Promise.all([page.waitForEvent('download'), page.locator('#template-link').click()]);
    assert.match(template.suggestedFilename(), /模板\.xlsx$/);

    const header = ['姓名', '身份证号', '性别', '民族', '出生日期', '手机号', '学历', '人员类别', '入党日期', '转正日期', '党员状态', '流动党员', '所在支部代码'];
    const good = idNumber('19930815', 7);
    const rows = [
      header,
      ['浏览器导入', good, '', '汉族', '', '13900139000', '本科', '在职', '2016年7月1日', '2017/7/1', '正式党员', '否', ''],
      ['错号码', good.slice(0, 17) + (good.endsWith('1') ? '2' : '1'), '', '汉族', '', '', '本科', '在职', '2016-07-01', '2017-07-01', '正式党员', '', ''],
      ['错手机', idNumber('19940101', 9), '', '汉族', '', '1234', '本科', '在职', '2016-07-01', '2017-07-01', '正式党员', '', ''],
    ];
    await page.locator('input[name=file]').setInputFiles({ name: '名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx('党员名册', rows) });
    await page.locator('#import-form button[type=submit]').click();
    await page.waitForURL(/\/imports\/\d+$/);
    assert.equal((await page.locator('#valid-count').textContent()).trim(), '1');
    assert.equal((await page.locator('#invalid-count').textContent()).trim(), '2');
    const problems = await page.locator('#import-errors tbody').textContent();
    assert.match(problems, /身份证号/);
    assert.match(problems, /手机号/);
    const [report] = await Promise.all([page.waitForEvent('download'), page.locator('#error-report').click()]);
    assert.match(report.suggestedFilename(), /错误报告\.xlsx$/);
    await screenshot(page, 'import-preview.png');

    await page.locator('#commit-form button[type=submit]').click();
    await page.locator('#import-status[data-state=done]').waitFor({ timeout: 30000 });
    await page.goto(`${base}/members?org=${branch}&q=${encodeURIComponent('浏览器导入')}`);
    assert.equal(await page.locator('table tbody tr:has-text("浏览器导入")').count(), 1, 'the valid row was imported');
  });

  step('10 a resident reports from a phone and tracks it; staff accept and resolve; the resident confirms', async () => {
    const accounts = demo.accounts;
    const village = accounts.find((a) => a.username === 'baitao-village').scope_org_id;
    const mobile = await browser.newContext(PHONE);
    try {
      const small = await mobile.newPage();
      const fits = async (what) => {
        const overflow = await overflowOf(small);
        assert.ok(overflow <= 1, `${what} is wider than the phone by ${overflow}px`);
      };
      // No account: the form is open to anyone.
      await small.goto(`${base}/r`);
      await small.locator('select[name=category_id]').selectOption({ index: 1 });
      const grids = small.waitForResponse((r) => r.url().includes('/r/grids'));
      await small.locator('select[name=community_id]').selectOption(String(village));
      await grids;
      await small.locator('input[name=address]').fill('白涛街道滨江路 12 号');
      await small.locator('textarea[name=description]').fill('楼道灯坏了两个星期，老人晚上上下楼不安全');
      await small.locator('input[name=phone]').fill('13812345678');
      const question = await small.locator('label:has(input[name=answer])').textContent();
      const [a, b] = question.match(/\d+/g).map(Number);
      await small.locator('input[name=answer]').fill(String(a + b));
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
        '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
      await small.locator('input[name=photo]').setInputFiles({ name: '楼道.png', mimeType: 'image/png', buffer: png });
      await fits('the request form');
      await small.locator('#request-form button[type=submit]').click();
      await small.locator('#tracking-code').waitFor();
      const code = (await small.locator('#tracking-code').textContent()).trim();
      assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
      await screenshot(small, 'phone-request-submitted.png');

      // Tracking needs the phone as well as the code.
      const track = async () => {
        await small.goto(`${base}/r/track?code=${code}`);
        await small.locator('#track-form input[name=phone]').fill('13812345678');
        await small.locator('#track-form button[type=submit]').click();
        await small.locator('#tracked-state').waitFor();
        return (await small.locator('#tracked-state').textContent()).trim();
      };
      assert.equal(await track(), '待受理');
      await fits('the tracking page');

      // The staff accept it, send it to the routed department, and resolve it.
      await page.goto(`${base}/requests?org=${village}`);
      await page.locator(`#requests a:has-text("${code}")`).click();
      await page.waitForURL(/\/requests\/\d+$/);
      assert.equal(await page.locator('a:has-text("查看照片")').count(), 1, 'the photo came along');
      await page.locator('#act-accept').click();
      await page.locator('#request-state:has-text("已受理")').waitFor();
      await page.locator('#dispatch-form button[type=submit]').click();
      await page.locator('#request-state:has-text("已转部门")').waitFor();
      await page.locator('#resolve-form textarea[name=note]').fill('物业已更换楼道灯，并加装声控开关');
      await page.locator('#resolve-form button[type=submit]').click();
      await page.locator('#request-state:has-text("已办结")').waitFor();
      await screenshot(page, 'request-resolved.png');

      // The resident reads the reply and confirms.
      assert.equal(await track(), '已办结');
      assert.match(await small.locator('#tracked-reply').textContent(), /声控开关/);
      await small.locator('#answer-form button[value=confirm]').click();
      await small.locator('#tracked-state:has-text("群众已确认")').waitFor();
      assert.ok((await small.locator('#timeline li').count()) >= 5, 'every step is on the timeline');
      await screenshot(small, 'phone-request-confirmed.png');
    } finally {
      await mobile.close();
    }
  });

  step('11 accounts: open one, its first login changes the password, disable it; log in again with a code', async () => {
    const secretary = demo.accounts.find((a) => a.username === 'baitao-secretary');
    const branch = secretary.scope_org_id;
    // The branch's page opens the form with its code filled in.
    await page.goto(`${base}/orgs/${branch}`);
    await page.locator('#org-account').click();
    await page.waitForURL(/\/accounts\/new\?org=/);
    await page.locator('input[name=username]').fill('e2e-clerk');
    await page.locator('input[name=display_name]').fill('宣传委员');
    await page.locator('select[name=role]').selectOption('branch_secretary');
    await page.locator('#account-form button[type=submit]').click();
    const temporary = (await page.locator('#issued-password').textContent()).trim();
    assert.match(temporary, /^[A-Za-z0-9]{16}$/);
    await screenshot(page, 'account-issued.png');

    // Its owner logs in with it on a phone and must choose their own password first.
    const phone = await browser.newContext(PHONE);
    try {
      const small = await phone.newPage();
      await small.goto(`${base}/login`);
      await small.locator('input[name=username]').fill('e2e-clerk');
      await small.locator('input[name=password]').fill(temporary);
      await small.locator('button[type=submit]').click();
      await small.waitForURL((u) => u.pathname === '/account/password');
      assert.equal(await small.locator('#must-change').count(), 1);
      await small.locator('#password-form input[name=current_password]').fill(temporary);
      await small.locator('#password-form input[name=password]').fill('clerk-own-password-2026');
      await small.locator('#password-form input[name=password_again]').fill('clerk-own-password-2026');
      await small.locator('#password-form button[type=submit]').click();
      await small.locator('#password-changed').waitFor();
      const overflow = await overflowOf(small);
      assert.ok(overflow <= 1, `the account page is wider than the phone by ${overflow}px`);
      await small.goto(`${base}/`);
      assert.notEqual(pathOf(small.url()), '/account/password', 'past its first login');

      // The admin finds it in the list, sees its session and disables it: it is logged out.
      await page.goto(`${base}/accounts?q=e2e-clerk`);
      await page.locator('#accounts a:has-text("e2e-clerk")').click();
      await page.waitForURL(/\/accounts\/\d+$/);
      assert.ok((await page.locator('#account-sessions tbody tr').count()) >= 1, 'its session is listed');
      await page.locator('summary:has-text("停用账号")').click();
      await page.locator('#disable-form input[name=confirm]').check();
      await page.locator('#disable-form button[type=submit]').click();
      await page.locator('#account-status:has-text("已停用")').waitFor();
      await small.goto(`${base}/me`);
      await small.waitForURL(/\/login/);
    } finally {
      await phone.close();
    }

    // The admin's next login asks for the code of the authenticator.
    await page.locator('form[action="/logout"] button').click();
    await page.waitForURL(/\/login/);
    await page.locator('input[name=username]').fill(account.username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('form:has(input[name=password]) button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/login/otp');
    await page.locator('#otp-form input[name=otp]').fill('000000');
    await page.locator('#otp-form button[type=submit]').click();
    await page.locator('.alert[role=alert]').waitFor();
    await page.locator('#otp-form input[name=otp]').fill(await authenticators.code(account.username));
    await page.locator('#otp-form button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/');
    assert.match(await page.locator('#last-login').textContent(), /上次登录 \d{4}-\d{2}-\d{2}/);
  });
  step('12 a branch scores itself on a phone: computed items pre-filled, a bad score refused, submitted', async () => {
    const secretary = demo.accounts.find((a) => a.username === 'baitao-secretary');
    const branch = secretary.scope_org_id;
    const phone = await browser.newContext(PHONE);
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(UI_TIMEOUT_MS);
      small.on('dialog', (d) => d.accept());
      await small.goto(`${base}/stars/${branch}`);
      await small.waitForURL(/\/login\?next=/);
      await small.locator('input[name=username]').fill('baitao-secretary');
      await small.locator('input[name=password]').fill(PASSWORD);
      await small.locator('button[type=submit]').click();
      await small.waitForURL(new RegExp(`/stars/${branch}`));
      await small.locator('#sheet-preview').waitFor();
      assert.match(await small.locator('#item-4\\.1').textContent(), /三会一课：应开 \d+ 次，按时开 \d+ 次/,
        'the meetings item shows the figure it was computed from');

      // A score above the item's points: the browser stops it, and so does the server when the
      // browser's check is bypassed, naming the item; nothing is stored.
      await small.locator('input[name="score_1.2"]').fill('12');
      assert.equal(await small.locator('input[name="score_1.2"]').evaluate((e) => e.validity.rangeOverflow), true);
      await small.locator('#sheet-form').evaluate((f) => { f.noValidate = true; });
      await small.locator('#act-save').click();
      await small.locator('#sheet-errors').waitFor();
      assert.match(await small.locator('#sheet-errors').textContent(), /1\.2/);
      assert.equal(await small.locator('#sheet-preview').count(), 1, 'still only a preview');

      // Every item typed by hand gets its score; the computed ones stay as computed.
      for (const input of await small.locator('input[name^="units_"]').all()) await input.fill('0');
      for (const input of await small.locator('input[name^="score_"]').all()) {
        if ((await input.inputValue()) === '' || (await input.getAttribute('name')) === 'score_1.2') {
          const name = await input.getAttribute('name');
          await input.fill(name === 'score_8.1' ? '0' : await input.getAttribute('max'));
        }
      }
      await small.locator('#act-submit').click();
      await small.locator('#sheet-state:has-text("待镇街审核")').waitFor();
      assert.match(await small.locator('#sheet-total').textContent(), /\d/);
      assert.equal(await small.locator('#act-submit').count(), 0, 'nothing more to do for the branch');
      const overflow = await overflowOf(small);
      assert.ok(overflow <= 1, `the sheet is wider than the phone by ${overflow}px`);
      await screenshot(small, 'phone-star-sheet.png');
    } finally {
      await phone.close();
    }
  });
  step('13 the district records a village election: candidates, a bad ID refused, the joint vetting, the result', async () => {
    const village = demo.accounts.find((a) => a.username === 'baitao-village').scope_org_id;
    const day = (ago) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    page.on('dialog', (d) => d.accept());
    await page.goto(`${base}/cadres/villages/${village}`);
    await page.locator('#party-table').waitFor();
    const open = page.locator('#open-election-form');
    await open.locator('input[name=started_on]').fill(day(20));
    await open.locator('button[type=submit]').click();
    await page.waitForURL(/\/cadres\/elections\/\d+$/);
    assert.equal(await page.locator('#election-stage').getAttribute('data-stage'), 'preparing');

    // A party candidate: the first member of the village young enough for the post.
    const members = await page.locator('#candidate-form select[name=member_id] option')
      .evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(members.length > 0, 'the village has full members to choose from');
    let party = null;
    for (const value of members.slice(0, 10)) {
      const f = page.locator('#candidate-form');
      await f.locator('select[name=body]').selectOption('party');
      await f.locator('select[name=post]').selectOption({ label: '组织委员' });
      await f.locator('select[name=member_id]').selectOption(value);
      await f.locator('#candidate-submit').click();
      await page.waitForLoadState('load');
      if ((await page.locator('#candidate-errors').count()) === 0) {
        party = value;
        break;
      }
    }
    assert.ok(party, 'a member under the age cap stood for the party committee');

    // The director by ID number: a wrong check digit is refused beside the field, nothing added.
    const rowsBefore = await page.locator('#candidates-table tbody tr').count();
    const addPerson = async (id) => {
      const f = page.locator('#candidate-form');
      await f.locator('select[name=body]').selectOption('residents');
      await f.locator('select[name=post]').selectOption({ label: '主任' });
      await f.locator('select[name=member_id]').selectOption('');
      await f.locator('input[name=name]').fill('向春燕');
      await f.locator('input[name=id_number]').fill(id);
      await f.locator('select[name=education]').selectOption({ label: '本科' });
      await f.locator('#candidate-submit').click();
      await page.waitForLoadState('load');
    };
    await addPerson('500102198803080021');
    await page.locator('.field-error[data-field=id_number]').waitFor();
    assert.equal(await page.locator('#candidates-table tbody tr').count(), rowsBefore, 'nothing added');
    await addPerson(idNumber('19880308', 22));
    assert.equal(await page.locator('#candidate-errors').count(), 0);
    assert.equal(await page.locator('#candidates-table tbody tr').count(), rowsBefore + 1);
    assert.equal(await page.locator('#election-stage').getAttribute('data-stage'), 'vetting');

    // The district's joint vetting passes both.
    const ids = await page.locator('#candidates-table tbody tr')
      .evaluateAll((rs) => rs.map((r) => r.id.replace('candidate-', '')));
    for (const id of ids) {
      await page.locator(`#vet-form-${id} select[name=result]`).selectOption('passed');
      await page.locator(`#vet-submit-${id}`).click();
      await page.waitForLoadState('load');
    }
    assert.equal(await page.locator('#election-stage').getAttribute('data-stage'), 'voting');

    // The result: both elected on their vote days; the election is finished.
    const result = page.locator('#result-form');
    await result.locator('input[name=party_voted_on]').fill(day(3));
    await result.locator('input[name=residents_voted_on]').fill(day(2));
    for (const box of await result.locator('input[name=elected]').all()) await box.check();
    await page.locator('#result-submit').click();
    await page.locator('#election-stage[data-stage=finished]').waitFor();
    await screenshot(page, 'election-finished.png');
    await page.goto(`${base}/cadres/villages/${village}`);
    assert.match(await page.locator('#residents-table').textContent(), /向春燕/);
    assert.equal(await page.locator('#party-table tbody tr').count(), 1, 'the new party committee');
  });
  step('14 a volunteer activity on phones: published, a resident and a member sign up, the hours confirmed and seen by both', async () => {
    // The server's day is China's (UTC+8).
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const login = async (context, username, next) => {
      const small = await context.newPage();
      small.setDefaultTimeout(UI_TIMEOUT_MS);
      await small.goto(`${base}${next}`);
      await small.waitForURL(/\/login\?next=/);
      await small.locator('input[name=username]').fill(username);
      await small.locator('input[name=password]').fill(PASSWORD);
      await small.locator('button[type=submit]').click();
      await small.waitForURL((u) => u.pathname === next);
      return small;
    };
    const fits = async (small, what) => {
      const overflow = await overflowOf(small);
      assert.ok(overflow <= 1, `${what} is wider than the phone by ${overflow}px`);
    };
    const organizer = await browser.newContext(PHONE);
    const resident = await browser.newContext(PHONE);
    const member = await browser.newContext(PHONE);
    try {
      // The branch secretary publishes an activity today; a length past a day is refused.
      const small = await login(organizer, 'baitao-secretary', '/volunteers');
      const form = small.locator('#activity-form');
      await form.locator('input[name=title]').fill('白涛街道敬老院义务理发');
      await form.locator('select[name=category]').selectOption({ index: 1 });
      await form.locator('input[name=held_on]').fill(today);
      await form.locator('input[name=starts_at]').fill('08:00');
      await form.locator('input[name=hours]').fill('30');
      await form.locator('input[name=place]').fill('白涛街道敬老院');
      await small.locator('#activity-submit').click();
      await small.locator('.field-error[data-field=minutes]').waitFor();
      await small.locator('#activity-form input[name=hours]').fill('2');
      await small.locator('#activity-submit').click();
      await small.waitForURL(/\/volunteers\/\d+$/);
      const activity = pathOf(small.url());
      const link = await small.locator('#public-link').getAttribute('href');
      await fits(small, 'the activity page');

      // A resident signs up by the link with a name and a phone and keeps the record code.
      const r = await resident.newPage();
      r.setDefaultTimeout(UI_TIMEOUT_MS);
      await r.goto(new URL(link, base).href);
      await r.locator('#public-signup input[name=name]').fill('冉秀英');
      await r.locator('#public-signup input[name=phone]').fill('13912346677');
      await r.locator('#public-signup-submit').click();
      await r.locator('#signup-done').waitFor();
      const code = (await r.locator('#record-code').textContent()).trim();
      assert.ok(code.length >= 6, `a record code: ${code}`);
      await fits(r, 'the public sign-up');

      // A member of the branch opens it (from the link the branch shares) and signs up.
      const m = await login(member, 'baitao-member', activity);
      await m.locator('#signup-submit').click();
      await m.locator('#signed-up').waitFor();
      assert.equal(await m.locator('#volunteer-summary').count(), 0, 'no level figures for a member');
      await fits(m, "the member's activity page");

      // The organizer confirms the minutes of both; the activity is done.
      await small.goto(`${base}${activity}`);
      const inputs = small.locator('#signups-table input[name^=m]');
      assert.equal(await inputs.count(), 2, 'both sign-ups are listed');
      await inputs.nth(0).fill('120');
      await inputs.nth(1).fill('90');
      await small.locator('#confirm-submit').click();
      await small.locator('#activity-state:has-text("到场 2 人")').waitFor();

      // Each sees their own record: the member on 我的, the resident by code and phone.
      await m.goto(`${base}/me/volunteer`);
      assert.notEqual((await m.locator('#record-times').textContent()).trim(), '0');
      assert.match(await m.locator('#record-table').textContent(), /敬老院义务理发/);
      await fits(m, "the member's record");
      await r.goto(`${base}/r/volunteer`);
      await r.locator('#record-lookup input[name=code]').fill(code);
      await r.locator('#record-lookup input[name=phone]').fill('13912346677');
      await r.locator('#lookup-submit').click();
      await r.locator('#record-table').waitFor();
      assert.match(await r.locator('#record-table').textContent(), /敬老院义务理发/);
      await fits(r, "the resident's record");
      await screenshot(r, 'phone-volunteer-record.png');
    } finally {
      await organizer.close();
      await resident.close();
      await member.close();
    }
  });

  step('15 the big screen at 1920×1080: a display account sees a meeting arrive in place; staff drill down to a list', async () => {
    const token = await authenticators.token(base, account.username, PASSWORD);
    const api = async (p, init = {}) => {
      const r = await fetch(`${base}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      const body = await r.json();
      assert.ok(r.ok, `${p}: ${r.status} ${JSON.stringify(body)}`);
      return body;
    };
    // A branch that owes this month's theme day: down the screens, lowest first.
    const root = (await api('/api/v1/me')).scope_org_id;
    let org = root;
    for (let depth = 0; depth < 8; depth += 1) {
      const s = await api(`/api/v1/screen/${org}`);
      const behind = s.children.filter((c) => c.theme_day.held < c.theme_day.due);
      if (behind.length === 0) {
        assert.equal(s.theme_day.due - s.theme_day.held, 1, `org ${org} should owe its own theme day`);
        break;
      }
      org = behind[0].org.id;
    }
    log(`branch ${org} owes this month's theme day`);

    const wall = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    wall.setDefaultTimeout(UI_TIMEOUT_MS);
    const errors = [];
    try {
      const screenPage = await wall.newPage();
      screenPage.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      screenPage.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
      const display = demo.accounts.find((a) => a.role === 'display');
      assert.ok(display, 'the demo has a display account');
      await screenPage.goto(`${base}/login`);
      const form = screenPage.locator('form:has(input[name=password])');
      await form.locator('input[name=username]').fill(display.username);
      await form.locator('input[name=password]').fill(PASSWORD);
      await form.locator('button[type=submit]').click();
      await screenPage.waitForURL((u) => u.pathname === `/screen/${root}`);
      // Polled every 5 s for the test (a minute by default).
      await screenPage.goto(`${base}/screen/${root}?refresh=5`);
      const size = await screenPage.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
      assert.deepEqual(size, [1920, 1080], 'the screen fills 16:9 without scrolling');
      assert.equal(await screenPage.locator('#screen-live a[href^="/members"], #screen-live a[href^="/life"]').count(), 0, 'a display account opens no list');
      assert.ok(await screenPage.locator('#screen-map a.tile').count() >= 27, 'the towns on the map');
      const held = Number((await screenPage.locator('#screen-theme-held').textContent()).trim());
      const asOf = (await screenPage.locator('#screen-as-of').textContent()).trim();
      await screenPage.evaluate(() => { window.notReloaded = true; });
      await screenshot(screenPage, 'screen-1920.png');

      // A meeting recorded elsewhere arrives on the next refresh, without a reload.
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      await api('/api/v1/meetings', { method: 'POST', body: JSON.stringify({ org_id: org, kind: 'theme_day', held_on: today, topic: '主题党日：大屏测试' }) });
      await screenPage.waitForFunction((n) => Number(document.querySelector('#screen-theme-held')?.textContent) === n, held + 1, { timeout: 20_000 });
      assert.notEqual((await screenPage.locator('#screen-as-of').textContent()).trim(), asOf, 'the time of the data moves on');
      assert.equal(await screenPage.evaluate(() => window.notReloaded), true, 'refreshed in place');
      assert.deepEqual(errors, [], 'no console errors on the screen');

      // Staff: the same screen opens its lists, and a tile the child's screen.
      await page.goto(`${base}/screen/${root}`);
      await page.locator('a:has(#screen-members)').click();
      await page.waitForURL((u) => u.pathname === '/members' && u.searchParams.get('org') === String(root));
      assert.ok(await page.locator('table tbody tr').count() > 0, 'the list the figure counts');
      await page.goto(`${base}/screen/${root}`);
      await page.locator('#screen-map a.tile').first().click();
      await page.waitForURL((u) => /^\/screen\/\d+$/.test(u.pathname) && u.pathname !== `/screen/${root}`);
      assert.ok((await page.locator('.trail a').count()) >= 1, 'the way back up');
    } finally {
      await wall.close();
    }
  });
});
