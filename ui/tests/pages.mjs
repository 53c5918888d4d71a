// Helpers shared by the page view tests (dashboard, files, rules, report, settings).
import { openApp } from './harness.mjs';
export { suite } from './harness.mjs';

/** The app on the demo project (first scan done), optionally with weeks of history. */
export async function open(s, { history = 0, ...opts } = {}) {
  const app = await openApp(s.browser, s.server.url, opts);
  if (history) await app.page.evaluate((w) => window.__double.addHistory(w), history);
  return app;
}

/** Switches to a view and waits for its root element. */
export async function view(page, id) {
  await page.getByTestId(`nav-${id}`).click();
  await page.getByTestId(id === 'findings' ? 'finding-row' : id).first().waitFor();
}

/** Text that must stay inert: markup and script in repository text. */
export const HOSTILE = {
  path: 'app/<img src=x onerror="window.__pwned=1">/<script>window.__pwned=1</script>.py',
  message: 'leak in <img src=x onerror="window.__pwned=2"> and <script>window.__pwned=3</script>',
  code: '# <script>window.__pwned=4</script>\nx = "<img src=x onerror=window.__pwned=5>"\n',
};

/** Adds a finding whose path, message and source file carry HTML and script. */
export async function addHostileFinding(page) {
  return page.evaluate((h) => {
    const d = window.__double;
    d.files.set(h.path, h.code);
    const f = d.insert(
      {
        rule: 'MEM001', name: 'unbounded-cache', severity: 'high', path: h.path, line: 1, end_line: 2,
        scope: '<b>scope</b>', message: h.message, fingerprint: 'hostile', fix_before: null,
        fix_after: '<img src=x onerror="window.__pwned=6">', related: [],
      },
      d.now,
    );
    return f.id;
  }, HOSTILE);
}

/** No element made from repository text, and no script ran. */
export async function assertInert(page, assert, root = 'body') {
  const r = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return {
      pwned: window.__pwned ?? null,
      imgs: el.querySelectorAll('img').length,
      scripts: el.querySelectorAll('script').length,
      bold: [...el.querySelectorAll('b')].length,
    };
  }, root);
  assert.deepEqual(r, { pwned: null, imgs: 0, scripts: 0, bold: 0 });
}

/** Open findings (open or regressed) per severity, counted from the double's rows. */
export async function openCounts(page) {
  return page.evaluate(() => {
    const out = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const f of window.__double.findings)
      if ((f.detection === 'open' || f.detection === 'regressed') && f.severity in out) out[f.severity]++;
    return out;
  });
}
