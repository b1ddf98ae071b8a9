// The applicant's journey, twice: with the keyboard only (JavaScript on,
// autosave working) and with JavaScript off (plain form posts). A new
// account signs in, claims a commune as its élu référent (an admin
// approves), starts the Label application, fills every section, attaches a
// PDF, submits and reads the receipt. Every page met, in the state it is
// met in, passes axe-core. Then the states a crawl cannot reach: a
// validation error, a stale-save conflict between two colleagues, and an
// application after its deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import {
  env, requireServer, launch, newContext, focusState, axeViolations, formatViolations, linkFromLog, signIn, ROLES,
} from './lib.mjs';

requireServer();
let browser;
let adminState;
let pdf;

before(async () => {
  browser = await launch();
  adminState = await signIn(browser, ROLES.find((r) => r.name === 'admin'));
  pdf = path.join(os.tmpdir(), `deliberation-${process.pid}.pdf`);
  await writeFile(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
});
after(async () => {
  await browser?.close();
});

const noJsContexts = new WeakSet();

/** No axe-core violation; axe runs in the page, so only with JavaScript on
 * (the keyboard journey checks the same pages). */
async function assertAccessible(page, state) {
  if (noJsContexts.has(page.context())) return;
  const lines = formatViolations(await axeViolations(page), `${page.url()} (${state})`);
  assert.deepEqual(lines, [], lines.join('\n'));
}

/** Tab (or Shift+Tab) until the focus matches; the focus must stay visible. */
async function tabTo(page, wanted, description, { max = 250 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusState(page);
    if (!(f.ok && f.visible)) {
      const more = await page.evaluate(() => { const e = document.activeElement; const s = getComputedStyle(e); return { f: e.matches(':focus'), fv: e.matches(':focus-visible'), doc: document.hasFocus(), o: s.outlineStyle, ow: s.outlineWidth, css: [...document.styleSheets].map((x) => x.href) }; });
      assert.fail(`focus not visible after Tab on ${page.url()}: ${JSON.stringify(f)} ${JSON.stringify(more)}`);
    }
    if (wanted(f)) return f;
  }
  assert.fail(`${description} not reached with ${max} Tab presses on ${page.url()}`);
}

async function pressForPage(page, key) {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

/** A fresh account, signed up and confirmed (the setup, not the journey). */
async function newAccount(label) {
  const email = `${label}-${Date.now()}@example.org`;
  const password = `${label}-${Math.random().toString(36).slice(2, 10)}-mdp`;
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(env.url + '/inscription');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.fill('#confirm', password);
  await Promise.all([page.waitForEvent('load'), page.click('main form button[type=submit]')]);
  await page.goto(await linkFromLog(email, '/inscription/confirmer'));
  await Promise.all([page.waitForEvent('load'), page.click('main form button[type=submit]')]);
  await context.close();
  return { email, password };
}

/** The admin approves the pending claim of email (the secretariat's part). */
async function approveClaim(email) {
  const context = await newContext(browser, { storageState: adminState });
  const page = await context.newPage();
  await page.goto(env.url + '/admin/demandes');
  const button = page.locator('main form[action*="/approuver"] button', { hasText: email });
  await Promise.all([page.waitForEvent('load'), button.click()]);
  await context.close();
}

/** What a question still needs, read from the page: its unanswered fields. */
async function unanswered(page) {
  return page.$$eval('main form.section-form .question:not([hidden])', (qs) => qs.map((q) => {
    const type = q.dataset.type;
    const inputs = [...q.querySelectorAll('input:not([type=hidden]):not([type=file]), select, textarea')]
      .filter((e) => !e.disabled);
    const answered = inputs.some((e) => (e.type === 'radio' || e.type === 'checkbox') ? e.checked
      : e.tagName === 'SELECT' ? e.value !== '' : e.value.trim() !== '');
    const first = inputs[0];
    const cells = type === 'table' ? inputs.filter((e) => /\.0\./.test(e.name)).map((e) => ({ id: e.id, tag: e.tagName.toLowerCase(), type: e.type })) : [];
    return { id: q.dataset.question, type, answered, first: first && { id: first.id, tag: first.tagName.toLowerCase(), type: first.type }, cells };
  }).filter((q) => !q.answered && q.type !== 'file' && q.first));
}

const TYPED = { integer: '12', percentage: '40', text: 'Syndicat du numérique', longtext: 'Une feuille de route votée en conseil.',
  url: 'https://www.example.org/numerique', date: '14032025', software: 'LibreOffice' };

/** Answers one field, with the keyboard when asked to. */
async function answer(page, q, field, value, keyboard) {
  if (keyboard) {
    await tabTo(page, (f) => f.id === field.id, `the field ${field.id}`);
    if (field.tag === 'select') await page.keyboard.press('ArrowDown');
    else if (field.type === 'radio' || field.type === 'checkbox') await page.keyboard.press('Space');
    else await page.keyboard.type(value);
    return;
  }
  const el = page.locator(`[id="${field.id}"]`);
  if (field.tag === 'select') await el.selectOption({ index: 1 });
  else if (field.type === 'radio' || field.type === 'checkbox') await el.check();
  else await el.fill(value);
}

/** Fills every visible unanswered question, saving until none is left. */
async function fillSection(page, keyboard) {
  for (let pass = 0; pass < 4; pass++) {
    const todo = await unanswered(page);
    if (todo.length === 0) return;
    await page.keyboard.press('Home').catch(() => {});
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const q of todo) {
      if (q.type === 'table') {
        for (const c of q.cells) await answer(page, q, c, c.type === 'text' && /postes|nombre/.test(c.id) ? '5' : (c.id.endsWith('postes') ? '5' : 'QGIS'), keyboard);
      } else {
        await answer(page, q, q.first, q.type === 'date' && !keyboard ? '2025-03-14' : (TYPED[q.type] || ''), keyboard);
      }
    }
    await save(page, keyboard, false);
  }
  assert.deepEqual(await unanswered(page), [], `questions left unanswered on ${page.url()}`);
}

/** Saves the section (staying on it, or going to the next). */
async function save(page, keyboard, next) {
  const text = next ? 'section suivante' : null;
  if (keyboard) {
    await tabTo(page, (f) => f.tag === 'button' && f.inMain && (next ? f.text.includes('suivante') : /^Enregistrer$/.test(f.text)), 'the save button');
    await pressForPage(page, 'Enter');
  } else {
    const b = next ? page.locator('main .form-actions button[name=next]') : page.locator('main .form-actions button:not([name])');
    await Promise.all([page.waitForEvent('load'), b.click()]);
  }
  assert.ok([200].includes((await page.evaluate(() => document.readyState === 'complete' ? 200 : 0))), text || 'saved');
}

/** Attaches the PDF to the first file question of the page. */
async function attach(page, keyboard) {
  const input = page.locator('main input[type=file]').first();
  if (keyboard) {
    const id = await input.getAttribute('id');
    await tabTo(page, (f) => f.id === id, 'the file field');
    await input.setInputFiles(pdf); // the system's file chooser is outside the page
    await tabTo(page, (f) => f.tag === 'button' && f.form && f.form.includes('/fichiers'), 'the upload button', { max: 3 });
    await pressForPage(page, 'Enter');
  } else {
    await input.setInputFiles(pdf);
    await Promise.all([page.waitForEvent('load'), page.locator('main form.upload-form button, main button[form^=upload-]').first().click()]);
  }
  assert.match(await page.locator('main').innerText(), /deliberation-\d+\.pdf/, 'the attached file is listed');
}

async function journey({ keyboard, body, label }) {
  const account = await newAccount(label);
  const context = await newContext(browser, { javaScriptEnabled: keyboard });
  if (!keyboard) noJsContexts.add(context);
  const page = await context.newPage();
  try {
    // Sign in.
    await page.goto(env.url + '/connexion');
    if (keyboard) {
      await tabTo(page, (f) => f.id === 'email', 'the email field');
      await page.keyboard.type(account.email);
      await tabTo(page, (f) => f.id === 'password', 'the password field');
      await page.keyboard.type(account.password);
      await pressForPage(page, 'Enter');
    } else {
      await page.fill('#email', account.email);
      await page.fill('#password', account.password);
      await Promise.all([page.waitForEvent('load'), page.click('main form button[type=submit]')]);
    }
    // Claim the commune as its élu référent.
    await page.goto(env.url + `/organismes/${body}/rejoindre`);
    await assertAccessible(page, 'claim form');
    if (keyboard) {
      await tabTo(page, (f) => f.id === 'role-elu', 'the élu référent choice');
      await page.keyboard.press('Space');
      await tabTo(page, (f) => f.tag === 'button' && f.inMain && f.form && f.form.endsWith('/rejoindre'), 'the claim button');
      await pressForPage(page, 'Enter');
    } else {
      await page.check('#role-elu');
      await Promise.all([page.waitForEvent('load'), page.click('main form[action$="/rejoindre"] button[type=submit]')]);
    }
    await approveClaim(account.email);

    // Start the Label application from the list.
    await page.goto(env.url + '/candidatures');
    await assertAccessible(page, 'my applications');
    const start = `main form[action="/candidatures"]:has(input[name=organisme][value="${body}"]):has(input[name=parcours][value=label]) button`;
    if (keyboard) {
      const text = (await page.locator(start).innerText()).trim();
      await tabTo(page, (f) => f.tag === 'button' && f.text === text, 'the start button');
      await pressForPage(page, 'Enter');
    } else {
      await Promise.all([page.waitForEvent('load'), page.click(start)]);
    }
    const overview = new URL(page.url()).pathname;
    assert.match(overview, /^\/candidatures\/\d+$/, 'starting opens the overview');
    await assertAccessible(page, 'overview of an empty application');

    // Every section, in order.
    const first = await page.locator('main a[href*="/sections/"]').first().getAttribute('href');
    await page.goto(env.url + first);
    const sections = await page.$$eval('main nav a[href*="/sections/"]', (as) => [...new Set(as.map((a) => new URL(a.href).pathname))]);
    assert.ok(sections.length >= 5, `sections listed: ${sections}`);
    await page.goto(env.url + sections[0]);
    for (let i = 0; i < sections.length; i++) {
      assert.equal(new URL(page.url()).pathname, sections[i]);
      await assertAccessible(page, `section ${i + 1}, before filling`);
      await fillSection(page, keyboard);
      if (i === 0) await attach(page, keyboard);
      await assertAccessible(page, `section ${i + 1}, filled`);
      if (i < sections.length - 1) await save(page, keyboard, true);
    }

    // Submit, then read the receipt.
    await page.goto(env.url + overview + '/soumettre');
    await assertAccessible(page, 'submission page');
    if (keyboard) {
      await tabTo(page, (f) => f.id === 'confirmer', 'the confirmation box');
      await page.keyboard.press('Space');
      await tabTo(page, (f) => f.tag === 'button' && f.inMain && f.form && f.form.endsWith('/soumettre'), 'the submit button');
      await pressForPage(page, 'Enter');
    } else {
      await page.check('#confirmer');
      await Promise.all([page.waitForEvent('load'), page.click('main form[action$="/soumettre"] button[type=submit]')]);
    }
    assert.match(new URL(page.url()).pathname, /^\/candidatures\/\d+\/recus\/1$/, `the receipt follows the submission (now ${page.url()})`);
    assert.match(await page.locator('main').innerText(), /[0-9a-f]{64}/, 'the receipt shows the SHA-256 digest');
    await assertAccessible(page, 'receipt');
  } finally {
    await context.close();
  }
}

test('the applicant journey with the keyboard only', { timeout: 240_000 }, async () => {
  await journey({ keyboard: true, body: '213801699', label: 'clavier-candidat' }); // Fontaine (38)
});

test('the applicant journey with JavaScript off', { timeout: 120_000 }, async () => {
  await journey({ keyboard: false, body: '213804743', label: 'sans-js-candidat' }); // Sassenage (38)
});

/** A context signed in as a demo account. */
async function demoContext(email, options = {}) {
  const state = await signIn(browser, { name: email, email });
  return newContext(browser, { storageState: state, ...options });
}

test('application states pass axe: closed, invalid, conflict', { timeout: 120_000 }, async () => {
  const owner = await demoContext('candidat1@example.org'); // responsable of Saint-Martin-d'Uriage
  const colleague = await demoContext('candidat3@example.org'); // contributor, section "logiciels"
  try {
    const page = await owner.newPage();
    // Last year's application: its deadline has passed, everything is read-only.
    const list = await page.goto(env.url + '/candidatures');
    assert.equal(list.status(), 200);
    const last = await page.locator('main a[href^="/candidatures/"]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href')).filter((h) => /^\/candidatures\/\d+$/.test(h)));
    assert.ok(last.length >= 2, `applications listed: ${last}`);
    for (const href of last) {
      await page.goto(env.url + href);
      await assertAccessible(page, 'overview');
      const section = await page.locator('main a[href*="/sections/"]').first().getAttribute('href');
      await page.goto(env.url + section);
      await assertAccessible(page, 'section');
    }

    // A number that is not one: 422, the typed value kept, the error linked.
    const current = `/candidatures/${await currentApplicationId(page)}/sections/logiciels`;
    await page.goto(env.url + current);
    await page.fill('[id="a.postes_nombre"]', 'beaucoup');
    const [invalid] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.click('main .form-actions button:not([name])')]);
    await page.waitForLoadState('load');
    assert.equal(invalid.status(), 422);
    assert.equal(await page.inputValue('[id="a.postes_nombre"]'), 'beaucoup');
    await assertAccessible(page, 'invalid number');

    // Two colleagues edit the same answer: the later, stale save is refused
    // and shows the newer value beside the user's (409).
    const mine = await colleague.newPage();
    await mine.goto(env.url + current);
    await page.goto(env.url + current);
    await page.fill('[id="a.postes_nombre"]', '31');
    await Promise.all([page.waitForEvent('load'), page.click('main .form-actions button:not([name])')]);
    await mine.fill('[id="a.postes_nombre"]', '42');
    const [conflict] = await Promise.all([mine.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      mine.click('main .form-actions button:not([name])')]);
    await mine.waitForLoadState('load');
    assert.equal(conflict.status(), 409, 'a stale save is refused');
    const text = await mine.locator('main').innerText();
    assert.match(text, /31/, 'the newer value is shown');
    assert.match(text, /42/, "the user's value is kept beside it");
    await assertAccessible(mine, 'stale-save conflict');
  } finally {
    await owner.close();
    await colleague.close();
  }
});

/** The id of the signed-in applicant's application of this year (the list's first). */
async function currentApplicationId(page) {
  await page.goto(env.url + '/candidatures');
  const href = await page.locator('main a[href^="/candidatures/"]').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')).find((h) => /^\/candidatures\/\d+$/.test(h)));
  return href.split('/').pop();
}
