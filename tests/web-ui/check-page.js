// Opens the agent's web page in the system's headless Chromium, waits until the page reports a state
// (or a sequence of states, e.g. error,ready: the page recovers by itself), saves a screenshot and prints what the page showed as one JSON line. Used by the .NET tests
// (tests/NetScope.Kernel.Tests/WebPageEndToEndTests.cs, tests/NetScope.Exporters.Tests/Http/WebPageBrowserTests.cs).
//
//   node check-page.js --url http://127.0.0.1:9745/ --state ready[,...] --screenshot out.png
//     [--min-cells 1] [--timeout 20000] [--user U --password P] [--chromium /usr/bin/chromium]
//
// --min-cells applies to "ready": the heatmap must have drawn that many non-zero cells.
// Exit 0 when every state was reached in order, 1 when one was not (the JSON and screenshot still say what was seen),
// 2 on a usage or launch error.
'use strict';

const { parseArgs } = require('node:util');
const { chromium } = require('playwright-core');

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    state: { type: 'string', default: 'ready' },
    'min-cells': { type: 'string', default: '0' },
    screenshot: { type: 'string' },
    timeout: { type: 'string', default: '20000' },
    user: { type: 'string' },
    password: { type: 'string' },
    chromium: { type: 'string', default: process.env.NETSCOPE_CHROMIUM || '/usr/bin/chromium' },
  },
});

const states = args.state.split(',');
if (!args.url || !states.every((s) => ['ready', 'empty', 'error'].includes(s))) {
  console.error('usage: check-page.js --url URL [--state ready|empty|error[,...]] [--min-cells N] [--screenshot FILE]');
  process.exit(2);
}

/** Everything the page exposes for tests (app.js documents the data attributes). */
function readPage() {
  const canvas = document.getElementById('heatmap');
  return {
    state: document.body.dataset.state,
    nonZeroCells: Number(canvas.dataset.nonzeroCells || 0),
    series: canvas.dataset.series || '',
    floodRules: Number(document.body.dataset.floodRules || 0),
    errorText: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
    emptyShown: !document.getElementById('empty').hidden,
    seriesRows: document.querySelectorAll('#series tbody tr').length,
    status: document.getElementById('status').textContent,
  };
}

async function main() {
  const origin = new URL(args.url).origin;
  const report = { consoleErrors: [], cspViolations: [], foreignRequests: [], reachedStates: [], reached: false };
  let browser;
  try {
    // Playwright's own browser builds are never downloaded: the Debian package is the browser.
    browser = await chromium.launch({ executablePath: args.chromium, headless: true });
  } catch (e) {
    console.error(`cannot launch ${args.chromium}: ${e.message}`);
    process.exit(2);
  }
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      httpCredentials: args.user ? { username: args.user, password: args.password ?? '' } : undefined,
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      // Failed API calls are expected in the error-state test and logged by Chromium as console errors.
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
        report.consoleErrors.push(m.text());
      }
    });
    page.on('pageerror', (e) => report.consoleErrors.push(`uncaught: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) {
        report.foreignRequests.push(r.url());
      }
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations = (window.__cspViolations || []).concat(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    await page.goto(args.url, { waitUntil: 'load' });
    const minCells = Number(args['min-cells']);
    const deadline = Date.now() + Number(args.timeout);
    try {
      for (const state of states) {
        await page.waitForFunction(
          ([wanted, cells]) => document.body.dataset.state === wanted
            && (wanted !== 'ready' || Number(document.getElementById('heatmap').dataset.nonzeroCells || 0) >= cells),
          [state, minCells],
          { timeout: Math.max(deadline - Date.now(), 1), polling: 100 });
        report.reachedStates.push(state);
      }
      report.reached = true;
    } catch {
      // Not reached: report what the page shows instead.
    }
    Object.assign(report, await page.evaluate(readPage));
    report.cspViolations = await page.evaluate(() => window.__cspViolations || []);
    if (args.screenshot) {
      await page.screenshot({ path: args.screenshot, fullPage: true });
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report));
  process.exit(report.reached ? 0 : 1);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
