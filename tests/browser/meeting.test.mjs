// The deliberation meeting, live: the president (jure1) and three jurors
// (jure2–4), each in a browser context of their own with JavaScript on,
// keep the meeting page of the demo's earlier edition open (the demo
// leaves it in deliberation with its agenda built). The president puts
// Grenoble on screen: within two seconds, without any reload by hand,
// jure2's and jure4's pages show it, while jure3, recused from Grenoble,
// is asked to step out and sees nothing of the file, not even its name.
// Then Voiron, which nobody is recused from: everyone follows again. Every
// page, in each state, passes axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, requireServer, launch, newContext, axeViolations, formatViolations, signIn } from './lib.mjs';

requireServer();
const FOLLOW_MS = 2000; // the brief: each screen follows within a second; 2 s with the page load
let browser;
const people = {}; // name → { context, page }

before(async () => {
  browser = await launch();
});
after(async () => {
  for (const p of Object.values(people)) await p.context.close().catch(() => {});
  await browser?.close();
});

async function assertAccessible(page, state) {
  const lines = formatViolations(await axeViolations(page), `${page.url()} (${state})`);
  assert.deepEqual(lines, [], lines.join('\n'));
}

/** The year whose meeting the president can open: the edition in deliberation. */
async function meetingYear(page) {
  await page.goto(env.url + '/jury');
  const years = await page.$$eval('main a[href^="/jury/"]', (as) => [...new Set(as
    .map((a) => (a.getAttribute('href').match(/^\/jury\/(\d{4})$/) || [])[1]).filter(Boolean))]);
  for (const y of years) {
    const res = await page.request.get(`${env.url}/jury/${y}/seance`);
    if (res.status() === 200) return y;
  }
  assert.fail(`no edition in deliberation among ${years.join(', ')} for jure1`);
}

async function open(name, email, url) {
  const storageState = await signIn(browser, { name, email });
  const context = await newContext(browser, { storageState });
  const page = await context.newPage();
  await page.goto(url);
  people[name] = { context, page };
  return page;
}

/** The chair shows the agenda item whose label names body. */
async function show(page, body) {
  const value = await page.$eval('#item', (select, b) => {
    const o = [...select.options].find((x) => new RegExp(`^\\d+\\. ${b} — `).test(x.textContent.trim()));
    return o ? o.value : '';
  }, body);
  assert.ok(value, `no agenda item for ${body}`);
  await page.selectOption('#item', value);
  await Promise.all([page.waitForEvent('load'), page.click('form.meeting-pick button[type=submit]')]);
  assert.equal((await page.locator('#point-titre').innerText()).trim(), body);
}

/** Waits until the page's item heading reads want, without reloading. */
async function follows(page, want, who) {
  const navigations = [];
  const onNav = (f) => { if (f === page.mainFrame()) navigations.push(f.url()); };
  page.on('framenavigated', onNav);
  try {
    await page.waitForFunction((w) => {
      const h = document.getElementById('point-titre');
      return h && h.textContent.trim() === w;
    }, want, { timeout: FOLLOW_MS });
  } catch (e) {
    const text = await page.locator('#seance').innerText().catch(() => '');
    assert.fail(`${who} did not show « ${want} » within ${FOLLOW_MS} ms: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  } finally {
    page.off('framenavigated', onNav);
  }
  assert.deepEqual(navigations, [], `${who}'s page reloaded instead of following`);
}

test('the jurors follow the president, and the recused juror steps out', async () => {
  const president = await open('president', 'jure1@example.org', env.url + '/jury');
  const year = await meetingYear(president);
  const meeting = `${env.url}/jury/${year}/seance`;
  await president.goto(meeting);
  const start = president.locator(`form[action="/jury/${year}/seance/ouvrir"] button`);
  if (await start.count()) {
    await Promise.all([president.waitForEvent('load'), start.click()]);
  }
  await president.locator('#item').waitFor();
  await assertAccessible(president, 'president, meeting open');

  const jurors = {
    vice: await open('vice', 'jure2@example.org', meeting),
    recused: await open('recused', 'jure3@example.org', meeting),
    juror: await open('juror', 'jure4@example.org', meeting),
  };
  for (const [who, page] of Object.entries(jurors)) {
    await page.locator('#seance').waitFor();
    await assertAccessible(page, `${who}, meeting open`);
  }

  // Grenoble: jure3 is recused from it.
  await show(president, 'Grenoble');
  await assertAccessible(president, 'president, Grenoble');
  await Promise.all([follows(jurors.vice, 'Grenoble', 'jure2'), follows(jurors.juror, 'Grenoble', 'jure4'),
    follows(jurors.recused, 'Vous êtes récusé(e)', 'jure3')]);
  const recusedText = await jurors.recused.locator('main').innerText();
  assert.match(recusedText, /Vous êtes récusé\(e\) pour ce dossier : merci de quitter la salle/);
  assert.doesNotMatch(recusedText, /Grenoble/, 'the recused juror sees the name of the file');
  assert.equal(await jurors.recused.locator('form[action$="/seance/vote"]').count(), 0, 'the recused juror gets a voting form');
  assert.equal(await jurors.juror.locator('form[action$="/seance/vote"]').count(), 1, 'jure4 gets no voting form');
  for (const [who, page] of Object.entries(jurors)) await assertAccessible(page, `${who}, Grenoble`);

  // Voiron: nobody is recused; everyone follows again.
  await show(president, 'Voiron');
  await Promise.all([follows(jurors.vice, 'Voiron', 'jure2'), follows(jurors.juror, 'Voiron', 'jure4'),
    follows(jurors.recused, 'Voiron', 'jure3')]);
  for (const [who, page] of Object.entries(jurors)) await assertAccessible(page, `${who}, Voiron`);

  // Without JavaScript the same page works, with its « Actualiser » link.
  const noJs = await newContext(browser, { storageState: await people.juror.context.storageState(), javaScriptEnabled: false });
  try {
    const page = await noJs.newPage();
    await page.goto(meeting);
    assert.equal((await page.locator('#point-titre').innerText()).trim(), 'Voiron');
    assert.equal(await page.locator(`main a[href="/jury/${year}/seance"]`, { hasText: 'Actualiser' }).count(), 1);
  } finally {
    await noJs.close();
  }
});
