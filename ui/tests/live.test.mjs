// Live updates from the watcher and manual findings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp, rows, calls, settled } from './harness.mjs';

const s = suite(before, after);

test('a watcher batch refreshes the table and the open viewer and says what changed', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const path = 'app/services/notifications.py';
  const [a, b] = await page.evaluate(
    (p) => window.__double.findings.filter((f) => f.path === p).sort((x, y) => x.line - y.line),
    path,
  );
  await page.locator(`[data-testid="finding-row"][data-id="${a.id}"]`).click();
  await page.locator(`[data-testid="finding-detail"][data-id="${a.id}"]`).waitFor();
  const listCalls = (await calls(page, 'list_findings')).length;

  // The file is edited: finding b's line is rewritten, and a new finding appears in cache.py.
  const payload = await page.evaluate(
    ([p, b]) => {
      const d = window.__double;
      const lines = d.files.get(p).split('\n');
      lines[b.line - 1] = '        # FIXED-BY-TEST: one pooled client';
      const added = {
        ...d.findings.find((f) => f.path === 'app/cache.py'),
        line: 12,
        end_line: 12,
        fingerprint: 'new-in-test',
        message: 'a new finding from the watcher',
        related: [],
      };
      return d.watcherBatch([b.id], [added], { [p]: lines.join('\n') });
    },
    [path, b],
  );
  assert.equal(payload.headline, '1 fixed, 1 new in notifications.py, cache.py');
  await page.waitForFunction((t) => document.querySelector('[data-testid="notice"]')?.textContent === t, payload.headline);
  // The table reloads by itself (after the notice is drawn, so wait for the call):
  // b is gone from the open findings, the new one is there.
  await page.waitForFunction(
    (n) => window.__double.calls.filter((c) => c.cmd === 'list_findings').length > n,
    listCalls,
  );
  await settled(page, () => true);
  assert.ok((await calls(page, 'list_findings')).length > listCalls);
  const r = await rows(page);
  assert.equal(r.length, 30);
  assert.ok(!r.some((x) => x.id === b.id));
  // cache.py had 2 findings; the new one is the third.
  assert.equal(r.filter((x) => x.path === 'app/cache.py').length, 3);
  // The open viewer shows the new text, still on finding a.
  await page.locator('.cm-content', { hasText: 'FIXED-BY-TEST' }).first().waitFor();
  assert.equal(await page.getByTestId('finding-detail').getAttribute('data-id'), String(a.id));

  // The fixed finding shows the real code after the fix.
  await page.getByTestId('filter-detection').selectOption('fixed');
  await settled(page, (f) => f.detection?.[0] === 'fixed');
  await page.locator(`[data-testid="finding-row"][data-id="${b.id}"]`).click();
  const detail = page.locator(`[data-testid="finding-detail"][data-id="${b.id}"]`);
  await detail.waitFor();
  assert.equal(await detail.getAttribute('data-detection'), 'fixed');
  assert.match(await detail.locator('h3', { hasText: 'Fixed' }).textContent(), /real code/);
  await page.locator('.cm-mergeView .cm-content', { hasText: 'FIXED-BY-TEST' }).waitFor();
  assert.ok(await page.locator('[data-testid="history-event"]', { hasText: 'open → fixed' }).count());
  assert.deepEqual(await check(), []);
  await context.close();
});

