// Drives Debian's Chromium (headless) over the privacy office's review pages:
// logs in, visits every page, checks the text a reviewer relies on, and saves
// a screenshot of each page. Called by tests/integration/office_pages_test.sh.
//
// usage: node review_pages.mjs BASE_URL USER PASSWORD OUT_DIR EXPECT_JSON
// EXPECT_JSON names what the seeded data must show (see office_seed.cc).
// Exit 0 when every check passed; 1 with the failed checks listed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, user, password, outDir, expectFile] = process.argv.slice(2);
if (!expectFile) {
  console.error('usage: node review_pages.mjs BASE_URL USER PASSWORD OUT_DIR EXPECT_JSON');
  process.exit(2);
}
const expect = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

fs.mkdirSync(outDir, { recursive: true });
const userDataDir = fs.mkdtempSync(path.join(outDir, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  ignoreHTTPSErrors: true,
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] ?? await context.newPage();
// Nothing on the pages may run script or break the CSP.
page.on('dialog', async (dialog) => {
  check(false, `no script ran (a dialog said: ${dialog.message()})`);
  await dialog.dismiss();
});
let expectHttpError = false;  // while a wrong password is tried on purpose
page.on('console', (msg) => {
  if (msg.type() !== 'error') return;
  if (expectHttpError && msg.text().startsWith('Failed to load resource')) return;
  check(false, `no console error on ${page.url()} (${msg.text()})`);
});
page.on('pageerror', (err) => check(false, `no page error (${err.message})`));

async function shot(name) {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`     screenshot ${file}`);
}
async function text() { return await page.locator('body').innerText(); }
async function visit(pathAndQuery) {
  const response = await page.goto(base + pathAndQuery);
  check(response !== null && response.status() === 200,
        `${pathAndQuery}: HTTP 200 (got ${response && response.status()})`);
  const headers = response ? response.headers() : {};
  check((headers['content-security-policy'] || '').startsWith("default-src 'self'"),
        `${pathAndQuery}: Content-Security-Policy default-src 'self'`);
  check(headers['x-frame-options'] === 'DENY', `${pathAndQuery}: X-Frame-Options DENY`);
  check(headers['x-content-type-options'] === 'nosniff',
        `${pathAndQuery}: X-Content-Type-Options nosniff`);
}
function has(body, needle, where) {
  check(body.includes(needle), `${where} shows "${needle}"`);
}

