// The system tier's privacy office issuing an exception from its review
// pages (tests/system/, docs/exceptions.md "Issuing from the office's
// pages"): logs in with Debian's Chromium (headless) through the forwarded
// port as a user permitted to issue, fills /exceptions/issue as a reviewer
// would (the PC, radios, the minutes, the first responsible person of the
// published policy, a reason), submits it, and reads the file's id from the
// page that says it was queued. The guest then waits for its PC to fetch and
// apply the file through its sync.
//
// usage: node system_issue.mjs --url BASE --expect EXPECT.json --out DIR
//   --pc PC --scope SCOPE --minutes M --reason TEXT
// EXPECT.json gives "user" and "password" (system_pages.mjs's file).
// Prints "CHECK NAME PASS|FAIL DETAIL" per check and "ISSUED ID" once, saves
// screenshots of the form and the answer. Exit 0 when the file was queued,
// 1 otherwise, 2 on a usage error.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const opts = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const k of ['url', 'expect', 'out', 'pc', 'scope', 'minutes', 'reason']) {
  if (!opts[k]) {
    console.error('usage: node system_issue.mjs --url BASE --expect EXPECT.json --out DIR ' +
                  '--pc PC --scope SCOPE --minutes M --reason TEXT');
    process.exit(2);
  }
}
const expect = JSON.parse(fs.readFileSync(opts.expect, 'utf8'));
let failed = 0;
function report(name, ok, detail) {
  console.log(`CHECK ${name} ${ok ? 'PASS' : 'FAIL'} ${detail.replace(/\s+/g, ' ')}`);
  if (!ok) failed += 1;
}

fs.mkdirSync(opts.out, { recursive: true });
const profile = fs.mkdtempSync(path.join(opts.out, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  ignoreHTTPSErrors: true,  // the office's own CA; pinned by the agent, not here
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
  viewport: { width: 1280, height: 900 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(60000);  // the guest serves under TCG
  await page.goto(opts.url + '/');
  await page.fill('input[name=user]', expect.user);
  await page.fill('input[name=password]', expect.password);
  await Promise.all([page.waitForURL(opts.url + '/'), page.click('main button[type=submit]')]);
  report('issue_login', new URL(page.url()).pathname === '/', `after login: ${page.url()}`);
  await page.goto(opts.url + '/exceptions/issue');
  const form = page.locator('form.issue');
  report('issue_form', await form.count() === 1, 'the issuing form is offered to a permitted user');
  await page.selectOption('select[name=pc]', opts.pc);
  await page.selectOption('select[name=scope]', opts.scope);
  await page.selectOption('select[name=minutes]', opts.minutes);
  await page.selectOption('select[name=person]', { index: 0 });
  await page.fill('input[name=reason]', opts.reason);
  await page.screenshot({ path: path.join(opts.out, 'exceptions_issue_form.png'), fullPage: true });
  await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
  await page.waitForSelector('table tr td, p.error');
  await page.screenshot({ path: path.join(opts.out, 'exceptions_issued.png'), fullPage: true });
  const refused = await page.locator('p.error').allInnerTexts();
  const id = (await page.locator('table tr td').first().innerText().catch(() => '')).trim();
  const ok = refused.length === 0 && /^[1-9][0-9]{0,19}$/.test(id);
  report('issue_queued', ok, ok ? `file ${id} queued for ${opts.pc}` : `refused: ${refused.join(' ')}`);
  if (ok) console.log(`ISSUED ${id}`);
  await page.goto(opts.url + '/exceptions/queue');
  const queue = await page.locator('body').innerText();
  report('issue_listed', ok && queue.includes(id), `/exceptions/queue lists ${id}`);
} catch (e) {
  report('issue', false, String(e && e.message || e));
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
