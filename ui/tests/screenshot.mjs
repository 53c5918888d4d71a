// Takes assets/ui-findings.png: the findings view on the demo data (test double),
// with a finding selected in the detail pane. Usage: node tests/screenshot.mjs
import { fileURLToPath } from 'node:url';
import { startServer, launch, openApp } from './harness.mjs';

const out = fileURLToPath(new URL('../../assets/ui-findings.png', import.meta.url));
const server = await startServer();
const browser = await launch();
try {
  const { page } = await openApp(browser, server.url, { width: 1600, height: 1000 });
  // A finding with a fix and related locations, two rows down.
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