try {
  // Login.
  await page.goto(base + '/');
  check(new URL(page.url()).pathname === '/login', 'an anonymous visit lands on /login');
  has(await text(), 'ログイン', 'login page');
  await shot('01-login');

  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', 'wrong password!');
  expectHttpError = true;
  await page.click('main button[type=submit]');
  has(await text(), '利用者名またはパスワードが違います', 'a wrong password');
  expectHttpError = false;

  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(base + '/'), page.click('main button[type=submit]')]);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-piiguard-session');
  check(session && session.httpOnly && session.secure && session.sameSite === 'Strict',
        'the session cookie is HttpOnly, Secure, SameSite=Strict');

  // Overview: incidents first, the tampered PC in red.
  await visit('/');
  let body = await text();
  has(body, '重大な異常（インシデント）', 'overview');
  has(body, expect.tampered_pc, 'overview');
  has(body, expect.incident_reason, 'overview');
  const incidentAt = body.indexOf(expect.incident_reason);
  const recentAt = body.indexOf('直近30日間');
  check(incidentAt >= 0 && incidentAt < recentAt, 'overview: the incident comes before the counts');
  has(body, `ヒヤリ・ハット: ${expect.near_miss_count} 件`, 'overview');
  const red = await page.locator('tr.failed td').first().evaluate(
    (td) => getComputedStyle(td).backgroundColor);
  check(red === 'rgb(253, 232, 232)', `overview: the failed PC's row is red (${red})`);
  await shot('02-overview');

  // Violations and attempts.
  await visit('/violations');
  body = await text();
  has(body, expect.violation_text, 'violations');
  // Labelled as the agent's catalogue says (common/journal/event_types.h).
  for (const l of expect.violation_labels) has(body, l, 'violations');
  check(!body.includes(expect.info_only_type), 'violations: info records are not listed');
  await shot('03-violations');
  await visit(`/violations?pc=${encodeURIComponent(expect.other_pc)}`);
  check(!(await text()).includes(expect.violation_text), 'violations: the PC filter narrows the list');

  // Near misses, Japanese text, hostile text shown as text.
  await visit('/near-misses');
  body = await text();
  for (const t of expect.near_miss_texts) has(body, t, 'near misses');
  check((await page.locator('script').count()) === 0, 'near misses: no <script> element on the page');
  await shot('04-near-misses');

  // One record.
  await page.locator('td a', { hasText: '詳しく' }).first().click();
  body = await text();
  has(body, '記録の詳細', 'record detail');
  has(body, expect.near_miss_label, 'record detail (a near miss)');
  await shot('05-event');

  // PCs and consignees.
  await visit('/pcs');
  body = await text();
  for (const pc of expect.pcs) has(body, pc, 'PCs');
  for (const c of expect.consignee_names) has(body, c, 'PCs');
  has(body, `記録の検証に失敗: ${expect.incident_reason}`, 'PCs');
  await shot('06-pcs');

  // Yearly counts (R14).
  await visit('/counts');
  body = await text();
  has(body, expect.fiscal_year_label, 'yearly counts');
  for (const job of expect.job_names) has(body, job, 'yearly counts');
  await shot('07-counts');

  // Exception codes (issue 17 item 5): the IT desk's ledger against the
  // PCs' uses, linked from the overview; the use without a record first.
  await visit('/');
  has(await text(), expect.exceptions_overview, 'overview (exception codes)');
  await Promise.all([
    page.waitForURL(/\/exceptions/),
    page.locator('a', { hasText: '例外コード:' }).click(),
  ]);
  await visit('/exceptions');
  body = await text();
  has(body, '例外コードの照合', 'exception codes');
  for (const t of expect.exception_texts) has(body, t, 'exception codes');
  has(body, expect.exception_alarm, 'exception codes (the use without a record)');
  has(body, expect.exception_alarm_cause, 'exception codes (what may explain it)');
  const alarmAt = body.indexOf(expect.exception_alarm);
  const sunAt = body.indexOf('サン介護サービス');
  check(sunAt >= 0 && alarmAt > sunAt, 'exception codes: the alarm is listed under its consignee');
  await shot('07b-exceptions');

  // Signed exception files (issue 17): the queue, linked from the overview
  // with the number waiting; a withdrawal; the form without a signer.
  await visit('/');
  await Promise.all([
    page.waitForURL(/\/exceptions\/queue/),
    page.locator('a', { hasText: '例外ファイル: 配信待ち 1 件' }).click(),
  ]);
  body = await text();
  has(body, expect.queued_exception_id, 'exception queue');
  has(body, '(command line)', 'exception queue (who issued it)');
  has(body, '<script>alert("queue")</script>講座の会場で', 'exception queue (the reason, as text)');
  has(body, '配信待ち', 'exception queue (waiting)');
  has(body, '呼び戻せません', 'exception queue (a fetched file cannot be called back)');
  await shot('07c-exception-queue');
  await Promise.all([
    page.waitForURL(/withdrawn=/),
    page.locator(`tr:has-text("${expect.queued_exception_id}") button`).click(),
  ]);
  body = await text();
  has(body, `例外ファイル ${expect.queued_exception_id}（端末 hidamari-pc-01）を取り消しました`,
      'exception queue (withdrawn)');
  has(body, '取り消し済み（tanaka', 'exception queue (who withdrew it)');
  check(!(await page.locator('form[action="/exceptions/queue/withdraw"]').count()),
        'exception queue: nothing left to withdraw');
  await visit('/exceptions/issue');
  has(await text(), '署名サービスが設定されていない', 'exception issue form (no signer)');
  await shot('07d-exception-issue');

  // Ask a PC for a status report; the request is listed.
  await visit('/pcs');
  await Promise.all([
    page.waitForURL(/\/reports\?/),
    page.locator(`tr:has-text("${expect.report_pc}") button`).click(),
  ]);
  body = await text();
  has(body, `${expect.report_pc} に状況報告を依頼しました`, 'status reports');
  has(body, '回答待ち', 'status reports');
  await visit('/reports');
  body = await text();
  has(body, expect.received_report, 'status reports (a received report)');
  await shot('08-reports');

  // CSV export: BOM, quoting, formula guard.
  const csv = await page.request.get(base + '/near-misses.csv');
  const bytes = await csv.body();
  check(csv.status() === 200 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
        'near-misses.csv starts with the UTF-8 BOM');
  const csvText = bytes.toString('utf8');
  for (const t of expect.near_miss_csv) has(csvText, t, 'near-misses.csv');
  fs.writeFileSync(path.join(outDir, 'near-misses.csv'), bytes);

  // English.
  await visit('/pcs?lang=en');
  has(await text(), 'PCs and consignees', 'the English page');
  await shot('09-pcs-en');

  // Logout ends the session.
  await visit('/');
  await Promise.all([page.waitForURL(/\/login/), page.click('header button[type=submit]')]);
  await page.goto(base + '/violations');
  check(new URL(page.url()).pathname === '/login', 'after logout the pages need a login again');
} catch (err) {
  check(false, `the walk through the pages completed (${err.stack})`);
  await shot('99-failure').catch(() => {});
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(failures.length === 0 ? 'all browser checks passed'
                                  : `${failures.length} browser check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
