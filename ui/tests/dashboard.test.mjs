import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite, open, view, openCounts } from './pages.mjs';
import { calls, openApp } from './harness.mjs';

const s = suite(before, after);
const SEVS = ['critical', 'high', 'medium', 'low'];

test('dashboard: health, open counts by severity and a drawn weekly trend from weeks of history', async () => {
  const { page, context, problems } = await open(s, { history: 8 });
  await view(page, 'dashboard');
  await page.getByTestId('trend-chart').waitFor();
  const now = await page.getByTestId('health-now').textContent();
  const base = await page.getByTestId('health-baseline').textContent();
  assert.match(now, /^\d{1,2}\.\d$/);
  assert.match(base, /^\d{1,2}\.\d$/);
  // Today's 30 open findings weigh more than the baseline scan's: health went down.
  assert.ok(Number(now) < Number(base), `${now} < ${base}`);
  const expected = await openCounts(page);
  for (const sev of SEVS) assert.equal(Number(await page.getByTestId(`open-${sev}`).textContent()), expected[sev], sev);
  assert.equal(Object.values(expected).reduce((a, b) => a + b), 30);
  // 12 ISO weeks, and the canvas really has something drawn on it.
  const chart = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="trend-chart"] canvas');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
    return { weeks: c.parentElement.dataset.weeks, w: c.width, h: c.height, inked };
  });
  assert.equal(chart.weeks, '12');
  assert.ok(chart.w > 300 && chart.h > 150, JSON.stringify(chart));
  assert.ok(chart.inked > 2000, `inked pixels: ${chart.inked}`);
  // The weekly rows behind it: fixes happened, and new findings were detected.
  const d = await page.evaluate(() => window.__double.handle('dashboard', { weeks: 12 }));
  assert.ok(d.weekly.reduce((a, w) => a + w.fixed, 0) > 20);
  assert.equal(d.weekly.at(-1).open, 30);
  // Top files lead to the findings view on that file.
  const top = page.getByTestId('top-files').locator('button').first();
  const path = await top.textContent();
  await top.click();
  await page.getByTestId('finding-row').first().waitFor();
  const paths = await page.$$eval('[data-testid="finding-row"]', (els) => [...new Set(els.map((e) => e.dataset.path))]);
  assert.deepEqual(paths, [path]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard: overdue counts follow the per-severity target days from Settings', async () => {
  const { page, context, problems } = await open(s, { history: 8 });
  const overdue = (sla) =>
    page.evaluate((sla) => {
      const d = window.__double;
      const out = {};
      for (const sev of ['critical', 'high', 'medium', 'low'])
        out[sev] = d.findings.filter(
          (f) => (f.detection === 'open' || f.detection === 'regressed') && f.severity === sev && Math.floor((d.now - f.first_seen_at) / 86400) > sla[sev],
        ).length;
      return out;
    }, sla);
  const shown = async () => {
    const out = {};
    for (const row of await page.getByTestId('sla-row').all())
      out[await row.getAttribute('data-severity')] = Number(await row.getByTestId('sla-overdue').textContent());
    return out;
  };
  await view(page, 'dashboard');
  await page.getByTestId('sla-table').waitFor();
  const first = await overdue({ critical: 7, high: 30, medium: 90, low: 180 });
  assert.deepEqual(await shown(), first);
  assert.ok(first.critical + first.high > 0, 'some findings are overdue with the default targets');
  assert.equal(
    Number(await page.getByTestId('overdue-total').textContent()),
    Object.values(first).reduce((a, b) => a + b),
  );
  // Loosen the high target in Settings: fewer high findings are overdue.
  await view(page, 'settings');
  await page.getByTestId('settings-sla-high').fill('45');
  await page.getByTestId('settings-sla-critical').fill('60');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-state').waitFor();
  await view(page, 'dashboard');
  await page.getByTestId('sla-table').waitFor();
  const second = await overdue({ critical: 60, high: 45, medium: 90, low: 180 });
  assert.deepEqual(await shown(), second);
  assert.notDeepEqual(second, first);
  assert.equal(await page.locator('[data-testid="sla-row"][data-severity="high"] td').nth(3).textContent(), '45 d');
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard: a project without findings shows the empty state', async () => {
  const { page, context, problems } = await open(s);
  await page.evaluate(() => (window.__double.findings = []));
  await view(page, 'dashboard');
  await page.getByTestId('empty-state').waitFor();
  assert.equal(await page.getByTestId('health-now').textContent(), '10.0');
  for (const sev of SEVS) assert.equal(await page.getByTestId(`open-${sev}`).textContent(), '0');
  assert.equal(await page.getByTestId('trend-chart').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard: a locked database is explained, and Retry recovers', async () => {
  const { page, context, problems } = await open(s, { history: 4 });
  await page.evaluate(() =>
    window.__double.failures.set('dashboard', { kind: 'db_locked', message: 'database is locked (audit.db)' }),
  );
  await page.getByTestId('nav-dashboard').click();
  const err = page.getByTestId('error-state');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-kind'), 'db_locked');
  assert.match(await err.textContent(), /database is locked.*database is locked \(audit\.db\)/s);
  await page.evaluate(() => window.__double.failures.delete('dashboard'));
  const before = (await calls(page, 'dashboard')).length;
  await err.getByRole('button', { name: 'Retry' }).click();
  await page.getByTestId('trend-chart').waitFor();
  assert.equal(await err.count(), 0);
  assert.equal((await calls(page, 'dashboard')).length, before + 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard: the project folder removed while open: the notice says so and the views explain', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'dashboard');
  await page.evaluate(() => {
    const d = window.__double;
    const gone = { kind: 'not_found', message: 'the project folder /home/dev/src/demo-backend was removed' };
    for (const c of ['dashboard', 'file_counts', 'list_rules', 'render_report', 'get_settings']) d.failures.set(c, gone);
    // The watcher's last batch makes the views reload; then the backend reports the error.
    d.emit('findings-changed', { headline: 'files deleted', paths: [], new: 0, fixed: 0, regressed: 0 });
    setTimeout(() => d.emit('project-error', gone), 50);
  });
  await page.getByTestId('error-state').waitFor();
  assert.match(await page.getByTestId('error-state').textContent(), /not available.*removed/s);
  await page.waitForFunction(() => /was removed/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''));
  for (const v of ['files', 'rules', 'report', 'settings']) {
    await page.getByTestId(`nav-${v}`).click();
    const e = page.getByTestId('error-state');
    await e.waitFor();
    assert.equal(await e.getAttribute('data-kind'), 'not_found', v);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard screenshot (assets/ui-dashboard.png)', async () => {
  const { page, context, problems } = await open(s, { history: 11, width: 1440, height: 900 });
  await view(page, 'dashboard');
  await page.getByTestId('trend-chart').waitFor();
  const dir = fileURLToPath(new URL('../../assets/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}ui-dashboard.png` });
  assert.deepEqual(problems, []);
  await context.close();
});

test('dashboard: weeks before the first scan are absent from the trend (not zeros), and the open line is smoothed without overshoot', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'dashboard');
  const chart = page.getByTestId('trend-chart');
  await chart.waitFor();
  const d = await page.evaluate(() => window.__double.handle('dashboard', { weeks: 12 }));
  // The demo's first scan is a few weeks back: the weeks before it are all zeros in the rows.
  const first = d.weekly.findIndex((w) => w.open || w.new || w.fixed);
  assert.ok(first >= 4, `first week with data: ${first}`);
  assert.equal(await chart.getAttribute('data-first-week'), d.weekly[first].week);
  const series = JSON.parse(await chart.getAttribute('data-open'));
  assert.deepEqual(series, d.weekly.map((w, i) => (i < first ? null : w.open)));
  assert.equal(await chart.getAttribute('data-smoothing'), 'monotone');
  // Nothing is drawn in those weeks: no line, point or bar pixels left of the first week.
  const px = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="trend-chart"] canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = [[0x2f, 0x6f, 0xdb], [0xd9, 0x48, 0x0f], [0x2f, 0x8a, 0x4c]];
    let minX = c.width;
    for (let y = 0; y < c.height; y++)
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        if (data[i + 3] > 200 && colours.some(([r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30)) {
          // The legend's swatches at the top right do not count.
          if (y > 30) minX = Math.min(minX, x);
        }
      }
    return { minX, width: c.width };
  });
  assert.ok(px.minX / px.width > (first / 12) * 0.9, `first drawn pixel at ${px.minX} of ${px.width} (first week ${first})`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a folder with no Python file: every view says so, no 10/10 health and no "0 findings" as if it were clean', async () => {
  const { page, context, problems } = await openApp(s.browser, s.server.url, { project: false });
  await page.evaluate(() => (window.__double.noPython = true));
  await page.getByTestId('recent-project').first().click();
  await page.waitForFunction(() => window.__double.project && !window.__double.project.scanning);
  const np = page.getByTestId('no-python');
  await np.waitFor();
  assert.match(await np.textContent(), /No Python files in this folder/);
  assert.match(await np.textContent(), /\/home\/dev\/src\/demo-backend/);
  await view(page, 'dashboard');
  await np.waitFor();
  assert.equal(await page.getByTestId('health-now').count(), 0);
  assert.equal(await page.getByTestId('empty-state').count(), 0);
  await page.getByTestId('nav-files').click();
  await page.getByTestId('files').waitFor();
  await np.waitFor();
  assert.equal(await page.getByTestId('empty-state').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
