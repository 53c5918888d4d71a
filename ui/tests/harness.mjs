// Test harness: serves the `--mode double` build (dist-double/) from a small
// static server and drives it with playwright-core in Debian's headless Chromium.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dist = fileURLToPath(new URL('../dist-double/', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function startServer() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, rel.endsWith('/') ? `${rel}index.html` : rel);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page on the app (new context: fresh test double). Collects page errors,
 * console errors and CSP violations in `problems`; tests assert it stays empty.
 */
export async function openApp(browser, base, { query = '', width = 1440, height = 900, project = true, colorScheme = 'light', init = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  // Content-Security-Policy violations (the page's own CSP meta tag) count as problems.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  // The test double's set-up before the app starts (`DoubleBackend.configure`).
  if (init) await page.addInitScript((i) => (window.__doubleInit = i), init);
  await page.goto(`${base}${query ? `?${query}` : ''}`);
  await page.waitForFunction(() => !!window.__double);
  if (project) {
    // Open the demo project from the recent list, and wait for the first scan.
    await page.getByTestId('recent-project').first().click();
    await page.getByTestId('project-name').waitFor();
    await page.waitForFunction(() => window.__double.project && !window.__double.project.scanning);
    await page.getByTestId('finding-row').first().waitFor();
  }
  return { page, context, problems, check: () => check(page, problems) };
}

/** Page errors, console errors and CSP violations seen so far. */
async function check(page, problems) {
  const csp = await page.evaluate(() => window.__csp);
  return [...problems, ...csp.map((c) => `csp: ${c}`)];
}

/** Attributes of the finding rows currently in the DOM, top to bottom. */
export async function rows(page) {
  return page.$$eval('[data-testid="finding-row"]', (els) =>
    els
      .map((e) => ({
        id: Number(e.dataset.id),
        rule: e.dataset.rule,
        path: e.dataset.path,
        detection: e.dataset.detection,
        triage: e.dataset.triage,
        severity: e.querySelector('.sev')?.textContent,
        top: e.getBoundingClientRect().top,
        cursor: e.classList.contains('cursor'),
      }))
      .sort((a, b) => a.top - b.top),
  );
}

export async function cursorRow(page) {
  return (await rows(page)).find((r) => r.cursor);
}

/** Calls on the test double's command log. */
export async function calls(page, cmd) {
  return page.evaluate((c) => window.__double.calls.filter((x) => x.cmd === c), cmd);
}

/**
 * Waits until the table shows the answer to a `list_findings` call whose filter
 * satisfies `pred` (the last such call): its total, as the test double counts it.
 */
export async function settled(page, pred, timeout = 10_000) {
  // Polled from Node: the page's CSP forbids evaluating a predicate sent as text.
  const end = Date.now() + timeout;
  for (;;) {
    const state = await page.evaluate(() => {
      const last = window.__double.calls.filter((c) => c.cmd === 'list_findings').at(-1);
      return {
        filter: last?.args.filter,
        want: last && `${window.__double.list(last.args.filter).total} findings`,
        shown: document.querySelector('[data-testid="total"]')?.textContent,
      };
    });
    if (state.filter && pred(state.filter) && state.want === state.shown) return;
    if (Date.now() > end) throw new Error(`table did not settle: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One server + one Chromium for a test file. */
export function suite(before, after) {
  const s = {};
  before(async () => {
    s.server = await startServer();
    s.browser = await launch();
  });
  after(async () => {
    await s.browser?.close();
    await s.server?.close();
  });
  return s;
}
