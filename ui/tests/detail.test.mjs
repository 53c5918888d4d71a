// The detail pane: code viewer with highlighted lines and gutter markers, jumping
// between a file's findings, the fix diff, the rule's explanation, related
// locations, history, note and open-in-editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp, cursorRow, calls } from './harness.mjs';

const s = suite(before, after);

/** The double's finding rows matching a rule and path. */
const finding = (page, rule, path) =>
  page.evaluate(([r, p]) => window.__double.findings.find((f) => f.rule === r && f.path === p), [rule, path]);

async function select(page, id) {
  await page.locator(`[data-testid="finding-row"][data-id="${id}"]`).click();
  await page.locator(`[data-testid="finding-detail"][data-id="${id}"]`).waitFor();
  await page.locator('.cm-finding-line').first().waitFor();
}

test('the viewer highlights the finding, marks every finding of the file in the gutter, and jumps between them', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const path = 'app/services/notifications.py';
  const inFile = await page.evaluate(
    (p) => window.__double.findings.filter((f) => f.path === p).sort((a, b) => a.line - b.line),
    path,
  );
  assert.equal(inFile.length, 3);
  const source = await page.evaluate((p) => window.__double.files.get(p).split('\n'), path);
  await select(page, inFile[0].id);
  assert.equal(await page.getByTestId('file-finding-count').textContent(), '3 in file');

  for (const [i, f] of inFile.entries()) {
    if (i > 0) {
      // `]` once, then the toolbar button.
      if (i === 1) await page.keyboard.press(']');
      else await page.getByTestId('next-in-file').click();
      await page.locator(`[data-testid="finding-detail"][data-id="${f.id}"]`).waitFor();
    }
    // The finding's lines are highlighted, with the file's real text.
    await page.waitForFunction((text) => document.querySelector('.cm-finding-line')?.textContent === text, source[f.line - 1]);
    const hl = await page.$$eval('.cm-finding-line', (els) => els.map((e) => e.textContent));
    assert.deepEqual(hl, source.slice(f.line - 1, f.end_line));
    // Its gutter marker is the active one, on its line.
    const active = page.locator('[data-testid="gutter-marker"].active');
    assert.equal(await active.getAttribute('data-id'), String(f.id));
    // The table's cursor follows.
    assert.equal((await cursorRow(page)).id, f.id);
  }
  // `[` goes back; clicking another finding's gutter marker selects it.
  await page.keyboard.press('[');
  await page.locator(`[data-testid="finding-detail"][data-id="${inFile[1].id}"]`).waitFor();
  const other = page.locator(`[data-testid="gutter-marker"][data-id="${inFile[0].id}"]`);
  await other.click();
  await page.locator(`[data-testid="finding-detail"][data-id="${inFile[0].id}"]`).waitFor();
  assert.deepEqual(await check(), []);
  await context.close();
});

