import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, view } from './pages.mjs';
import { calls } from './harness.mjs';

const s = suite(before, after);

test('settings: edits round-trip through set_settings and survive a reload', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'settings');
  assert.equal(await page.getByTestId('settings-editor').inputValue(), 'code -g {path}:{line}');
  assert.equal(await page.getByTestId('settings-save').isDisabled(), true, 'nothing to save yet');
  await page.getByTestId('settings-editor').fill('subl {path}:{line}');
  await page.getByTestId('settings-db').fill('/var/lib/audits/demo.db');
  await page.getByTestId('settings-watcher').uncheck();
  await page.getByTestId('settings-excludes').fill('tests/\n**/migrations/\n\n');
  await page.getByTestId('settings-sla-medium').fill('60');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-state').waitFor();
  const sent = (await calls(page, 'set_settings')).map((c) => c.args.settings);
  const want = {
    editorCommand: 'subl {path}:{line}',
    dbPath: '/var/lib/audits/demo.db',
    dbInAppData: false,
    auditor: '',
    watcherEnabled: false,
    excludes: ['tests/', '**/migrations/'],
    slaDays: { critical: 7, high: 30, medium: 60, low: 120 },
  };
  assert.deepEqual(sent, [want]);
  // Away and back: the view reads them from the backend again.
  await view(page, 'rules');
  await view(page, 'settings');
  assert.equal(await page.getByTestId('settings-editor').inputValue(), want.editorCommand);
  assert.equal(await page.getByTestId('settings-db').inputValue(), want.dbPath);
  assert.equal(await page.getByTestId('settings-watcher').isChecked(), false);
  assert.equal(await page.getByTestId('settings-excludes').inputValue(), 'tests/\n**/migrations/');
  assert.equal(await page.getByTestId('settings-sla-medium').inputValue(), '60');
  assert.deepEqual(problems, []);
  await context.close();
});

test('settings: revert drops edits; invalid values cannot be saved; a failed save is shown', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'settings');
  await page.getByTestId('settings-editor').fill('vim');
  assert.equal(await page.getByTestId('settings-save').isDisabled(), true, 'an editor command without {path}');
  await page.getByTestId('settings-revert').click();
  await page.getByTestId('settings-state').waitFor();
  assert.equal(await page.getByTestId('settings-editor').inputValue(), 'code -g {path}:{line}');
  await page.getByTestId('settings-sla-low').fill('0');
  assert.equal(await page.getByTestId('settings-save').isDisabled(), true, 'a target of 0 days');
  await page.getByTestId('settings-sla-low').fill('90');
  await page.evaluate(() => window.__double.failures.set('set_settings', { kind: 'db_locked', message: 'database is locked' }));
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.match(await page.getByTestId('settings-error').textContent(), /database is locked/);
  assert.equal(await page.getByTestId('settings-sla-low').inputValue(), '90', 'the edit is kept');
  assert.deepEqual(problems, []);
  await context.close();
});

test('settings: the app-wide options are not labelled "for this project"; the project\'s own are, with its name', async () => {
  const { page, context, problems } = await open(s);
  await view(page, 'settings');
  const app = page.getByTestId('settings-app');
  const project = page.getByTestId('settings-project');
  assert.match(await app.locator('legend').textContent(), /every project/);
  assert.match(await project.locator('legend').textContent(), /This project\s*demo-backend/);
  const inside = async (group, id) => (await group.getByTestId(id).count()) === 1;
  for (const id of ['settings-editor', 'settings-watcher', 'settings-sla-critical', 'settings-sla-low', 'settings-auditor'])
    assert.ok((await inside(app, id)) && !(await inside(project, id)), id);
  for (const id of ['settings-db', 'settings-db-project', 'settings-db-app', 'settings-excludes'])
    assert.ok((await inside(project, id)) && !(await inside(app, id)), id);
  assert.doesNotMatch(await page.getByTestId('settings').textContent(), /for this project/);
  assert.deepEqual(problems, []);
  await context.close();
});
