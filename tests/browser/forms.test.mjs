// Forms in their error state: sent with missing or wrong values, each form
// comes back (422) with its error summary, passes axe-core and reflows at
// 320 px, with JavaScript on and off. Invalid input is refused before any
// rate limit or email quota counts it, so this spends neither.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  env, requireServer, launch, newContext, axeViolations, formatViolations, reflowProblem,
} from './lib.mjs';

requireServer();
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Each form with the values typed before sending it.
const FORMS = [
  { path: '/inscription', fields: { '#email': 'pas-une-adresse', '#password': 'court', '#confirm': 'autre' } },
  { path: '/connexion', fields: {} },
  { path: '/mot-de-passe/oubli', fields: { '#email': 'pas-une-adresse' } },
  { path: '/connexion/lien', fields: { '#email': '' } },
];

/** Fills and sends the form of `main`, returns the answer's status. */
async function sendInvalid(page, form) {
  await page.goto(env.url + form.path);
  for (const [selector, value] of Object.entries(form.fields)) await page.fill(selector, value);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.click('main form[method=post] button[type=submit]'),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

for (const form of FORMS) {
  test(`${form.path} with errors`, { timeout: 30_000 }, async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      assert.equal(await sendInvalid(page, form), 422);
      assert.ok(await page.locator('main .error-summary').isVisible(), 'the error summary is shown');
      const lines = formatViolations(await axeViolations(page), `${page.url()} (errors)`);
      assert.deepEqual(lines, [], lines.join('\n'));
      const reflow = await reflowProblem(page, `${page.url()} (errors)`);
      assert.equal(reflow, null, reflow);
      const narrow = formatViolations(await axeViolations(page), `${page.url()} (errors, 320 px)`);
      assert.deepEqual(narrow, [], narrow.join('\n'));
    } finally {
      await context.close();
    }
  });
}

test('forms answer with JavaScript off', { timeout: 30_000 }, async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    for (const form of FORMS) {
      assert.equal(await sendInvalid(page, form), 422, `${form.path} sent with JavaScript off`);
      assert.ok(await page.locator('main .error-summary').isVisible(), `${form.path}: the error summary is shown`);
    }
  } finally {
    await context.close();
  }
});
