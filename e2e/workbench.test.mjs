// End-to-end test of the real Auditbench desktop binary: tauri-driver drives
// WebKitWebDriver, which starts the app on a temporary copy of the demo project
// (scripts/test-e2e prepares it and runs this under xvfb-run).
//
// Part 1: open the demo, select a finding, triage it, fix it on disk and see it
// turn fixed in the window (live update + notice). Repository text holding HTML
// or script stays inert. Part 2: change a rule's severity and see the dashboard
// update; export the markdown report and check the file on disk. Issue 30:
// the confidence column and the code flow from the real store's evidence, the
// path filter matching a part of a path, accept risk with its justification, a
// rule toggle's one re-scan and true notice, and a start-up project that cannot
// be opened explained on the start screen (a second run of the app).
//
// Env: AUDITBENCH_DESKTOP_BIN (the binary), E2E_PROJECT (the project copy),
// E2E_WORK (a scratch folder), TAURI_DRIVER (default: tauri-driver on PATH),
// E2E_SCREENSHOT (optional: where to save a screenshot of the workbench).

import { spawn, spawnSync } from 'node:child_process';
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

async function startDriver(project = PROJECT) {
  const driver = spawn(DRIVER, ['--port', String(PORT), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // Inherited by the app that WebKitWebDriver starts.
      AUDITBENCH_PROJECT: project,
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

async function session() {
  const browser = await remote({
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
  return browser;
}

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
    browser = await session();

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
    // Empties a field as a person does (select all, delete): an input event.
    const clear = async (id) => {
      const field = browser.$(tid(id));
      for (let i = 0; i < 5 && (await field.getValue()) !== ''; i++) {
        await field.click();
        await browser.keys(['Control', 'a']);
        await browser.keys(['Backspace']);
        await browser.waitUntil(async () => (await field.getValue()) === '', { timeout: 2000 }).catch(() => {});
      }
      assert.equal(await field.getValue(), '', `${id} not cleared`);
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

    // Confidence and the code flow, from the real store's rows.
    await filter('ASYNC001');
    const flowRow = await browser.$(`${tid('finding-row')}[data-rule="ASYNC001"][data-path="app/clients/payments.py"]`);
    await flowRow.waitForExist({ timeout: T, timeoutMsg: 'ASYNC001 row not listed' });
    const conf = (await flowRow.$(tid('row-confidence')).getText()).trim();
    assert.ok(['high', 'med', 'low'].includes(conf), `confidence badge: ${conf}`);
    await flowRow.click();
    const firstStep = browser.$(tid('flow-location'));
    await firstStep.waitForExist({ timeout: T, timeoutMsg: 'no code flow for ASYNC001' });
    const entry = await firstStep.getText();
    assert.match(entry, /^app\/routers\/.+\.py:\d+$/, `entry point: ${entry}`);
    await firstStep.click();
    await browser.waitUntil(
      async () => (await browser.$('.d-toolbar .muted').getText()) === entry.replace(/:\d+$/, ''),
      { timeout: T, timeoutMsg: 'the code flow step did not open its file in the viewer' },
    );
    log(`code flow: ${await browser.$$(tid('flow-step')).length} steps from ${entry}; confidence ${conf}`);

    // The path filter matches a part of a path (the store's LIKE).
    await clear('filter-text');
    await browser.$(tid('filter-path')).setValue('clients');
    await browser.waitUntil(
      async () => {
        const paths = await browser.$$(tid('finding-row')).map((r) => r.getAttribute('data-path'));
        return paths.length > 0 && paths.every((p) => p.startsWith('app/clients/'));
      },
      { timeout: T, timeoutMsg: 'the path filter "clients" did not list app/clients/' },
    );
    log('path filter "clients" lists app/clients/...');

    // Accept risk asks for the justification, and records it.
    const riskRow = await browser.$(tid('finding-row'));
    const riskId = await riskRow.getAttribute('data-id');
    await riskRow.click();
    await browser.waitUntil(async () => (await browser.$(tid('finding-detail')).getAttribute('data-id')) === riskId, { timeout: T });
    await browser.$(tid('triage-accepted_risk')).click();
    await browser.$(tid('triage-dialog')).waitForExist({ timeout: T, timeoutMsg: 'no justification dialog' });
    await browser.$(tid('triage-reason')).setValue('internal tool behind the VPN, e2e');
    await browser.$(tid('triage-apply')).click();
    await browser.waitUntil(
      async () => (await browser.$(tid('finding-detail')).getAttribute('data-triage')) === 'accepted_risk',
      { timeout: T, timeoutMsg: 'accept risk not applied' },
    );
    await browser.waitUntil(async () => (await browser.$(tid('history')).getText()).includes('internal tool behind the VPN, e2e'), {
      timeout: T,
      timeoutMsg: 'the justification is not in the history',
    });
    log(`finding ${riskId} accepted with its justification`);
    await clear('filter-path');

    // Grouped triage: the two MEM001 findings (the demo's and the probe's) are
    // one issue; a key on the group triages both.
    await filter('MEM001');
    // Both listed (the path filter is cleared and the list reloaded) before grouping.
    await browser.waitUntil(async () => (await browser.$$(`${tid('finding-row')}[data-rule="MEM001"]`).length) >= 2, {
      timeout: T,
      timeoutMsg: `MEM001 findings not listed (path filter "${await browser.$(tid('filter-path')).getValue()}")`,
    });
    await browser.$(tid('group-toggle')).click();
    const mem = browser.$(`${tid('group-row')}[data-rule="MEM001"]`);
    await mem.waitForExist({ timeout: T, timeoutMsg: 'no MEM001 group' });
    const n = Number(await mem.getAttribute('data-count'));
    assert.ok(n >= 2, `MEM001 group of ${n}`);
    await mem.click();
    await browser.keys(['c']);
    await browser.waitUntil(async () => (await browser.$(tid('notice')).getText()) === `${n} findings → confirmed`, {
      timeout: T,
      timeoutMsg: 'the group was not triaged',
    });
    await browser.keys(['Enter']);
    await browser.waitUntil(
      async () => {
        const t = await browser.$$(`${tid('finding-row')}[data-rule="MEM001"]`).map((r) => r.getAttribute('data-triage'));
        return t.length === n && t.every((x) => x === 'confirmed');
      },
      { timeout: T, timeoutMsg: 'the group\'s findings are not all confirmed' },
    );
    await browser.$(tid('group-toggle')).click();
    log(`grouped triage: ${n} MEM001 findings confirmed at once`);

    // Repository HTML stays text.
    await filter('xss_probe');
    // The list reloaded under the new filter (the grouped MEM001 list held the probe's row too).
    await browser.waitUntil(
      async () => {
        const paths = await browser.$$(tid('finding-row')).map((r) => r.getAttribute('data-path'));
        return paths.length > 0 && paths.every((p) => p === 'app/xss_probe.py') && !(await browser.$(tid('group-row')).isExisting());
      },
      { timeout: T, timeoutMsg: 'the probe file has no finding' },
    );
    const probe = await browser.$(`${tid('finding-row')}[data-path="app/xss_probe.py"]`);
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
    // One re-scan, and a notice that says what it did (not "no change").
    await browser.waitUntil(async () => (await browser.$(tid('notice')).getText()) === 'ERR001 severity critical: no finding hidden or shown', {
      timeout: T,
      timeoutMsg: `rule notice: ${await browser.$(tid('notice')).getText()}`,
    });
    const scans = () => {
      const out = spawnSync('sqlite3', [path.join(PROJECT, '.auditbench', 'audit.db'), 'SELECT count(*) FROM scans'], { encoding: 'utf8' });
      return out.status === 0 ? Number(out.stdout.trim()) : null;
    };
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

    // A rule disabled: one re-scan, whose notice counts what it hid.
    await browser.$(tid('nav-rules')).click();
    const scansBefore = scans();
    const box = browser.$(`${tid('rule-row')}[data-id="MEM001"] ${tid('rule-enabled')}`);
    await box.waitForExist({ timeout: T });
    await box.click();
    await browser.waitUntil(async () => /^MEM001 disabled: \d+ findings? of MEM001 hidden$/.test(await browser.$(tid('notice')).getText()), {
      timeout: T,
      timeoutMsg: `rule notice: ${await browser.$(tid('notice')).getText()}`,
    });
    const hidden = await browser.$(tid('notice')).getText();
    await new Promise((r) => setTimeout(r, 2000));
    if (scansBefore !== null) assert.equal(scans(), scansBefore + 1, 'one re-scan per rule toggle');
    assert.equal(await browser.$(tid('notice')).getText(), hidden, 'the notice stays true');
    log(`rule toggle: "${hidden}", ${scansBefore === null ? '(no sqlite3 to count scans)' : 'one re-scan'}`);
  } finally {
    if (browser) await browser.deleteSession().catch(() => {});
    driver.kill();
  }

  // The app started on a folder that cannot be opened: the start screen says why.
  await new Promise((r) => setTimeout(r, 500));
  const missing = path.join(WORK, 'no-such-project');
  const driver2 = await startDriver(missing);
  let second;
  try {
    second = await session();
    const problem = second.$(tid('open-problem'));
    await problem.waitForExist({ timeout: T, timeoutMsg: 'the start screen does not say why the project is not open' });
    const text = await problem.getText();
    assert.match(text, /could not be opened/);
    assert.ok(text.includes('no-such-project'), text);
    log(`start-up problem shown: ${text.split('\n').slice(0, 2).join(' ')}`);
  } finally {
    if (second) await second.deleteSession().catch(() => {});
    driver2.kill();
  }
  log('PASS');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
