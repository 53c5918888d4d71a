// Accessibility: axe-core (the engine of Deque's axe) on every view of the
// workbench, light and dark, with no serious or critical violation of WCAG 2.x
// A/AA (issue 30). axe runs inside the page (evaluated through the DevTools
// protocol, which the page's CSP does not govern); it reads the DOM only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { suite, openApp } from './harness.mjs';
import { view } from './pages.mjs';

const s = suite(before, after);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is now, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.count}): ${v.help} — ${v.nodes.join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation on any view (${colorScheme})`, async () => {
    const { page, context, check } = await openApp(s.browser, s.server.url, { colorScheme, project: false });
    const found = {};
    found.welcome = await violations(page);
    await page.getByTestId('recent-project').first().click();
    await page.getByTestId('finding-row').first().waitFor();
    // The findings view with a finding's detail (code viewer, code flow, history).
    const flow = await page.evaluate(() => window.__double.findings.find((f) => f.evidence.length).id);
    await page.locator(`[data-testid="finding-row"][data-id="${flow}"]`).click();
    await page.getByTestId('code-flow').waitFor();
    await page.locator('.cm-finding-line').first().waitFor();
    found.findings = await violations(page);
    await page.getByTestId('group-toggle').click();
    await page.getByTestId('filter-confidence-high').click();
    found.grouped = await violations(page);
    for (const v of ['dashboard', 'files', 'rules', 'report', 'settings']) {
      await view(page, v);
      await page.waitForTimeout(200);
      found[v] = await violations(page);
    }
    const bad = Object.entries(found).filter(([, v]) => v.length);
    assert.deepEqual(Object.fromEntries(bad), {});
    assert.deepEqual(await check(), []);
    await context.close();
  });
}