test('the detail pane stays on a finding that the watcher fixes while it is open', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const r0 = await rows(page);
  const target = r0[3];
  await page.locator(`[data-testid="finding-row"][data-id="${target.id}"]`).click();
  await page.locator(`[data-testid="finding-detail"][data-id="${target.id}"]`).waitFor();
  await page.evaluate((id) => window.__double.watcherBatch([id]), target.id);
  // The table drops it (default filter: open + regressed); the pane keeps it and shows it fixed.
  await page.waitForFunction((id) => !document.querySelector(`[data-testid="finding-row"][data-id="${id}"]`), target.id);
  const detail = page.locator(`[data-testid="finding-detail"][data-id="${target.id}"]`);
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="finding-detail"][data-id="${id}"]`)?.dataset.detection === 'fixed',
    target.id,
  );
  assert.equal(await detail.getAttribute('data-detection'), 'fixed');
  await page.getByTestId('detail-detached').waitFor();
  // No row is highlighted as the cursor while the pane shows a finding outside the list.
  assert.equal(await page.locator('[data-testid="finding-row"][aria-selected="true"]').count(), 0);
  // j goes back to the list: to the row that took the fixed finding's place.
  await page.getByTestId('findings-table').focus();
  await page.keyboard.press('j');
  const next = (await rows(page))[3];
  await page.locator(`[data-testid="finding-detail"][data-id="${next.id}"]`).waitFor();
  assert.equal(next.id, r0[4].id);
  assert.equal(await page.getByTestId('detail-detached').count(), 0);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a manual finding on the lines selected in the viewer', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const f = await page.evaluate(() => window.__double.findings.find((x) => x.rule === 'SEC001'));
  await page.locator(`[data-testid="finding-row"][data-id="${f.id}"]`).click();
  await page.locator('.cm-finding-line').first().waitFor();
  // Select lines 26-28 in the viewer: click line 26, shift-click line 28.
  const line = (n) => page.locator('.cm-content .cm-line').nth(n - 1);
  const first = await page.evaluate(() => {
    // CodeMirror renders lines around the viewport only: find the first rendered line number.
    const g = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].map((e) => Number(e.textContent)).filter(Boolean);
    return Math.min(...g);
  });
  await line(26 - first + 1).click();
  await line(28 - first + 1).click({ modifiers: ['Shift'] });
  assert.match(await page.getByTestId('add-manual').textContent(), /L26-28/);
  await page.getByTestId('add-manual').click();
  await page.getByTestId('manual-title').fill('Rates response is trusted without validation');
  await page.getByTestId('manual-severity').selectOption('high');
  await page.getByTestId('manual-description').fill('payload["rates"] is used as-is.');
  await page.getByTestId('manual-fix').fill('validate with a pydantic model');
  await page.getByTestId('manual-submit').click();
  const detail = page.locator('[data-testid="finding-detail"]', { hasText: 'Rates response is trusted' });
  await detail.waitFor();
  const [c] = await calls(page, 'add_manual');
  assert.deepEqual(c.args.finding, {
    path: 'app/clients/fx.py',
    line: 26,
    endLine: 28,
    severity: 'high',
    title: 'Rates response is trusted without validation',
    description: 'payload["rates"] is used as-is.',
    fix: 'validate with a pydantic model',
  });
  const id = await detail.getAttribute('data-id');
  const row = page.locator(`[data-testid="finding-row"][data-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-rule'), 'MANUAL');
  assert.ok(await row.evaluate((e) => e.classList.contains('cursor')));
  assert.equal(await page.getByTestId('fix-text').textContent(), 'validate with a pydantic model');
  const hl = await page.$$eval('.cm-finding-line', (els) => els.length);
  assert.equal(hl, 3);
  // A title is required.
  await page.getByTestId('add-manual').click();
  await page.getByTestId('manual-submit').click();
  assert.equal((await calls(page, 'add_manual')).length, 1);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('rows the watcher found get a "new" badge; the watching indicator follows the watcher', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url, { project: false });
  // As the desktop backend: the watcher is ready some time after scan-finished.
  await page.evaluate(() => (window.__double.watcherReadyMs = 400));
  await page.getByTestId('recent-project').first().click();
  await page.getByTestId('finding-row').first().waitFor();
  await page.waitForFunction(() => window.__double.project.watching);
  await page.getByTestId('watching').waitFor({ timeout: 3000 });
  assert.equal(await page.getByTestId('new-badge').count(), 0, 'nothing is new right after opening');

  const id = await page.evaluate(() => {
    const d = window.__double;
    const base = d.findings.find((f) => f.path === 'app/cache.py');
    d.watcherBatch([], [{ ...base, line: 14, end_line: 14, fingerprint: 'watcher-new', message: 'found by the watcher', related: [] }]);
    return d.findings.at(-1).id;
  });
  await page.locator(`[data-testid="finding-row"][data-id="${id}"] [data-testid="new-badge"]`).waitFor();
  assert.equal(await page.getByTestId('new-badge').count(), 1);
  assert.equal(await page.locator(`[data-testid="finding-row"][data-id="${id}"] [data-testid="new-badge"]`).textContent(), 'new');

  // `watcher-state` events (the watcher stopped, started again) switch the indicator.
  await page.evaluate(() => {
    window.__double.project.watching = false;
    window.__double.emit('watcher-state', { watching: false });
  });
  await page.getByTestId('watching').waitFor({ state: 'detached' });
  await page.evaluate(() => window.__double.emit('watcher-state', { watching: true }));
  await page.getByTestId('watching').waitFor();
  // A watcher batch proves it runs, even without an event.
  await page.evaluate(() => window.__double.emit('watcher-state', { watching: false }));
  await page.getByTestId('watching').waitFor({ state: 'detached' });
  await page.evaluate(() => window.__double.watcherBatch([]));
  await page.getByTestId('watching').waitFor();
  assert.deepEqual(await check(), []);
  await context.close();
});
