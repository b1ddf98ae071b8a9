// The account journey with the keyboard only: sign up, confirm the address
// (the link comes from the email the server logged), sign out, sign in, sign
// out. Only page.keyboard moves focus and types; after every Tab the focus
// must be on an element and visibly drawn. Each page met on the way, in the
// state it is met in, must pass axe-core too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  env, requireServer, launch, newContext, focusState, axeViolations, formatViolations, linkFromLog, frenchMessages,
} from './lib.mjs';

requireServer();
const fr = await frenchMessages();
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `wanted`,
 * checking after each press that the focus is visible. Returns the focus.
 */
async function tabTo(page, wanted, description, { back = false, max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusState(page);
    assert.ok(f.ok && f.visible, `focus not visible after ${back ? 'Shift+Tab' : 'Tab'} on ${page.url()}: ${f.what}`);
    if (wanted(f)) return f;
  }
  assert.fail(`${description} not reached with ${max} Tab presses on ${page.url()}`);
}

/** Presses a key that should load a new page, and waits for it. */
async function pressForPage(page, key) {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

/** No axe-core violation on the page as it is now. */
async function assertAccessible(page, state) {
  const lines = formatViolations(await axeViolations(page), `${page.url()} (${state})`);
  assert.deepEqual(lines, [], lines.join('\n'));
}

async function signedIn(page) {
  return (await page.locator('form[action="/deconnexion"]').count()) === 1;
}

test('sign-up, confirmation, sign-in and sign-out with the keyboard only', { timeout: 60_000 }, async () => {
  const email = `clavier-${Date.now()}@example.org`;
  const password = `clavier-${Math.random().toString(36).slice(2, 10)}-mdp`;
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(env.url + '/');

    // The first Tab reaches the skip link, which shows itself.
    await page.keyboard.press('Tab');
    const skip = await focusState(page);
    assert.equal(skip.text, fr['layout.skip'], `the first Tab should reach the skip link, not ${skip.what}`);
    assert.ok(skip.ok && skip.visible, `the skip link is focused but not visible: ${skip.what}`);

    // Sign up from the menu.
    await tabTo(page, (f) => f.href === '/inscription', 'the sign-up link');
    await pressForPage(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/inscription');
    await assertAccessible(page, 'empty sign-up form');
    await tabTo(page, (f) => f.id === 'email', 'the email field');
    await page.keyboard.type(email);
    await tabTo(page, (f) => f.id === 'password', 'the password field');
    await page.keyboard.type(password);
    await tabTo(page, (f) => f.id === 'confirm', 'the confirmation field');
    await page.keyboard.type(password);
    // Shift+Tab goes back to the password field, Tab forward again.
    await tabTo(page, (f) => f.id === 'password', 'the password field, backwards', { back: true, max: 1 });
    await tabTo(page, (f) => f.id === 'confirm', 'the confirmation field again', { max: 1 });
    await tabTo(page, (f) => f.inMain && f.text === fr['signup.submit'], 'the sign-up button');
    await pressForPage(page, 'Enter');
    await page.locator('main .notice[role=status]').waitFor();
    await assertAccessible(page, 'sign-up sent');

    // The link from the email, opened as a mail client would.
    const link = await linkFromLog(email, '/inscription/confirmer');
    await page.goto(link);
    await assertAccessible(page, 'confirmation page');
    await tabTo(page, (f) => f.inMain && f.text === fr['verify.submit'], 'the confirmation button');
    await pressForPage(page, 'Space');
    assert.equal(new URL(page.url()).pathname, '/compte', 'confirming signs in and opens the account page');
    assert.ok(await signedIn(page), 'signed in after confirming the address');
    assert.match(await page.locator('main').innerText(), new RegExp(email.replace(/[.]/g, '\\.')));
    await assertAccessible(page, 'account page after confirmation');

    // Sign out.
    await tabTo(page, (f) => f.form === '/deconnexion', 'the sign-out button');
    await pressForPage(page, 'Enter');
    assert.ok(!(await signedIn(page)), 'signed out');

    // Sign in with the new account, then sign out again.
    await tabTo(page, (f) => f.href === '/connexion', 'the sign-in link');
    await pressForPage(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/connexion');
    await assertAccessible(page, 'sign-in form');
    await tabTo(page, (f) => f.id === 'email', 'the email field');
    await page.keyboard.type(email);
    await tabTo(page, (f) => f.id === 'password', 'the password field');
    await page.keyboard.type(password);
    await tabTo(page, (f) => f.inMain && f.text === fr['login.submit'], 'the sign-in button');
    await pressForPage(page, 'Enter');
    assert.ok(await signedIn(page), `signed in with the new account (now on ${page.url()})`);
    assert.equal(await page.locator('main .notice[role=status]').innerText(), fr['flash.signed_in']);
    await assertAccessible(page, 'account page after sign-in');
    await tabTo(page, (f) => f.form === '/deconnexion', 'the sign-out button');
    await pressForPage(page, 'Space');
    assert.ok(!(await signedIn(page)), 'signed out at the end');
    assert.equal(new URL(page.url()).pathname, '/');
  } finally {
    await context.close();
  }
});
