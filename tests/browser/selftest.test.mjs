// The checkers checked: fixture pages with a known fault, served by this
// test alone on loopback (never by tnl), must be reported by the same
// functions the crawl uses, so that a broken checker cannot pass silently.
// A clean fixture must pass them, so that a checker failing everything is
// caught too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  launch, newContext, firstVisit, budgetProblems, axeViolations, formatViolations, reflowProblem, noJsProblem,
  focusState, ecoIndex, BUDGET, messagePrefixes, untranslatedProblem,
} from './lib.mjs';

const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const page = (body, head = '', title = 'Fixture') => `<!doctype html><html lang="fr"><head><meta charset="utf-8">` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}</head>` +
  `<body><header><a href="#c">Aller au contenu</a></header><main id="c"><h1>Fixture</h1>${body}</main></body></html>`;

let other; // a second origin, for third-party requests
const FIXTURES = {
  '/clean': () => page('<p>Une page <a href="/clean">correcte</a>.</p><img src="/pixel.png" alt="Un point">',
    '<link rel="stylesheet" href="/static/app.css">'),
  // Sent without compression (the server leaves this one path alone).
  '/uncompressed': () => page('<p>Texte brut</p>'),
  // A static file without a far-future immutable cache.
  '/mutable': () => page('<p>Style</p>', '<link rel="stylesheet" href="/static/old.css">'),
  // An image without alt and a field without label: two WCAG A faults.
  '/faulty': () => page('<img src="/pixel.png"><form><input type="text" name="q"></form>'),
  // More requests than a public page may make.
  '/heavy': () => page(Array.from({ length: BUDGET.public.requests + 2 }, (_, i) => `<img src="/pixel.png?n=${i}" alt="">`).join('')),
  '/third-party': () => page(`<img src="${other}/pixel.png" alt="">`),
  '/wide': () => page('<p>Trop large</p>', '<style>p { width: 600px; }</style>'),
  '/no-focus-style': () => page('<p><a class="bare" href="/clean">Lien</a></p>', '<style>.bare:focus { outline: none; }</style>'),
  '/untranslated': () => page('<p>Commune</p><p>kind.metropole</p><p>example.org</p>', '', 'role.admin'),
  '/no-main': () => '<!doctype html><html lang="fr"><head><title>Fixture</title></head><body><p>Sans main</p></body></html>',
};

function fixtureServer() {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/pixel.png') {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
      return res.end(PIXEL);
    }
    const send = (status, headers, text) => {
      if (path === '/uncompressed') return res.writeHead(status, headers).end(text);
      res.writeHead(status, { ...headers, 'Content-Encoding': 'gzip' }).end(gzipSync(text));
    };
    if (path.startsWith('/static/')) {
      const cache = path === '/static/app.css' ? 'public, max-age=31536000, immutable' : 'public, max-age=60';
      return send(200, { 'Content-Type': 'text/css', 'Cache-Control': cache }, 'p { color: #111; }');
    }
    const fixture = FIXTURES[path];
    send(fixture ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' }, fixture ? fixture() : 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let browser, main, second, base;

before(async () => {
  [browser, main, second] = await Promise.all([launch(), fixtureServer(), fixtureServer()]);
  base = `http://127.0.0.1:${main.address().port}`;
  other = `http://127.0.0.1:${second.address().port}`;
});
after(async () => {
  await browser?.close();
  main?.close();
  second?.close();
});

/** Opens a fixture as the crawl does, returns its figures and the open page. */
async function visit(path) {
  return firstVisit(browser, base + path, { origin: base });
}

test('the axe check reports a page with an image without alt and a field without label', async () => {
  const { context, page } = await visit('/faulty');
  try {
    const violations = await axeViolations(page);
    const ids = violations.map((v) => v.id);
    assert.ok(ids.includes('image-alt'), `image-alt not reported: ${ids}`);
    assert.ok(ids.includes('label'), `label not reported: ${ids}`);
    const lines = formatViolations(violations, base + '/faulty');
    assert.ok(lines.some((l) => l.startsWith('axe image-alt (critical) at img on ')), lines.join('\n'));
  } finally {
    await context.close();
  }
});

test('a clean fixture passes every checker', async () => {
  const { context, page, metrics } = await visit('/clean');
  try {
    assert.deepEqual(formatViolations(await axeViolations(page), 'clean'), []);
    assert.equal(metrics.requests, 3, 'the page, its style sheet and its image');
    assert.ok(metrics.bytes > PIXEL.length, `bytes on the wire counted: ${metrics.bytes}`);
    assert.deepEqual(budgetProblems(metrics, { isPublic: true, url: 'clean' }), []);
    assert.equal(await reflowProblem(page, 'clean'), null);
  } finally {
    await context.close();
  }
});

