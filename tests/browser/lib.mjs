// Shared helpers of the browser tests (make test-browser): the browser, the
// roles and how they sign in, and one checker per budget of
// ../shared/docs/quality.md, each usable on its own so that the self-tests
// can show that it does fail.
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
// The EcoIndex tables are not free to copy: they stay in the npm package,
// used at test time only.
import { computeEcoIndex, getEcoIndexGrade } from 'ecoindex';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(ROOT, 'test-results', 'browser');
export const SCREENSHOTS = path.join(RESULTS, 'screenshots');

/** The server under test and what the script knows about it. */
export const env = {
  url: (process.env.TNL_URL || '').replace(/\/$/, ''),
  password: process.env.TNL_DEMO_PASSWORD || '',
  log: process.env.TNL_LOG || '',
};

/** The budgets of quality.md. KB are 1,024 bytes, as EcoIndex counts them. */
export const BUDGET = {
  public: { bytes: 50 * 1024, requests: 10, dom: 600, ecoindex: 80 },
  any: { bytes: 200 * 1024, thirdParty: 0 },
};

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The roles of the crawl; every demo account has the demo password. */
export const ROLES = [
  { name: 'anonymous' },
  { name: 'applicant', email: 'candidat1@example.org' },
  { name: 'juror', email: 'jure1@example.org' },
  { name: 'admin', email: 'admin@example.org' },
];

/** Pages per role at most, so that a link loop cannot run away; enough for
 * the jury's pages (two editions, each file's review, discussion, letter). */
export const MAX_PAGES = 110;
/** At most this many crawled pages of one shape (see shapeOf) per role. */
export const MAX_PER_SHAPE = 10;

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium calls home, which the
// closed network of CI refuses, slowly.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium; playwright-core never downloads a browser. */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Fails early, with a clear message, when the script did not start a server. */
export function requireServer() {
  if (!env.url) throw new Error('TNL_URL is not set: run the browser tests with make test-browser');
}

export const DESKTOP = { width: 1280, height: 800 };
export const NARROW = { width: 320, height: 640 };

/** A new browser context with short timeouts: a page of this site is fast. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR', ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/**
 * Signs a role in through the /connexion form and returns the context's
 * storage state (the session cookie), for the fresh contexts of each page.
 * The anonymous role has no state.
 */