test('fix as side-by-side and unified diff; the rule explains why; related locations open in the viewer; history', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const sec = await finding(page, 'SEC001', 'app/clients/fx.py');
  await select(page, sec.id);
  const diff = page.getByTestId('diff-view');
  assert.equal(await diff.getAttribute('data-mode'), 'split');
  await page.locator('.cm-mergeView').waitFor();
  const sides = await page.$$eval('.cm-mergeView .cm-content', (els) => els.map((e) => e.innerText));
  assert.equal(sides.length, 2);
  assert.equal(sides[0].trim(), sec.fix_before.trim());
  assert.equal(sides[1].trim(), sec.fix_after.trim());
  assert.ok(await page.locator('.cm-mergeView .cm-changedLine').count() > 0, 'changed lines are marked');
  await page.getByTestId('diff-unified').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="diff-view"]').dataset.mode === 'unified');
  await page.locator('[data-testid="diff-view"] .cm-deletedChunk').waitFor();
  assert.equal(await page.locator('.cm-mergeView').count(), 0);
  const doc = await page.getByTestId('rule-doc').textContent();
  assert.match(doc, /Why is this bad\?/);
  assert.match(doc, /access logs/);

  const async1 = await finding(page, 'ASYNC001', 'app/clients/payments.py');
  await select(page, async1.id);
  const related = page.locator('[data-testid="related"] li');
  assert.equal(await related.count(), 2);
  assert.match(await related.nth(1).textContent(), /app\/clients\/payments.py:105.*write to `self._token`/);
  await related.nth(1).locator('button').click();
  const line105 = await page.evaluate(() => window.__double.files.get('app/clients/payments.py').split('\n')[104]);
  await page.waitForFunction((t) => [...document.querySelectorAll('.cm-finding-line')].some((e) => e.textContent === t), line105);

  // A later scan moved it: the history says from where to where, and lists the moves.
  await page.evaluate((id) => {
    window.__double.move(id, 99);
    window.__double.emit('findings-changed', { headline: 'moved', paths: ['app/clients/payments.py'], new: 0, fixed: 0, regressed: 0 });
  }, async1.id);
  await page.locator('[data-testid="history-event"][data-kind="moved"]').waitFor();
  const history = await page.locator('[data-testid="history-event"]').allTextContents();
  assert.equal(history.length, 2);
  assert.match(history[0], /scan\s*detected: ∅ → open/);
  assert.match(history[1], /watcher\s*moved: app\/clients\/payments.py:97 → app\/clients\/payments.py:99\s*matched by fingerprint/);
  assert.deepEqual(
    (await page.locator('.locations li code').allTextContents()),
    ['app/clients/payments.py:97', 'app/clients/payments.py:99'],
  );
  assert.deepEqual(await check(), []);
  await context.close();
});

test('open in editor (button and e) and a note (n, Ctrl+Enter)', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const sec = await finding(page, 'SEC001', 'app/clients/fx.py');
  await select(page, sec.id);
  await page.getByTestId('open-in-editor').click();
  await page.locator('[data-testid="findings-table"]').focus();
  await page.keyboard.press('e');
  await page.waitForFunction(() => window.__double.calls.filter((c) => c.cmd === 'open_in_editor').length === 2);
  for (const c of await calls(page, 'open_in_editor')) assert.deepEqual(c.args, { path: 'app/clients/fx.py', line: 25 });

  await page.keyboard.press('n');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'note');
  await page.keyboard.type('rotate the key after the fix');
  await page.keyboard.press('Control+Enter');
  await page.locator('[data-testid="history-event"][data-kind="note_added"]').waitFor();
  const [c] = await calls(page, 'add_note');
  assert.deepEqual(c.args, { id: sec.id, note: 'rotate the key after the fix' });
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a related location: its line is highlighted and scrolled into view, in the viewer and in the pane', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url, { width: 1024, height: 700 });
  const async1 = await finding(page, 'ASYNC001', 'app/clients/payments.py');
  await select(page, async1.id);
  const line105 = await page.evaluate(() => window.__double.files.get('app/clients/payments.py').split('\n')[104]);
  // Read down to the related list (the pane scrolled past the viewer), then click.
  await page.locator('.detail-pane').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.locator('[data-testid="related"] li button').nth(1).click();
  await page.waitForFunction((t) => [...document.querySelectorAll('.cm-finding-line')].some((e) => e.textContent === t), line105);
  // Visible: inside the viewer's scroller, the detail pane and the window (after scrolling settles).
  await page.waitForFunction((t) => {
    const line = [...document.querySelectorAll('.cm-finding-line')].find((e) => e.textContent === t);
    if (!line) return false;
    const r = line.getBoundingClientRect();
    const inside = (el) => {
      const b = el.getBoundingClientRect();
      return r.top >= b.top && r.bottom <= b.bottom;
    };
    return inside(document.querySelector('.code-viewer .cm-scroller')) && inside(document.querySelector('.detail-pane')) && r.bottom <= innerHeight;
  }, line105, { timeout: 5000 });
  assert.deepEqual(await check(), []);
  await context.close();
});

