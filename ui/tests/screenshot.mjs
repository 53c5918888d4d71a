// Takes assets/ui-findings.png: the findings view on the demo data (test double),
// with a finding selected in the detail pane. Usage: node tests/screenshot.mjs
import { fileURLToPath } from 'node:url';
import { startServer, launch, openApp } from './harness.mjs';

const out = fileURLToPath(new URL('../../assets/ui-findings.png', import.meta.url));
const server = await startServer();
const browser = await launch();
try {
  const { page } = await openApp(browser, server.url, { width: 1600, height: 1000 });
  // Some triage history, as in a real audit.
  await page.evaluate(() => {
    const d = window.__double;
    const f = d.findings;
    d.triage([f[5].id, f[9].id], 'confirmed');
    d.triage([f[12].id], 'false_positive', 'test-only helper');
    d.triage([f[20].id], 'in_progress');
  });
  await page.getByTestId('filter-text').fill(' ');
  await page.getByTestId('filter-text').fill('');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  // A finding with a fix, two rows down.
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.getByTestId('diff-view').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
