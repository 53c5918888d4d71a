import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, view, addHostileFinding, assertInert, HOSTILE } from './pages.mjs';
import { calls } from './harness.mjs';

const s = suite(before, after);
const preview = (page) => page.getByTestId('report-preview');
const lastRender = async (page) => (await calls(page, 'render_report')).at(-1).args;
/** Waits until the preview's text holds every `has` string and none of `not` (no eval: the CSP forbids it). */
const until = (page, has, not = []) =>
  page.waitForFunction(
    ({ has, not }) => {
      const t = document.querySelector('[data-testid="report-preview"]')?.textContent ?? '';
      return has.every((x) => t.includes(x)) && !not.some((x) => t.includes(x));
    },
    { has, not },
  );

test('report: the preview renders the backend markdown and follows every option', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'report');
  await until(page, ['demo-backend: Memory Leaks & Concurrency Audit'], []);
  assert.equal(await preview(page).getAttribute('data-format'), 'markdown');
  assert.equal(await preview(page).locator('h1').textContent(), 'demo-backend: Memory Leaks & Concurrency Audit');
  assert.ok((await preview(page).locator('table').count()) > 0, 'the summary table is a table');
  assert.ok((await preview(page).locator('pre code[data-lang="python"]').count()) > 0, 'code snippets are shown');
  assert.deepEqual((await lastRender(page)).options, { minSeverity: 'info', statuses: [], includeCode: true, includeStrengths: true });

  await page.getByTestId('report-title').fill('Q3 audit');
  await page.getByTestId('report-client').fill('Example Shop GmbH');
  await page.getByTestId('report-auditor').fill('Jane Doe');
  await page.getByTestId('report-date').fill('2026-01-20');
  await until(page, ['Example Shop GmbH', '2026-01-20', 'Jane Doe'], []);
  assert.equal(await preview(page).locator('h1').textContent(), 'Q3 audit');

  await page.getByTestId('report-code').uncheck();
  await until(page, [], ['Current code']);
  assert.equal(await preview(page).locator('pre').count(), 0);
  await page.getByTestId('report-strengths').uncheck();
  await until(page, [], ['Excellent Patterns']);

  await page.getByTestId('report-min-severity').selectOption('high');
  await until(page, ['HIGH-001'], ['MEDIUM-001']);
  await page.getByTestId('report-state-needs_review').uncheck();
  await until(page, [], ['HIGH-001', 'CRITICAL-001']);
  assert.deepEqual((await lastRender(page)).options, {
    title: 'Q3 audit',
    client: 'Example Shop GmbH',
    auditor: 'Jane Doe',
    date: '2026-01-20',
    minSeverity: 'high',
    statuses: ['confirmed', 'in_progress', 'false_positive', 'accepted_risk', 'wont_fix', 'suppressed'],
    includeCode: false,
    includeStrengths: false,
  });
  assert.deepEqual(problems, []);
  await context.close();
});

test('report: SARIF and JSON preview as text; the source view is exactly what render_report returned', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'report');
  await until(page, ['Audit'], []);
  await page.getByTestId('preview-source').click();
  const md = await page.evaluate(() => window.__double.handle('render_report', { options: { minSeverity: 'info', statuses: [], includeCode: true, includeStrengths: true }, format: 'markdown' }));
  assert.equal(await page.locator('pre[data-testid="report-preview"]').textContent(), md);
  await page.getByTestId('report-format').selectOption('sarif');
  await until(page, ['"version": "2.1.0"'], []);
  const sarif = JSON.parse(await preview(page).textContent());
  assert.equal(sarif.runs[0].results.length, 30);
  assert.equal((await lastRender(page)).format, 'sarif');
  await page.getByTestId('report-format').selectOption('json');
  await until(page, ['"findings"'], []);
  assert.equal(JSON.parse(await preview(page).textContent()).findings.length, 30);
  assert.deepEqual(problems, []);
  await context.close();
});

test('report: export sends the same options, shows the written path, and the file equals the preview', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'report');
  await page.getByTestId('report-client').fill('Example Shop GmbH');
  await page.getByTestId('report-date').fill('2026-01-20');
  await until(page, ['Example Shop GmbH', '2026-01-20'], []);
  await page.getByTestId('preview-source').click();
  const shown = await preview(page).textContent();
  await page.getByTestId('export-button').click();
  const result = page.getByTestId('export-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-kind'), 'saved');
  assert.equal(await result.textContent(), 'Saved to /home/dev/reports/demo-backend-audit.md');
  const exp = await calls(page, 'export_report');
  assert.equal(exp.length, 1);
  assert.deepEqual(exp[0].args, await lastRender(page));
  const written = await page.evaluate(() => window.__double.exports);
  assert.equal(written.length, 1);
  assert.equal(written[0].text, shown);
  // The user cancels the save dialog: nothing is written and the UI says so.
  await page.evaluate(() => (window.__double.exportPath = null));
  await page.getByTestId('export-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="export-result"]')?.dataset.kind === 'cancelled');
  assert.equal(await page.evaluate(() => window.__double.exports.length), 1);
  // An error (disk full) is shown as the backend's message.
  await page.evaluate(() => window.__double.failures.set('export_report', { kind: 'io', message: 'No space left on device' }));
  await page.getByTestId('export-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="export-result"]')?.dataset.kind === 'error');
  assert.match(await result.textContent(), /No space left on device/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('report: HTML and script in paths, code, messages and options stay inert in the preview', async () => {
  const { page, context, problems } = await open(s);
  await addHostileFinding(page);
  await view(page, 'report');
  await page.getByTestId('report-title').fill('<b>Audit</b><img src=x onerror="window.__pwned=9">');
  await until(page, ['<b>Audit</b>'], []);
  const text = await preview(page).textContent();
  assert.ok(text.includes(HOSTILE.path), 'the path is shown as text');
  assert.ok(text.includes('<script>window.__pwned=4</script>'), 'the code is shown as text');
  assert.ok(text.includes('window.__pwned=6'), 'the fix is shown as text');
  assert.equal(await preview(page).locator('h1').textContent(), '<b>Audit</b><img src=x onerror="window.__pwned=9">');
  await assertInert(page, assert, '[data-testid="report-preview"]');
  await assertInert(page, assert);
  assert.deepEqual(problems, []);
  await context.close();
});

test('report: a failed render is explained', async () => {
  const { page, context, problems } = await open(s);
  await page.evaluate(() => window.__double.failures.set('render_report', { kind: 'db_locked', message: 'database is locked' }));
  await view(page, 'report');
  const err = page.getByTestId('error-state');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-kind'), 'db_locked');
  assert.equal(await preview(page).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
