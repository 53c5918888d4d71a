// End-to-end test of the real Auditbench desktop binary: tauri-driver drives
// WebKitWebDriver, which starts the app on a temporary copy of the demo project
// (scripts/test-e2e prepares it and runs this under xvfb-run).
//
// Part 1: open the demo, select a finding, triage it, fix it on disk and see it
// turn fixed in the window (live update + notice). Repository text holding HTML
// or script stays inert. Part 2: change a rule's severity and see the dashboard
// update; export the markdown report and check the file on disk.
//
// Env: AUDITBENCH_DESKTOP_BIN (the binary), E2E_PROJECT (the project copy),
// E2E_WORK (a scratch folder), TAURI_DRIVER (default: tauri-driver on PATH),
// E2E_SCREENSHOT (optional: where to save a screenshot of the workbench).

import { spawn } from 'node:child_process';
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { remote } from 'webdriverio';

const BIN = need('AUDITBENCH_DESKTOP_BIN');
const PROJECT = need('E2E_PROJECT');
const WORK = need('E2E_WORK');
const DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const PORT = 4444;
const EXPORT = path.join(WORK, 'exported-report.md');
const T = 30_000;

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name}`);
  return v;
}

function log(msg) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function startDriver() {
  const driver = spawn(DRIVER, ['--port', String(PORT), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // Inherited by the app that WebKitWebDriver starts.
      AUDITBENCH_PROJECT: PROJECT,
      AUDITBENCH_EXPORT_PATH: EXPORT,
      XDG_CONFIG_HOME: path.join(WORK, 'config'),
      XDG_DATA_HOME: path.join(WORK, 'data'),
    },
  });
  for (let i = 0; i < 100 && !(await portOpen(PORT)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return driver;
}

const tid = (id) => `[data-testid="${id}"]`;

async function main() {
  // Repository text with HTML and script in it: a finding whose code and
  // message come from this file must render as text.
  fs.writeFileSync(
    path.join(PROJECT, 'app', 'xss_probe.py'),
    '_seen = {}  # <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\n\n\n' +
      'def remember(key, value):\n    _seen[key] = value  # "<b>bold</b>"\n',
  );
  const driver = await startDriver();
  let browser;
  try {
    browser = await remote({
      hostname: '127.0.0.1',
      port: PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 120_000,
      capabilities: {
        'tauri:options': { application: BIN },
        'wdio:enforceWebDriverClassic': true,
      },
    });
    browser.setTimeout({ implicit: 0 });

    log('waiting for the project and its findings');
    await browser.$(tid('project-name')).waitUntil(
      async function () {
        return (await this.getText()).includes(path.basename(PROJECT));
      },
      { timeout: T, timeoutMsg: 'project name not shown' },
    );
    await browser.$(tid('finding-row')).waitForExist({ timeout: T, timeoutMsg: 'no finding listed' });
    // The table is virtualised: narrow it with the free-text filter first.
    const filter = async (text) => {
      await browser.$(tid('filter-text')).setValue(text);
    };
    await filter('MEM004');
    const rowSel = `${tid('finding-row')}[data-rule="MEM004"]`;
    await browser.$(rowSel).waitForExist({ timeout: T, timeoutMsg: 'MEM004 row not listed' });

    // Select a finding: the detail pane shows it.
    const row = await browser.$(rowSel);
    const id = await row.getAttribute('data-id');
    assert.equal(await row.getAttribute('data-path'), 'app/metrics.py');
    await row.click();
    const detail = await browser.$(tid('finding-detail'));
    await detail.waitForExist({ timeout: T });
    await browser.waitUntil(async () => (await detail.getAttribute('data-id')) === id, {
      timeout: T,
      timeoutMsg: 'detail pane did not show the selected finding',
    });
    assert.equal(await detail.getAttribute('data-detection'), 'open');

    // Triage it.
    await browser.$(tid('triage-confirmed')).click();
    await browser.waitUntil(
      async () => (await browser.$(tid('finding-detail')).getAttribute('data-triage')) === 'confirmed',
      { timeout: T, timeoutMsg: 'triage not shown in the detail pane' },
    );
    await browser.waitUntil(
      async () => (await browser.$(`${tid('finding-row')}[data-id="${id}"]`).getAttribute('data-triage')) === 'confirmed',
      { timeout: T, timeoutMsg: 'triage not shown in the table' },
    );
    log(`finding ${id} confirmed`);

    if (process.env.E2E_SCREENSHOT) {
      await new Promise((r) => setTimeout(r, 500)); // screenshots can lag a frame
      await browser.saveScreenshot(process.env.E2E_SCREENSHOT);
      log(`screenshot ${process.env.E2E_SCREENSHOT}`);
    }

    // Fix it on disk: the watcher records it and the window follows.
    fs.writeFileSync(path.join(PROJECT, 'app', 'metrics.py'), 'COUNT = 0\n');
    await browser.waitUntil(
      async () => (await browser.$(tid('finding-detail')).getAttribute('data-detection')) === 'fixed',
      { timeout: T, timeoutMsg: 'the finding did not turn fixed in the detail pane' },
    );
    await browser.waitUntil(async () => /fixed/.test(await browser.$(tid('notice')).getText()), {
      timeout: T,
      timeoutMsg: 'no notice of the change',
    });
    const notice = await browser.$(tid('notice')).getText();
    assert.match(notice, /fixed.*metrics\.py/, `notice: ${notice}`);
    log(`fixed; notice "${notice}"`);

    // Repository HTML stays text.
    await filter('xss_probe');
    const probe = await browser.$(`${tid('finding-row')}[data-path="app/xss_probe.py"]`);
    await probe.waitForExist({ timeout: T, timeoutMsg: 'the probe file has no finding' });
    await probe.click();
    await browser.waitUntil(
      async () => (await browser.$(tid('finding-detail')).getAttribute('data-id')) === (await probe.getAttribute('data-id')),
      { timeout: T },
    );
    await new Promise((r) => setTimeout(r, 300));
    const injected = await browser.execute(() => ({
      pwned: window.__pwned ?? null,
      img: document.querySelectorAll('img[src="x"]').length,
      bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
    }));
    assert.deepEqual(injected, { pwned: null, img: 0, bold: 0 }, 'repository text was rendered as HTML');
    log('repository HTML stayed inert');

    // Part 2: a rule's severity changes the dashboard.
    await browser.$(tid('nav-dashboard')).click();
    const critical = browser.$(tid('open-critical'));
    await critical.waitForExist({ timeout: T });
    const count = async () => parseInt((await browser.$(tid('open-critical')).getText()).replace(/\D/g, '') || '0', 10);
    await browser.waitUntil(async () => !Number.isNaN(await count()), { timeout: T });
    const before = await count();
    await browser.$(tid('nav-rules')).click();
    const select = browser.$(`${tid('rule-row')}[data-id="ERR001"] ${tid('rule-severity')}`);
    await select.waitForExist({ timeout: T });
    await select.selectByAttribute('value', 'critical');
    const toml = path.join(PROJECT, '.auditbench.toml');
    await browser.waitUntil(() => fs.existsSync(toml) && /ERR001 = "critical"/.test(fs.readFileSync(toml, 'utf8')), {
      timeout: T,
      timeoutMsg: 'the severity override was not written to .auditbench.toml',
    });
    await browser.$(tid('nav-dashboard')).click();
    await browser.waitUntil(async () => (await count()) === before + 1, {
      timeout: T,
      timeoutMsg: `open critical did not go from ${before} to ${before + 1}`,
    });
    log(`dashboard: open critical ${before} -> ${before + 1}`);

    // Export the markdown report.
    await browser.$(tid('nav-report')).click();
    const format = browser.$(tid('report-format'));
    await format.waitForExist({ timeout: T });
    await format.selectByAttribute('value', 'markdown');
    await browser.$(tid('export-button')).click();
    await browser.waitUntil(async () => (await browser.$(tid('export-result')).getText()).includes(EXPORT), {
      timeout: T,
      timeoutMsg: 'the export result does not name the file',
    });
    const md = fs.readFileSync(EXPORT, 'utf8');
    assert.match(md, /^# /, 'a markdown report');
    assert.match(md, /ERR001|error-log-without-traceback/i);
    log(`report exported (${md.length} bytes)`);
  } finally {
    if (browser) await browser.deleteSession().catch(() => {});
    driver.kill();
  }
  log('PASS');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
