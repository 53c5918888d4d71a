// Repository text stays inert in every view (issue 9), and the CSP is strict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite, openApp, settled } from './harness.mjs';

const s = suite(before, after);

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';
const SVG = '<svg onload="window.__pwned=3"></svg>';

test('HTML and script in messages, paths, code, fixes and related locations render as text', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const path = `app/${SCRIPT}.py`;
  const code = ['import os', `# ${IMG}`, `x = "${SCRIPT}"`, `def f():  # ${SVG}`, '    return 1', ''].join('\n');
  await page.evaluate(
    ([path, code, IMG, SCRIPT, SVG]) => {
      const d = window.__double;
      const base = d.findings.find((f) => f.rule === 'SEC001');
      d.watcherBatch(
        [],
        [
          {
            ...base,
            path,
            line: 2,
            end_line: 3,
            scope: SVG,
            message: `${IMG} zqxmarker \`${SCRIPT}\``,
            fingerprint: 'xss',
            fix_before: `x = "${SCRIPT}"\n`,
            fix_after: `x = "${IMG}"\n`,
            related: [{ path, line: 4, message: SVG }],
            confidence: 'high',
            evidence: [{ path, line: 4, message: `${IMG} calls \`${SCRIPT}\`` }],
          },
        ],
        { [path]: code },
      );
    },
    [path, code, IMG, SCRIPT, SVG],
  );
  // The notice names the file (a repository path) as text.
  await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('script>.py'));
  assert.equal(await page.getByTestId('notice').evaluate((e) => e.childElementCount), 0);
  await page.getByTestId('filter-text').fill('zqxmarker');
  await settled(page, (f) => f.text === 'zqxmarker');
  const row = page.locator('[data-testid="finding-row"]');
  assert.equal(await row.count(), 1);
  assert.equal(await row.getAttribute('data-path'), path);
  // A `code` span holding markup is a <code> element with that markup as its text.
  // (The watcher found it: the title starts with the "new" badge.)
  assert.equal(await row.locator('.c-title').textContent(), `new${IMG} zqxmarker ${SCRIPT}`);
  assert.deepEqual(await row.locator('.c-title code').allTextContents(), [SCRIPT]);
  assert.equal(await row.locator('.c-loc').textContent(), `${path}:2`);
  await row.click();
  await page.getByTestId('finding-detail').waitFor();
  await page.locator('.cm-mergeView').waitFor();
  await page.getByTestId('related').waitFor();
  assert.equal(await page.getByTestId('detail-title').textContent(), `${IMG} zqxmarker ${SCRIPT}`);
  assert.deepEqual(await page.getByTestId('detail-title').locator('code').allTextContents(), [SCRIPT]);
  assert.match(await page.getByTestId('finding-detail').textContent(), /<svg onload=/);
  const viewer = await page.locator('[data-testid="code-viewer"] .cm-content').innerText();
  assert.ok(viewer.includes(IMG) && viewer.includes(SCRIPT) && viewer.includes(SVG), viewer);
  const diff = await page.locator('.cm-mergeView').innerText();
  assert.ok(diff.includes(SCRIPT) && diff.includes(IMG));
  await page.getByTestId('diff-unified').click();
  await page.locator('[data-testid="diff-view"] .cm-deletedChunk').waitFor();
  await page.locator('[data-testid="related"] button').click();
  // The code flow's steps: text, and a `code` span is a <code> element holding the markup as text.
  assert.equal((await page.getByTestId('flow-step').first().textContent()).replace(/\s+/g, ' '), `${path}:4 ${IMG} calls ${SCRIPT}`);
  assert.deepEqual(await page.getByTestId('flow-step').first().locator('code').allTextContents(), [SCRIPT]);
  await page.getByTestId('flow-location').first().click();

  // No element was created from the text and nothing ran.
  const dom = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    svg: [...document.querySelectorAll('svg')].filter((s) => s.hasAttribute('onload')).length,
    scripts: [...document.querySelectorAll('script')].map((s) => s.src.replace(location.origin, '') || 'inline'),
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    pwned: window.__pwned ?? null,
  }));
  assert.deepEqual(dom.img, 0);
  assert.deepEqual(dom.svg, 0);
  assert.equal(dom.handlers, 0);
  assert.ok(dom.scripts.every((s) => s.startsWith('/assets/') || s.startsWith('./assets/')), dom.scripts.join());
  assert.equal(dom.pwned, null);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('a path outside the project root is refused with a message, nothing breaks', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url);
  const f = await page.evaluate(() => window.__double.findings[0]);
  await page.evaluate((id) => {
    const d = window.__double;
    d.related.set(id, [{ path: '../../etc/passwd', line: 1, message: 'outside' }]);
  }, f.id);
  await page.locator(`[data-testid="finding-row"][data-id="${f.id}"]`).click();
  await page.locator('[data-testid="related"] button').click();
  assert.match(await page.getByTestId('file-error').textContent(), /outside the project root/);
  assert.deepEqual(await check(), []);
  await context.close();
});

test('the production build has a strict CSP and no test double', () => {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  assert.ok(existsSync(dist), 'build ui/dist first (npx vite build)');
  const html = readFileSync(`${dist}index.html`, 'utf8');
  const csp = html.match(/Content-Security-Policy"\s+content="([^"]+)"/)[1];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.doesNotMatch(csp.match(/script-src[^;]*/)[0], /unsafe-inline/);
  for (const f of readdirSync(`${dist}assets`)) {
    const text = readFileSync(`${dist}assets/${f}`, 'utf8');
    assert.ok(!text.includes('__double') && !text.includes('mockIPC'), `${f} contains the test double`);
  }
  // No source file renders HTML from strings.
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const files = readdirSync(src, { recursive: true }).filter((f) => /\.(svelte|ts)$/.test(f));
  for (const f of files) {
    const text = readFileSync(`${src}${f}`, 'utf8');
    assert.ok(!/\{@html|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(text), `${f} renders HTML`);
  }
});
