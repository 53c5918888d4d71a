// Dark mode follows the system's colour scheme; keyboard focus is visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp } from './harness.mjs';

const s = suite(before, after);

/** Relative luminance and contrast ratio (WCAG 2) of computed `rgb(...)` colours. */
function lum(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);

async function colours(page) {
  return page.evaluate(() => {
    const cs = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
    return {
      body: cs(':root', 'backgroundColor'),
      text: cs(':root', 'color'),
      panel: cs('.list-pane', 'backgroundColor'),
      rowText: cs('[data-testid="finding-row"] .c-rule', 'color'),
      muted: cs('.keys', 'color'),
      detail: cs('.d-head', 'backgroundColor'),
      title: cs('[data-testid="detail-title"]', 'color'),
      sevText: cs('[data-testid="finding-row"] .sev', 'color'),
      sevBg: cs('[data-testid="finding-row"] .sev', 'backgroundColor'),
      scheme: cs(':root', 'colorScheme'),
    };
  });
}

test('dark mode follows prefers-color-scheme, with readable contrast; light stays light', async () => {
  const dark = await openApp(s.browser, s.server.url, { colorScheme: 'dark' });
  await dark.page.getByTestId('finding-detail').waitFor();
  const d = await colours(dark.page);
  assert.ok(lum(d.body) < 0.05 && lum(d.panel) < 0.05 && lum(d.detail) < 0.05, JSON.stringify(d));
  assert.equal(d.scheme, 'dark');
  assert.ok(contrast(d.text, d.body) >= 7, `text ${contrast(d.text, d.body)}`);
  assert.ok(contrast(d.rowText, d.panel) >= 7, `rows ${contrast(d.rowText, d.panel)}`);
  assert.ok(contrast(d.title, d.detail) >= 7, `title ${contrast(d.title, d.detail)}`);
  assert.ok(contrast(d.muted, d.panel) >= 4.5, `muted ${contrast(d.muted, d.panel)}`);
  assert.ok(contrast(d.sevText, d.sevBg) >= 4.5, `badge ${contrast(d.sevText, d.sevBg)}`);
  assert.deepEqual(await dark.check(), []);
  await dark.context.close();

  const light = await openApp(s.browser, s.server.url);
  const l = await colours(light.page);
  assert.ok(lum(l.body) > 0.8 && lum(l.panel) > 0.9, JSON.stringify(l));
  assert.ok(contrast(l.text, l.body) >= 7);
  await light.context.close();
});

test('keyboard focus is visible on buttons, filters and the table', async () => {
  const { page, context, check } = await openApp(s.browser, s.server.url, { colorScheme: 'dark' });
  const outline = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      const st = getComputedStyle(e);
      return { tag: e.tagName, testid: e.dataset.testid ?? '', style: st.outlineStyle, width: parseFloat(st.outlineWidth), color: st.outlineColor };
    });
  // Tab through the first stops of the page: every one draws an outline.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const seen = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    const o = await outline();
    if (o.tag === 'BODY') continue;
    seen.push(o);
    assert.ok(o.style !== 'none' && o.width >= 2, `no visible focus on ${o.tag} ${o.testid}: ${JSON.stringify(o)}`);
  }
  assert.ok(seen.some((o) => o.tag === 'BUTTON') && seen.some((o) => o.tag === 'INPUT'), JSON.stringify(seen));
  assert.deepEqual(await check(), []);
  await context.close();
});
