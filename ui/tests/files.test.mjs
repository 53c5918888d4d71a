import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, view, addHostileFinding, assertInert, HOSTILE } from './pages.mjs';
import { settled } from './harness.mjs';

const s = suite(before, after);
const SEVS = ['critical', 'high', 'medium', 'low'];

test('files: the tree shows per-file and per-folder counts by severity', async () => {
  const { page, context, problems } = await open(s, { history: 4 });
  await view(page, 'files');
  // Expected counts, from the double's findings.
  const expected = await page.evaluate(() => {
    const out = {};
    for (const f of window.__double.findings) {
      const parts = f.path.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join('/');
        const e = (out[p] ??= { open: 0, fixed: 0, critical: 0, high: 0, medium: 0, low: 0 });
        if (f.detection === 'open' || f.detection === 'regressed') {
          e.open++;
          e[f.severity]++;
        } else if (f.detection === 'fixed') e.fixed++;
      }
    }
    return out;
  });
  const rows = await page.$$eval('[data-testid="tree-file"], [data-testid="tree-dir"]', (els) =>
    els.map((e) => ({
      path: e.dataset.path,
      dir: e.dataset.testid === 'tree-dir',
      counts: Object.fromEntries(
        ['critical', 'high', 'medium', 'low'].map((s) => [s, Number(e.querySelector(`[data-testid="count-${s}"]`).textContent)]),
      ),
      open: Number(e.children[5].textContent),
      fixed: Number(e.children[6].textContent),
    })),
  );
  assert.equal(rows.filter((r) => !r.dir).length, await page.evaluate(() => new Set(window.__double.findings.map((f) => f.path)).size));
  for (const r of rows) {
    const e = expected[r.path];
    assert.ok(e, r.path);
    assert.equal(r.open, e.open, r.path);
    assert.equal(r.fixed, e.fixed, r.path);
    for (const sev of SEVS) assert.equal(r.counts[sev], e[sev], `${r.path} ${sev}`);
  }
  // The top folder sums every open finding.
  assert.equal(rows.find((r) => r.path === 'app').open, 30);
  // Collapsing a folder hides its files.
  const inServices = () => page.locator('[data-testid="tree-file"][data-path^="app/services/"]').count();
  assert.ok((await inServices()) > 0);
  await page.locator('[data-testid="tree-dir"][data-path="app/services"] button').click();
  assert.equal(await inServices(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('files: a file opens the findings view on that file with its code in the viewer', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'files');
  const file = page.locator('[data-testid="tree-file"][data-path="app/cache.py"]');
  const count = Number(await file.getAttribute('data-open'));
  await file.locator('button').click();
  await page.getByTestId('finding-row').first().waitFor();
  const paths = await page.$$eval('[data-testid="finding-row"]', (els) => els.map((e) => e.dataset.path));
  assert.equal(paths.length, count);
  assert.ok(paths.every((p) => p === 'app/cache.py'), paths.join());
  await page.getByTestId('finding-detail').waitFor();
  await page.locator('.code-viewer .cm-content').waitFor();
  assert.match(await page.locator('.code-viewer .cm-content').textContent(), /class|def /);
  assert.deepEqual(problems, []);
  await context.close();
});

test('files: the path filter a click set stays cleared once cleared, and does not carry into the next project', async () => {
  const { page, context, problems } = await open(s);
  const all = await page.getByTestId('total').textContent();
  const openFile = async () => {
    await view(page, 'files');
    await page.locator('[data-testid="tree-file"][data-path="app/cache.py"] button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="filter-path"]')?.value === 'app/cache.py');
    await settled(page, (f) => f.path === 'app/cache.py');
  };
  await openFile();
  assert.notEqual(await page.getByTestId('total').textContent(), all);
  // Cleared: it stays cleared after a visit to other views.
  await page.getByTestId('filter-path').fill('');
  await settled(page, (f) => !f.path);
  await view(page, 'dashboard');
  await view(page, 'findings');
  assert.equal(await page.getByTestId('filter-path').inputValue(), '');
  await settled(page, (f) => !f.path);
  assert.equal(await page.getByTestId('total').textContent(), all);
  // Not cleared: it lasts while the project is open...
  await openFile();
  await view(page, 'rules');
  await view(page, 'findings');
  assert.equal(await page.getByTestId('filter-path').inputValue(), 'app/cache.py');
  // ...and not into the next project.
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('recent-project').nth(1).click();
  await page.waitForFunction(() => window.__double.project && !window.__double.project.scanning);
  await page.getByTestId('finding-row').first().waitFor();
  assert.equal(await page.getByTestId('filter-path').inputValue(), '');
  await settled(page, (f) => !f.path);
  assert.equal(await page.getByTestId('total').textContent(), all);
  assert.deepEqual(problems, []);
  await context.close();
});

test('files: markup in file names stays text', async () => {
  const { page, context, problems } = await open(s);
  await addHostileFinding(page);
  await view(page, 'files');
  const parts = HOSTILE.path.split('/');
  assert.equal(await page.getByTestId('tree-file').evaluateAll((els, p) => els.filter((e) => e.dataset.path === p).length, HOSTILE.path), 1);
  const names = await page.$$eval('[data-testid="file-tree"] .name', (els) => els.map((e) => e.textContent.replace(/^[▾▸]/, '').trim()));
  // Every segment of the path is shown as the text it is (folders with a slash).
  for (const [i, part] of parts.entries()) assert.ok(names.includes(i < parts.length - 1 ? `${part}/` : part), `${part} in ${names.join(' | ')}`);
  await assertInert(page, assert);
  assert.deepEqual(problems, []);
  await context.close();
});

test('files: no findings in any file shows the empty state', async () => {
  const { page, context, problems } = await open(s);
  await page.evaluate(() => (window.__double.findings = []));
  await view(page, 'files');
  await page.getByTestId('empty-state').waitFor();
  assert.equal(await page.getByTestId('tree-file').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
