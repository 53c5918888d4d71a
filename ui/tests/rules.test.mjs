import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, view, assertInert } from './pages.mjs';
import { calls, rows } from './harness.mjs';

const s = suite(before, after);

test('rules: every rule is listed with its documentation and open count', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'rules');
  const n = await page.evaluate(() => window.__double.rules.length);
  assert.equal(await page.getByTestId('rule-row').count(), n);
  const row = page.locator('[data-testid="rule-row"][data-id="RES001"]');
  const count = await page.evaluate(() => window.__double.findings.filter((f) => f.rule === 'RES001' && f.detection === 'open').length);
  assert.ok(count > 0);
  assert.equal(Number(await row.getByTestId('rule-open').textContent()), count);
  await row.locator('td.id button').click();
  const doc = page.getByTestId('rule-doc');
  await doc.waitFor();
  assert.match(await doc.textContent(), /What it does/);
  // The filter narrows the list.
  await page.getByTestId('rules-filter').fill('lazy-init');
  assert.equal(await page.getByTestId('rule-row').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('rules: a severity override calls set_rule, refreshes the list and re-scans', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'rules');
  const row = page.locator('[data-testid="rule-row"][data-id="RES001"]');
  assert.equal(await row.getAttribute('data-severity'), 'critical');
  const listed = (await calls(page, 'list_rules')).length;
  await row.getByTestId('rule-severity').selectOption('low');
  await page.waitForFunction(() => document.querySelector('[data-testid="rule-row"][data-id="RES001"]').dataset.severity === 'low');
  const set = await calls(page, 'set_rule');
  assert.deepEqual(set.map((c) => c.args), [{ id: 'RES001', severity: 'low' }]);
  // The re-scan's findings-changed reloads the list.
  await page.waitForFunction((n) => window.__double.calls.filter((c) => c.cmd === 'list_rules').length > n, listed);
  assert.match(await page.evaluate(() => window.__double.config), /RES001 = "low"/);
  // The findings of that rule now carry the override.
  await view(page, 'findings');
  const res = (await rows(page)).filter((r) => r.rule === 'RES001');
  assert.ok(res.length > 0 && res.every((r) => r.severity === 'low'), JSON.stringify(res));
  assert.deepEqual(problems, []);
  await context.close();
});

test('rules: disabling a rule removes its findings; enabling brings them back', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'rules');
  const row = page.locator('[data-testid="rule-row"][data-id="CONC001"]');
  const before = Number(await row.getByTestId('rule-open').textContent());
  assert.ok(before > 0);
  await row.getByTestId('rule-enabled').uncheck();
  await page.waitForFunction(() => document.querySelector('[data-testid="rule-row"][data-id="CONC001"]').dataset.enabled === 'false');
  assert.equal(await row.getByTestId('rule-open').textContent(), '0');
  // The notice tells the truth (what the one re-scan hid), and stays.
  const hidden = `CONC001 disabled: ${before} finding${before === 1 ? '' : 's'} of CONC001 hidden`;
  await page.waitForFunction((t) => document.querySelector('[data-testid="notice"]')?.textContent === t, hidden);
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('notice').textContent(), hidden);
  assert.equal(await page.evaluate(() => window.__double.rescans), 1);
  assert.match(await page.evaluate(() => window.__double.config), /ignore = \["CONC001"\]/);
  await row.getByTestId('rule-enabled').check();
  await page.waitForFunction(() => document.querySelector('[data-testid="rule-row"][data-id="CONC001"]').dataset.enabled === 'true');
  assert.equal(Number(await row.getByTestId('rule-open').textContent()), before);
  await page.waitForFunction((n) => document.querySelector('[data-testid="notice"]')?.textContent === `CONC001 enabled: ${n} finding${n === 1 ? '' : 's'} of CONC001 shown`, before);
  assert.deepEqual((await calls(page, 'set_rule')).map((c) => c.args), [
    { id: 'CONC001', enabled: false },
    { id: 'CONC001', enabled: true },
  ]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('rules: a failed save is shown and the list shows what is configured', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'rules');
  await page.evaluate(() => window.__double.failures.set('set_rule', { kind: 'io', message: '.auditbench.toml is read-only' }));
  const row = page.locator('[data-testid="rule-row"][data-id="MEM001"]');
  // (click, not uncheck: the box springs back when the save fails)
  await row.getByTestId('rule-enabled').click();
  await page.getByTestId('rule-error').waitFor();
  assert.match(await page.getByTestId('rule-error').textContent(), /read-only/);
  assert.equal(await row.getByTestId('rule-enabled').isChecked(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('rules: markup in rule documentation stays text', async () => {
  const { page, context, problems } = await open(s);
  await page.evaluate(() => {
    const r = window.__double.rules.find((r) => r.id === 'MEM001');
    r.summary = 'cache <img src=x onerror="window.__pwned=1">';
    r.doc = '# MEM001\n\n## What it does\n\n<script>window.__pwned=2</script> <b>bold</b> `<img src=x onerror=window.__pwned=3>`\n';
  });
  await view(page, 'rules');
  const row = page.locator('[data-testid="rule-row"][data-id="MEM001"]');
  await row.locator('td.id button').click();
  const doc = page.getByTestId('rule-doc');
  await doc.waitFor();
  assert.match(await doc.textContent(), /<script>window.__pwned=2<\/script> <b>bold<\/b>/);
  assert.match(await row.textContent(), /cache <img src=x/);
  await assertInert(page, assert);
  assert.deepEqual(problems, []);
  await context.close();
});