test('the before/after of a fixed finding marks only the changed lines, not the whole function', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const before = 'def fetch(self, p):\n    f = open(p)\n    data = f.read()\n    log.info("read %s", p)\n    return data\n';
  // The real code after the fix: the method at its class's indentation, with its neighbour.
  const after =
    '    def fetch(self, p):\n        with open(p) as f:\n            data = f.read()\n        log.info("read %s", p)\n        return data\n\n    def close(self):\n        pass\n\n\nclass Other:\n    pass\n';
  const id = await page.evaluate(([b, a]) => {
    const f = window.__double.findings.find((x) => x.rule === 'SEC001');
    Object.assign(f, { detection: 'fixed', fix_before: b, after_code: a, fixed_at: window.__double.now });
    return f.id;
  }, [before, after]);
  await page.getByTestId('filter-detection').selectOption('fixed');
  await page.locator(`[data-testid="finding-row"][data-id="${id}"]`).click();
  await page.locator('.cm-mergeView').waitFor();
  const sides = await page.$$eval('.cm-mergeView .cm-editor', (eds) =>
    eds.map((ed) => [...ed.querySelectorAll('.cm-line')].map((l) => ({ text: l.textContent, changed: l.classList.contains('cm-changedLine') }))),
  );
  const changed = (side) => side.filter((l) => l.changed).map((l) => l.text);
  // The after side starts at the method, at the before's indentation.
  assert.equal(sides[1][0].text, 'def fetch(self, p):');
  assert.equal(sides[1][3].text, '    log.info("read %s", p)');
  // Changed: the open line and the two lines moved under `with`; the rest is not marked.
  assert.deepEqual(changed(sides[0]), ['    f = open(p)', '    data = f.read()']);
  assert.deepEqual(changed(sides[1]).slice(0, 2), ['    with open(p) as f:', '        data = f.read()']);
  for (const side of sides) for (const l of side.filter((x) => /def fetch|log\.info|return data/.test(x.text))) assert.ok(!l.changed, l.text);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('the code flow: the evidence path from the entry point to the finding, each step shown in the viewer; the confidence', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url, { width: 1024, height: 700 });
  const f = await finding(page, 'ASYNC001', 'app/clients/payments.py');
  assert.ok(f.evidence.length >= 3, JSON.stringify(f.evidence));
  await select(page, f.id);
  assert.equal(await page.getByTestId('detail-confidence').textContent(), `${f.confidence} confidence`);
  const steps = page.getByTestId('flow-step');
  // Every evidence step in order, then the finding itself.
  assert.equal(await steps.count(), f.evidence.length + 1);
  const locs = await page.getByTestId('flow-location').allTextContents();
  assert.deepEqual(locs, [...f.evidence.map((e) => `${e.path}:${e.line}`), `${f.path}:${f.line}`]);
  // Messages: `code` spans as <code>, never markup.
  assert.equal(await steps.first().locator('code').count() > 0, /`/.test(f.evidence[0].message));
  assert.doesNotMatch(await page.getByTestId('code-flow').textContent(), /`/);
  // The entry point: its file in the viewer, its line highlighted and in view.
  const entry = f.evidence[0];
  const entryLine = await page.evaluate(([p, l]) => window.__double.files.get(p).split('\n')[l - 1], [entry.path, entry.line]);
  await page.getByTestId('flow-location').first().click();
  await page.waitForFunction((t) => [...document.querySelectorAll('.cm-finding-line')].some((e) => e.textContent === t), entryLine);
  assert.equal(await page.locator('.d-toolbar .muted').first().textContent(), entry.path);
  assert.equal(await steps.first().evaluate((e) => e.classList.contains('on')), true);
  await page.waitForFunction(() => {
    const line = document.querySelector('.cm-finding-line');
    const r = line?.getBoundingClientRect();
    const b = document.querySelector('.code-viewer .cm-scroller')?.getBoundingClientRect();
    return r && b && r.top >= b.top && r.bottom <= b.bottom;
  });
  // The last step goes back to the finding.
  await page.getByTestId('flow-location').last().click();
  await page.waitForFunction((p) => document.querySelector('.d-toolbar .muted')?.textContent === p, f.path);
  await page.locator('.cm-finding-line').first().waitFor();
  // A finding without evidence has no code flow.
  const plain = await page.evaluate(() => window.__double.findings.find((x) => !x.evidence.length && x.path !== 'app/clients/payments.py'));
  await page.getByTestId('filter-path').fill(plain.path);
  await select(page, plain.id);
  assert.equal(await page.getByTestId('code-flow').count(), 0);
  assert.deepEqual(await check(), []);
  await context.close();
});
