// A juror scores one file with the keyboard only: from their list of files
// to the review form, every criterion and section level chosen with the
// arrow keys, the proposed level, a text typed, then « Soumettre ». The
// focus stays visible after every key, axe-core passes on each state, and
// the indicative score, hidden before, shows once the proposal is in.
// The demo's current edition is in the review phase; jure3 has « Albi » to
// do (internal/demo/jury.go).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  env, requireServer, launch, newContext, focusState, axeViolations, formatViolations, signIn,
} from './lib.mjs';

requireServer();
let browser;
let jurorState;
const year = new Date().getFullYear();

before(async () => {
  browser = await launch();
  jurorState = await signIn(browser, { name: 'jure3', email: 'jure3@example.org' });
});
after(async () => {
  await browser?.close();
});

async function assertAccessible(page, state) {
  const lines = formatViolations(await axeViolations(page), `${page.url()} (${state})`);
  assert.deepEqual(lines, [], lines.join('\n'));
}

/** Presses key; the focus must then be on a visible, outlined element. */
async function press(page, key) {
  await page.keyboard.press(key);
  const f = await focusState(page);
  assert.ok(f.ok && f.visible, `focus not visible after ${key} on ${page.url()}: ${JSON.stringify(f)}`);
  return f;
}

/** Tab until wanted(focus) holds. */
async function tabTo(page, wanted, description, max = 400) {
  for (let i = 0; i < max; i++) {
    const f = await press(page, 'Tab');
    if (wanted(f)) return f;
  }
  assert.fail(`${description} not reached with ${max} Tab presses on ${page.url()}`);
}

test('a juror scores one file with the keyboard only', async () => {
  const context = await newContext(browser, { storageState: jurorState });
  const page = await context.newPage();
  await page.goto(`${env.url}/jury/${year}/dossiers`);
  await assertAccessible(page, 'my files');
  await tabTo(page, (f) => f.tag === 'a' && /\/dossiers\/\d+$/.test(f.href || '') && f.text.includes('Albi'), 'the link to Albi');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/dossiers\/\d+$/);
  const main = () => page.locator('main').innerText();
  assert.match(await main(), /Le score indicatif .* s'affichera une fois votre proposition soumise/);
  await assertAccessible(page, 'empty review form');

  // Each radio group starts on « no answer », its last choice: Left picks
  // the value before it — the highest grade of a criterion or a section
  // level; for the proposed level, Left twice (abstention comes between).
  const seen = new Set();
  for (;;) {
    const f = await press(page, 'Tab');
    if (f.tag === 'textarea' && f.id === 'strengths') break;
    if (f.tag !== 'input' || f.type !== 'radio' || seen.has(f.name)) continue;
    seen.add(f.name);
    await press(page, 'ArrowLeft');
    if (f.name === 'level') await press(page, 'ArrowLeft');
  }
  assert.ok([...seen].some((n) => n.startsWith('c.')) && [...seen].some((n) => n.startsWith('sl.')) && seen.has('level'),
    `radio groups reached: ${[...seen].join(', ')}`);
  await page.keyboard.type('Une démarche exemplaire, partagée avec les communes voisines.');
  await tabTo(page, (f) => f.tag === 'button' && f.text === 'Soumettre', 'the « Soumettre » button');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  const after = await main();
  assert.doesNotMatch(after, /s'affichera une fois votre proposition soumise/, 'still hidden after the proposal');
  assert.match(after, /Score indicatif calculé à partir des réponses/);
  await assertAccessible(page, 'review submitted');

  await page.goto(`${env.url}/jury/${year}/dossiers`);
  const row = page.locator('tr', { hasText: 'Albi' });
  assert.match(await row.innerText(), /Envoyée/);
  await context.close();
});
