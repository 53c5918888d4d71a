import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp, rows } from './harness.mjs';

const s = suite(before, after);

test('opening a recent project scans it with progress, then lists its findings', async () => {
  const { page, context, problems } = await openApp(s.browser, s.server.url, { project: false });
  await page.evaluate(() => (window.__double.scanStepMs = 120));
  const recent = await page.getByTestId('recent-project').allTextContents();
  assert.deepEqual(recent, ['/home/dev/src/demo-backend', '/home/dev/src/payments-api']);
  await page.getByTestId('recent-project').first().click();
  assert.equal(await page.getByTestId('project-name').textContent(), 'demo-backend');
  const progress = page.getByTestId('scan-progress');
  await progress.waitFor();
  await page.waitForFunction(() => /Scanning [1-9]\d* \/ \d+ files/.test(document.querySelector('[data-testid="scan-progress"]')?.textContent ?? ''));
  // The UI stays responsive during the scan: navigation works.
  await page.getByTestId('nav-rules').click();
  assert.match(await page.locator('.nav button.active').textContent(), /Rules/);
  await page.getByTestId('nav-findings').click();
  await progress.waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('notice').textContent(), /Scan finished: 30 findings/);
  const r = await rows(page);
  assert.equal(r.length, 30);
  assert.equal(r[0].severity, 'critical');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the folder picker opens the chosen folder; navigation shows every view slot', async () => {
  const { page, context, problems } = await openApp(s.browser, s.server.url, { project: false });
  await page.evaluate(() => (window.__double.pickResult = '/srv/other-project'));
  await page.getByTestId('open-folder').click();
  assert.equal(await page.getByTestId('project-name').textContent(), 'other-project');
  for (const v of ['dashboard', 'files', 'rules', 'report', 'settings', 'findings']) {
    await page.getByTestId(`nav-${v}`).click();
    await page.waitForFunction((id) => document.querySelector(`[data-testid="nav-${id}"]`).classList.contains('active'), v);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a project error from the backend shows as an error notice', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  await page.evaluate(() =>
    window.__double.emit('project-error', { kind: 'db_locked', message: 'the project database is locked by another process' }),
  );
  const notice = page.getByTestId('notice');
  await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.classList.contains('error'));
  assert.equal(await notice.textContent(), 'the project database is locked by another process');
  assert.deepEqual(await check(), []);
  await context.close();
});
