// The system tier's look at the office's review pages (tests/system/): the
// office runs from its package in the guest, fed only by the real agent on
// that guest; this logs in with Debian's Chromium (headless) through the
// forwarded port and checks what a reviewer would look for.
//
// usage: node system_pages.mjs --url BASE --expect EXPECT.json --out DIR
// EXPECT.json: {"user": U, "password": P, "checks": [{"name": N, "path": "/...",
//   "contains": TEXT | "absent": TEXT | "regex": RE}, ...]}
// Prints "CHECK NAME PASS|FAIL DETAIL" per check (tests/system/system.py
// counts them) and saves a screenshot of every page visited. Exit 0 when all
// passed, 1 otherwise, 2 on a usage error.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const opts = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
if (!opts.url || !opts.expect || !opts.out) {
  console.error('usage: node system_pages.mjs --url BASE --expect EXPECT.json --out DIR');
  process.exit(2);
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
  report('login', new URL(page.url()).pathname === '/', `after login: ${page.url()}`);
  const bodies = new Map();
  for (const c of expect.checks) {
    if (!bodies.has(c.path)) {
      const response = await page.goto(opts.url + c.path);
      const shot = path.join(opts.out, `${c.path.replace(/[^a-z0-9]+/gi, '_') || 'root'}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      bodies.set(c.path, response && response.status() === 200
        ? await page.locator('body').innerText() : `HTTP ${response && response.status()}`);
    }
    const body = bodies.get(c.path);
    if (c.contains !== undefined) {
      report(c.name, body.includes(c.contains), `${c.path} shows "${c.contains}"`);
    } else if (c.absent !== undefined) {
      report(c.name, !body.includes(c.absent), `${c.path} does not show "${c.absent}"`);
    } else {
      const m = body.match(new RegExp(c.regex, 'u'));
      report(c.name, m !== null, `${c.path} matches /${c.regex}/: ${m ? m[0] : 'no match'}`);
    }
  }
} catch (e) {
  report('browser', false, String(e && e.message || e));
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