export async function signIn(browser, role) {
  if (!role.email) return undefined;
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(env.url + '/connexion');
    await page.fill('#email', role.email);
    await page.fill('#password', env.password);
    await Promise.all([page.waitForEvent('load'), page.click('main button[type=submit]')]);
    if (await page.locator('form[action="/deconnexion"]').count() !== 1) {
      const why = await page.locator('main').innerText().catch(() => '');
      throw new Error(`${role.name} (${role.email}) is not signed in after the login form (${page.url()}): ${why.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    return await context.storageState();
  } finally {
    await context.close();
  }
}

/** The pages listed in pages.json for a role: pages no menu links to. */
export async function listedPages(roleName) {
  const list = JSON.parse(await readFile(new URL('./pages.json', import.meta.url), 'utf8'));
  return list.filter((p) => p.roles.includes(roleName)).map((p) => ({ path: p.path, status: p.status ?? 200 }));
}

/**
 * A link worth following from a page: same origin, GET, not a static file,
 * not a way out of the session. Returns the path and query, or null.
 */
/**
 * The template a path was made from: segments holding a digit are
 * identifiers ("/organismes/213804222" → "/organismes/:id"), the query
 * counts by its names only.
 */
export function shapeOf(p) {
  const u = new URL(p, 'http://x');
  const path = u.pathname.split('/').map((s) => (/\d/.test(s) ? ':id' : s)).join('/');
  return path + '?' + [...u.searchParams.keys()].sort().join('&');
}

export function crawlable(href, origin) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return null;
  }
  if (u.origin !== origin) return null;
  if (u.pathname.startsWith('/static/') || /deconnexion|logout/.test(u.pathname)) return null;
  // Downloads (spreadsheets, JSON, attachments) are files, not pages.
  if (/\.(ods|xlsx|csv|json|pdf|ics|xml)$/.test(u.pathname) || u.pathname.includes('/fichiers/')) return null;
  return u.pathname + u.search;
}

// ---------------------------------------------------------------- axe-core

/**
 * Runs axe-core with the WCAG 2.1 A and AA rules; returns the violations.
 * Legacy mode runs axe.run in the page and its same-origin frames (this
 * site has no cross-origin frame), three times faster than the default,
 * which finishes each run in a second tab. axe needs JavaScript: it cannot
 * run in a context where JavaScript is off.
 */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
  return results.violations;
}

/** One line per failing element: rule, impact, selector, page. */
export function formatViolations(violations, url) {
  const lines = [];
  for (const v of violations) {
    for (const node of v.nodes) {
      lines.push(`axe ${v.id} (${v.impact}) at ${node.target.join(' ')} on ${url}: ${v.help}` +
        (node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''));
    }
  }
  return lines;
}

// ------------------------------------------------------------------ weight

/**
 * Loads url in a fresh context (empty cache, as a first visit) and counts
 * what went over the wire with the DevTools protocol: bytes as encoded on
 * the wire, headers included; every request, redirects included; requests
 * to another origin than `origin`. Returns the open page too, so that the
 * caller can look at it before closing the context.
 */
export async function firstVisit(browser, url, { origin, storageState, javaScriptEnabled = true } = {}) {
  const context = await newContext(browser, { storageState, javaScriptEnabled });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const net = { bytes: 0, requests: 0, thirdParty: [], uncompressed: [], notImmutable: [], inflight: new Set() };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!/^https?:/.test(e.request.url)) return; // data: and blob: are not on the wire
    if (e.redirectResponse) net.bytes += e.redirectResponse.encodedDataLength;
    net.requests++;
    net.inflight.add(e.requestId);
    if (new URL(e.request.url).origin !== origin) net.thirdParty.push(e.request.url);
  });
  cdp.on('Network.responseReceived', (e) => {
    const { url, status, headers } = e.response;
    if (status !== 200 || !/^https?:/.test(url) || new URL(url).origin !== origin) return;
    const header = (name) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';
    // A live stream (the meeting's server-sent events) is sent as it comes,
    // event by event, and never ends: neither compressed nor waited for.
    if (header('content-type').startsWith('text/event-stream')) {
      net.inflight.delete(e.requestId);
      return;
    }
    if (TEXT.test(header('content-type')) && !/gzip|br|zstd|deflate/.test(header('content-encoding'))) net.uncompressed.push(url);
    if (new URL(url).pathname.startsWith('/static/') && !/immutable/.test(header('cache-control'))) net.notImmutable.push(url);
  });
  cdp.on('Network.loadingFinished', (e) => {
    net.bytes += e.encodedDataLength;
    net.inflight.delete(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => net.inflight.delete(e.requestId));
  await cdp.send('Network.enable');
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load' });
    await settle(net.inflight);
  } catch (err) {
    await context.close();
    throw err;
  }
  await cdp.detach();
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
  const metrics = {
    bytes: net.bytes, requests: net.requests, dom, thirdParty: net.thirdParty,
    uncompressed: net.uncompressed, notImmutable: net.notImmutable, ...ecoIndex(dom, net.requests, net.bytes),
  };
  return { context, page, response, metrics };
}

// Responses that must travel compressed.
const TEXT = /^(text\/|application\/(json|javascript|xml|atom\+xml|rss\+xml)|image\/svg\+xml)/;

/**
 * Waits until no request is in flight for 200 ms, 3 s at most: the browser
 * asks for the favicon after the load event.
 */
async function settle(inflight) {
  const end = Date.now() + 3000;
  let quietSince = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    if (inflight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 200) return;
  }
}

/** The EcoIndex score (0–100) and grade from the npm ecoindex package. */
export function ecoIndex(dom, requests, bytes) {
  const score = computeEcoIndex(dom, requests, bytes / 1024);
  return { ecoindex: Math.round(score * 10) / 10, grade: getEcoIndexGrade(score) };
}

/**
 * The budgets a page exceeds, each with its figures; empty when it passes.
 * Any page: no third-party request, ≤ 200 KB, text compressed, static files
 * cached immutably. Public pages also: ≤ 50 KB, ≤ 10 requests, ≤ 600 DOM
 * nodes, EcoIndex ≥ 80.
 */
export function budgetProblems(m, { isPublic, url }) {
  const p = [];
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  if (m.thirdParty.length > BUDGET.any.thirdParty) p.push(`${m.thirdParty.length} third-party request(s) on ${url}: ${m.thirdParty.join(', ')}`);
  if (m.bytes > BUDGET.any.bytes) p.push(`${kb(m.bytes)} transferred on ${url} (any page: ≤ ${kb(BUDGET.any.bytes)})`);
  for (const u of m.uncompressed ?? []) p.push(`text sent uncompressed: ${u} (on ${url})`);
  for (const u of m.notImmutable ?? []) p.push(`static file not cached as immutable: ${u} (on ${url})`);
  if (isPublic) {
    const b = BUDGET.public;
    if (m.bytes > b.bytes) p.push(`${kb(m.bytes)} transferred on public page ${url} (≤ ${kb(b.bytes)})`);
    if (m.requests > b.requests) p.push(`${m.requests} requests on public page ${url} (≤ ${b.requests})`);
    if (m.dom > b.dom) p.push(`${m.dom} DOM nodes on public page ${url} (≤ ${b.dom})`);
    if (m.ecoindex < b.ecoindex) p.push(`EcoIndex ${m.ecoindex} (${m.grade}) on public page ${url} (≥ ${b.ecoindex}; ${m.dom} nodes, ${m.requests} requests, ${kb(m.bytes)})`);
  }
  return p;
}

// --------------------------------------------------- reflow, no JavaScript

/** At 320 px wide nothing may scroll sideways (WCAG 1.4.10). */
export async function reflowProblem(page, url) {
  await page.setViewportSize(NARROW);
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => {
    const vw = window.innerWidth;
    // Name the elements that stick out, leaving out those inside a box that
    // scrolls or clips them (a wide table in its own scroll box is allowed).
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const out = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > vw + 0.5);
    // An absolutely positioned element escapes a scroll box that is not its
    // containing block: name those when nothing else sticks out.
    let wide = out.filter((el) => !clipped(el));
    if (wide.length === 0) wide = out.filter((el) => /absolute|fixed/.test(getComputedStyle(el).position));
    wide = wide.slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''));
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wide };
  });
  if (scrollWidth <= innerWidth) return null;
  return `horizontal scroll at ${NARROW.width} px on ${url}: scrollWidth ${scrollWidth} > ${innerWidth}` +
    (wide.length ? ` (too wide: ${wide.join(', ')})` : '');
}

/** With JavaScript off the page still answers and shows its <main>. */
export async function noJsProblem(page, url) {
  const response = await page.goto(url);
  const status = response ? response.status() : 0;
  if (status >= 500 || status === 0) return `status ${status} with JavaScript off on ${url}`;
  const main = page.locator('main');
  if (await main.count() !== 1) return `no single <main> with JavaScript off on ${url}`;
  if (!(await main.innerText()).trim()) return `empty <main> with JavaScript off on ${url}`;
  return null;
}

// ------------------------------------------------------------ translations

/** The French catalogue: every message file of internal/web/locales, one per feature. */
export async function frenchMessages() {
  const dir = path.join(ROOT, 'internal/web/locales');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.fr.json')).sort();
  const all = {};
  for (const f of files) Object.assign(all, JSON.parse(await readFile(path.join(dir, f), 'utf8')));
  return all;
}

/** The first words of the message ids, from the French catalogue. */
export async function messagePrefixes() {
  const fr = await frenchMessages();
  return [...new Set(Object.keys(fr).map((k) => k.split('.')[0]))];
}

/**
 * A message id shown as it is ("kind.metropole") means a missing
 * translation: looks for one in the text, the title and the attributes
 * people hear (alt, aria-label, title, placeholder).
 */
export async function untranslatedProblem(page, url, prefixes) {
  const ids = await page.evaluate((prefixes) => {
    const id = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
    const found = new Set();
    const look = (text) => {
      for (const word of text.split(/[\s,;:()«»"'!?]+/)) {
        const w = word.replace(/[.]+$/, '');
        if (id.test(w) && prefixes.includes(w.split('.')[0])) found.add(w);
      }
    };
    look(document.title);
    // Text in <code> is a machine name shown on purpose (an audit action,
    // a question id), not a message id left untranslated.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.parentElement?.closest('code')) look(walker.currentNode.textContent);
    }
    for (const el of document.querySelectorAll('[alt], [aria-label], [title], [placeholder]')) {
      for (const a of ['alt', 'aria-label', 'title', 'placeholder']) look(el.getAttribute(a) ?? '');
    }
    return [...found];
  }, prefixes);
  return ids.length ? `untranslated message id(s) shown on ${url}: ${ids.join(', ')}` : null;
}

// ---------------------------------------------------------------- keyboard

/**
 * Whether the focused element shows it: not the body, and an outline or a
 * box-shadow drawn around it.
 */
export async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { ok: false, what: 'body' };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : '') +
      ` "${(el.innerText || el.value || el.getAttribute('name') || '').trim().slice(0, 40)}"`;
    const r = el.getBoundingClientRect();
    return { ok: outline || shadow, visible: r.width > 0 && r.height > 0, what, text: (el.innerText || '').trim(),
      tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), type: el.getAttribute('type'), href: el.getAttribute('href'),
      inMain: !!el.closest('main'), form: el.form ? el.form.getAttribute('action') : null };
  });
}

// ------------------------------------------------------------------ report

/** Writes a file under test-results/browser. */
export async function writeResult(name, data) {
  await mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, name);
  await writeFile(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** A file name for a page's screenshot. */
export function screenshotPath(role, pathAndQuery) {
  const slug = pathAndQuery === '/' ? 'accueil' : pathAndQuery.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
  return path.join(SCREENSHOTS, `${role}--${slug.slice(0, 100)}.png`);
}

/** The email text the server logged for `to` that holds `linkPath`, as a URL. */
export async function linkFromLog(to, linkPath, { timeout = 5000 } = {}) {
  if (!env.log) throw new Error('TNL_LOG is not set: the test cannot read the emails the server logs');
  const end = Date.now() + timeout;
  const pattern = new RegExp(`https?://[^\\s"\\\\]+${linkPath.replace(/[.?/]/g, '\\$&')}\\?jeton=[A-Za-z0-9_-]+`);
  for (;;) {
    const log = await readFile(env.log, 'utf8').catch(() => '');
    for (const line of log.split('\n')) {
      if (!line.includes(`to=${to}`)) continue;
      const m = line.match(pattern);
      if (m) return m[0];
    }
    if (Date.now() > end) throw new Error(`no email to ${to} with a ${linkPath} link in ${env.log} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
