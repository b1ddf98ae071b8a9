// The search for a body as a combobox (static/combobox.js), with the
// keyboard only: typing shows a listbox of bodies under the field (WAI-ARIA
// 1.2 pattern), the arrows move the active option, Escape closes the list,
// Enter opens the chosen body's page. The open state must pass axe-core,
// and with JavaScript off the same field is a plain search form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, requireServer, launch, newContext, axeViolations, formatViolations } from './lib.mjs';

requireServer();
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The combobox's ARIA state, read from the page. */
function state(page) {
  return page.evaluate(() => {
    const input = document.getElementById('q');
    const list = document.getElementById(input.getAttribute('aria-controls'));
    const active = input.getAttribute('aria-activedescendant');
    return {
      role: input.getAttribute('role'),
      expanded: input.getAttribute('aria-expanded'),
      autocomplete: input.getAttribute('aria-autocomplete'),
      listRole: list && list.getAttribute('role'),
      hidden: list ? list.hidden : true,
      options: list ? list.querySelectorAll('[role="option"]').length : 0,
      active: active && document.getElementById(active)?.textContent,
      selected: list ? list.querySelectorAll('[aria-selected="true"]').length : 0,
      status: document.querySelector('[role="status"][aria-live="polite"]')?.textContent || '',
    };
  });
}

test('the body search as a combobox, with the keyboard only', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(env.url + '/organismes');
    let s = await state(page);
    assert.equal(s.role, 'combobox');
    assert.equal(s.expanded, 'false');
    assert.equal(s.autocomplete, 'list');
    assert.equal(s.listRole, 'listbox');

    await page.focus('#q');
    await page.keyboard.type('st martin d uriage');
    await page.waitForFunction(() => document.getElementById('q').getAttribute('aria-expanded') === 'true');
    s = await state(page);
    assert.ok(s.options >= 1, 'no option shown');
    assert.match(s.status, /résultat/);

    await page.keyboard.press('ArrowDown');
    s = await state(page);
    assert.match(s.active || '', /^Saint-Martin-d'Uriage \(38\)/, `first option: ${s.active}`);
    assert.equal(s.selected, 1);
    const lines = formatViolations(await axeViolations(page), `${page.url()} (listbox open)`);
    assert.deepEqual(lines, [], lines.join('\n'));

    await page.keyboard.press('Escape');
    s = await state(page);
    assert.equal(s.expanded, 'false');
    assert.ok(s.hidden, 'the listbox is still shown after Escape');

    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL(/\/organismes\/213804222$/), page.keyboard.press('Enter')]);
    assert.match(await page.locator('h1').innerText(), /Saint-Martin-d.Uriage/);
  } finally {
    await context.close();
  }
});

test('without JavaScript the body search is a plain form', { timeout: 30_000 }, async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(env.url + '/organismes');
    assert.equal(await page.getAttribute('#q', 'role'), null);
    await page.fill('#q', '38422');
    await Promise.all([page.waitForURL(/q=38422/), page.press('#q', 'Enter')]);
    assert.match(await page.locator('ol.results li a').first().innerText(), /^Saint-Martin-d'Uriage \(38\)$/);
  } finally {
    await context.close();
  }
});
