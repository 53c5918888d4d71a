// What the workbench says about the scan and the project it could not open
// (issue 30): files and folders the scan could not read (a banner with the
// count and the list), a start-up project that cannot be opened, a read-only
// checkout (its database in the app's data folder), the auditor who signs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp, rows } from './harness.mjs';
import { view } from './pages.mjs';

const s = suite(before, after);

const WARNINGS = [
  { path: 'app/syntax.py', kind: 'syntax-error', message: 'syntax error on line 3; analysed what parses', unread: false },
  { path: 'app/blob.py', kind: 'binary', message: 'skipped: not Python source (NUL bytes)', unread: true },
  { path: 'vendor/<img src=x onerror="window.__pwned=1">', kind: 'walk', message: 'cannot read folder: Permission denied (os error 13)', unread: true },
];

test('files and folders the scan could not read: a banner with the count, the list on demand, kept current', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url, { init: { warnings: WARNINGS } });
  const banner = page.getByTestId('scan-warnings');
  await banner.waitFor();
  assert.equal(
    (await page.getByTestId('scan-warnings-text').textContent()).replace(/\s+/g, ' ').trim(),
    '2 files or folders could not be read or analysed: their findings are unknown. 1 other warning (syntax errors, encoding).',
  );
  assert.equal(await page.getByTestId('scan-warning-list').count(), 0, 'the list waits for a click');
  await page.getByTestId('scan-warnings-toggle').click();
  const items = page.getByTestId('scan-warning');
  await items.first().waitFor();
  // Unread first, each as text (a folder name with markup stays text).
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => [e.dataset.kind, e.dataset.unread])), [
    ['binary', 'true'],
    ['walk', 'true'],
    ['syntax-error', 'false'],
  ]);
  assert.match(await items.nth(1).textContent(), /vendor\/<img src=x onerror="window.__pwned=1">/);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  // On every view.
  await view(page, 'dashboard');
  await banner.waitFor();
  // A watcher batch: the file is readable again, the count follows.
  await page.evaluate(() => {
    const d = window.__double;
    d.warnings = d.warnings.filter((w) => w.kind !== 'binary');
    d.project.unread = 1;
    d.project.warnings = 2;
    d.watcherBatch([], [], { 'app/blob.py': 'X = 1\n' });
  });
  await page.waitForFunction(() => /^\s*1 file or folder could not be read/.test(document.querySelector('[data-testid="scan-warnings-text"]')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="scan-warning"]').length === 2);
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a scan that read everything shows no banner', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  assert.equal(await page.getByTestId('scan-warnings').count(), 0);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a project given on the command line that cannot be opened: the start screen says why', async () => {
  const problem = {
    path: '/home/dev/src/gone',
    kind: 'not_found',
    message: 'cannot open /home/dev/src/gone: No such file or directory (os error 2)',
  };
  const { page, context, check } = await openApp(s.browser, s.server.url, { project: false, init: { startupProblem: problem } });
  const box = page.getByTestId('open-problem');
  await box.waitFor();
  assert.equal(await box.getAttribute('role'), 'alert');
  assert.match(await box.textContent(), /The project given at start could not be opened/);
  assert.equal(await page.getByTestId('open-problem-path').textContent(), problem.path);
  assert.equal(await page.getByTestId('open-problem-message').textContent(), problem.message);
  assert.equal(await page.getByTestId('open-in-app-data').count(), 0, 'nothing to offer for a missing folder');
  // The start screen still works: a recent project opens, the message goes.
  await page.getByTestId('recent-project').first().click();
  await page.getByTestId('project-name').waitFor();
  assert.equal(await box.count(), 0);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a read-only checkout: the database in the app\'s data folder is offered, used and remembered', async () => {
  const root = '/home/dev/src/demo-backend';
  const { page, context, check } = await openApp(s.browser, s.server.url, {
    project: false,
    init: {
      readOnly: [root],
      startupProblem: {
        path: root,
        kind: 'db_unwritable',
        message: `cannot create the project database ${root}/.auditbench/audit.db: Read-only file system (os error 30). Is the folder read-only? The database can live in the app's data folder instead.`,
      },
    },
  });
  const box = page.getByTestId('open-problem');
  await box.waitFor();
  assert.match(await page.getByTestId('open-problem-message').textContent(), /Read-only file system/);
  await page.getByTestId('open-in-app-data').click();
  await page.getByTestId('project-name').waitFor();
  const open = (await page.evaluate(() => window.__double.calls.filter((c) => c.cmd === 'open_project'))).map((c) => c.args);
  assert.deepEqual(open, [{ path: root, dbInAppData: true }]);
  await page.getByTestId('finding-row').first().waitFor();
  assert.ok((await rows(page)).length > 0);
  // Settings shows where it lives; the path in the project is not in use.
  await view(page, 'settings');
  assert.equal(await page.getByTestId('settings-db-app').isChecked(), true);
  assert.equal(await page.getByTestId('settings-db').isDisabled(), true);
  // Closed and opened again from the recent list: no question asked.
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('recent-project').first().click();
  await page.getByTestId('project-name').waitFor();
  assert.equal(await box.count(), 0);
  // Opening a read-only checkout from the list without the choice remembered asks again.
  await page.evaluate((r) => window.__double.appDb.delete(r), root);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('recent-project').first().click();
  await box.waitFor();
  assert.match(await box.textContent(), /Could not open the project/);
  assert.equal(await page.getByTestId('open-in-app-data').count(), 1);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('triage is signed by the auditor of the settings', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  await view(page, 'settings');
  await page.getByTestId('settings-auditor').fill('Dana Auditor');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-state').waitFor();
  await view(page, 'findings');
  const first = (await rows(page))[0];
  await page.locator(`[data-testid="finding-row"][data-id="${first.id}"]`).click();
  await page.getByTestId('finding-detail').waitFor();
  await page.keyboard.press('c');
  await page.waitForFunction((id) => document.querySelector(`[data-testid="finding-detail"][data-id="${id}"]`)?.dataset.triage === 'confirmed', first.id);
  await page.waitForFunction(() => /by Dana Auditor/.test(document.querySelector('.d-meta')?.textContent ?? ''));
  const last = await page.evaluate((id) => window.__double.events.get(id).at(-1), first.id);
  assert.equal(last.actor, 'Dana Auditor');
  assert.deepEqual(await check(), []);
  await context.close();
});