test('the weight check flags a public page over the request budget', async () => {
  const { context, metrics } = await visit('/heavy');
  await context.close();
  assert.equal(metrics.requests, BUDGET.public.requests + 3);
  const problems = budgetProblems(metrics, { isPublic: true, url: 'heavy' });
  assert.ok(problems.some((p) => p.startsWith(`${BUDGET.public.requests + 3} requests on public page`)), problems.join('\n'));
  // The same page behind a sign-in is held to the any-page budgets only.
  assert.deepEqual(budgetProblems(metrics, { isPublic: false, url: 'heavy' }), []);
});

test('the weight check flags a request to another origin', async () => {
  const { context, metrics } = await visit('/third-party');
  await context.close();
  assert.deepEqual(metrics.thirdParty, [`${other}/pixel.png`]);
  const problems = budgetProblems(metrics, { isPublic: false, url: 'third-party' });
  assert.ok(problems.some((p) => p.includes('third-party request')), problems.join('\n'));
});

test('the weight check flags text sent uncompressed and a static file not cached immutably', async () => {
  for (const [path, wanted] of [['/uncompressed', 'text sent uncompressed'], ['/mutable', 'static file not cached as immutable']]) {
    const { context, metrics } = await visit(path);
    await context.close();
    const problems = budgetProblems(metrics, { isPublic: false, url: path });
    assert.ok(problems.some((p) => p.startsWith(wanted)), `${path}: ${problems.join('\n')}`);
  }
});

test('the weight check flags a page over the byte and node budgets', () => {
  const metrics = { bytes: 210 * 1024, requests: 3, dom: 900, thirdParty: [], ...ecoIndex(900, 3, 210 * 1024) };
  const problems = budgetProblems(metrics, { isPublic: true, url: 'big' });
  assert.ok(problems.some((p) => p.includes('(any page: ≤ 200.0 KB)')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('(≤ 50.0 KB)')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('900 DOM nodes')), problems.join('\n'));
});

test('EcoIndex comes from the ecoindex package and falls with weight', () => {
  const light = ecoIndex(50, 2, 5 * 1024);
  const heavy = ecoIndex(3000, 120, 4000 * 1024);
  assert.equal(light.grade, 'A');
  assert.ok(light.ecoindex > 80 && light.ecoindex <= 100, `light page: ${light.ecoindex}`);
  assert.ok(heavy.ecoindex < 50, `heavy page: ${heavy.ecoindex}`);
  const problems = budgetProblems({ bytes: 4000 * 1024, requests: 120, dom: 3000, thirdParty: [], ...heavy }, { isPublic: true, url: 'heavy' });
  assert.ok(problems.some((p) => p.startsWith('EcoIndex')), problems.join('\n'));
});

test('the reflow check flags a page wider than 320 px', async () => {
  const { context, page } = await visit('/wide');
  try {
    const problem = await reflowProblem(page, 'wide');
    assert.match(problem ?? '', /horizontal scroll at 320 px on wide: scrollWidth \d+ > 320 \(too wide: p\)/);
  } finally {
    await context.close();
  }
});

test('the no-JavaScript check flags a page without <main>', async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const p = await context.newPage();
    assert.equal(await noJsProblem(p, base + '/clean'), null);
    assert.match(await noJsProblem(p, base + '/no-main') ?? '', /no single <main>/);
  } finally {
    await context.close();
  }
});

test('the translation check flags a message id shown as it is', async () => {
  const prefixes = await messagePrefixes();
  const { context, page } = await visit('/untranslated');
  try {
    assert.equal(await untranslatedProblem(page, 'untranslated', prefixes), 'untranslated message id(s) shown on untranslated: role.admin, kind.metropole');
  } finally {
    await context.close();
  }
  const clean = await visit('/clean');
  try {
    assert.equal(await untranslatedProblem(clean.page, 'clean', prefixes), null);
  } finally {
    await clean.context.close();
  }
});

test('the focus check flags a focused link drawn without outline', async () => {
  const context = await newContext(browser);
  try {
    const p = await context.newPage();
    await p.goto(base + '/no-focus-style');
    await p.keyboard.press('Tab');
    const skip = await focusState(p);
    assert.ok(skip.ok, `the default focus ring counts as visible: ${skip.what}`);
    await p.keyboard.press('Tab');
    const f = await focusState(p);
    assert.equal(f.href, '/clean');
    assert.equal(f.ok, false, 'a link with outline: none has no visible focus');
  } finally {
    await context.close();
  }
});
