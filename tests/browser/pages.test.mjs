// Every page of every role, as a person meets it: reached from the home page
// and the menus (plus pages.json), each checked with axe-core, weighed on a
// first visit, shown at 320 px and opened with JavaScript off.
import { test, before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import {
  env, requireServer, launch, newContext, signIn, listedPages, crawlable, shapeOf, ROLES, MAX_PAGES, MAX_PER_SHAPE, BUDGET,
  SCREENSHOTS, firstVisit, budgetProblems, axeViolations, formatViolations, reflowProblem, noJsProblem,
  screenshotPath, writeResult, messagePrefixes, untranslatedProblem,
} from './lib.mjs';

requireServer();
const origin = new URL(env.url).origin;
const prefixes = await messagePrefixes();
const report = { server: env.url, date: new Date().toISOString(), budgets: BUDGET, roles: {} };
// Pages the anonymous role sees are public pages, whoever looks at them.
const publicPaths = new Set();
let browser;

before(async () => {
  browser = await launch();
  await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await writeResult('report.json', report);
});

// Pages are checked this many at a time within a role: a page waits mostly
// on the browser, and the machine has two cores.
const WORKERS = 3;

// A role's crawl takes 30–90 s on a quiet two-core machine; the limit leaves
// room for a busy one (every page opens a fresh browser context).
for (const role of ROLES) {
  test(`every page as ${role.name}`, { timeout: 300_000, concurrency: WORKERS }, async (t) => {
    const storageState = await signIn(browser, role);
    const noJs = await newContext(browser, { storageState, javaScriptEnabled: false });
    const pages = [];
    report.roles[role.name] = { pages, notVisited: [] };

    const queue = [];
    const expected = new Map(); // path → expected status
    const enqueue = (p, status = 200) => {
      if (expected.has(p)) return;
      expected.set(p, status);
      queue.push(p);
    };
    // Links found while crawling are followed up to MAX_PER_SHAPE pages of
    // one shape (/organismes/:id, /palmares/:id): an intercommunalité links
    // to its dozens of communes, each of the same template, and visiting
    // them all would spend the crawl and its time on one kind of page.
    const shapes = new Map();
    const discovered = (p) => {
      const k = shapeOf(p);
      const n = shapes.get(k) || 0;
      if (expected.has(p) || n >= MAX_PER_SHAPE) return;
      shapes.set(k, n + 1);
      enqueue(p);
    };
    enqueue('/');
    for (const p of await listedPages(role.name)) enqueue(p.path, p.status);

    let started = 0;
    const visit = (p, noJsPage) => t.test(p, async () => {
      const isPublic = role.name === 'anonymous' || publicPaths.has(p);
      let r;
      try {
        r = await checkPage({ role, storageState, path: p, expectStatus: expected.get(p), isPublic, noJsPage });
      } catch (err) {
        pages.push({ path: p, url: env.url + p, public: isPublic, problems: [err.message] });
        throw err;
      }
      pages.push(r.entry);
      if (role.name === 'anonymous' && r.entry.status < 400) publicPaths.add(p);
      for (const link of r.links) discovered(link);
      if (r.problems.length > 0) throw new Error(`${r.problems.length} problem(s) as ${role.name}:\n  ` + r.problems.join('\n  '));
    });
    // A small pool: each worker takes the next page; a worker finding the
    // queue empty waits while others may still find links.
    let busy = 0;
    const worker = async () => {
      const noJsPage = await noJs.newPage(); // one per worker: a new page costs a process
      for (;;) {
        if (queue.length === 0) {
          if (busy === 0) break;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (started >= MAX_PAGES) break;
        const p = queue.shift();
        started++;
        busy++;
        try {
          await visit(p, noJsPage);
        } finally {
          busy--;
        }
      }
      await noJsPage.close();
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    if (queue.length > 0) {
      report.roles[role.name].notVisited = queue.splice(0);
      t.diagnostic(`crawl stopped at ${MAX_PAGES} pages; not visited: ${report.roles[role.name].notVisited.join(' ')}`);
    }
    pages.sort((a, b) => a.path.localeCompare(b.path));
    await noJs.close();
  });
}

/** Every check on one page; returns the report entry, the links and the problems. */
async function checkPage({ role, storageState, path, expectStatus, isPublic, noJsPage }) {
  const url = env.url + path;
  const problems = [];
  const { context, page, response, metrics } = await firstVisit(browser, url, { origin, storageState });
  const entry = { path, url: page.url(), public: isPublic };
  let links = [];
  try {
    entry.status = response ? response.status() : 0;
    if (entry.status !== expectStatus) problems.push(`status ${entry.status} on ${url} (expected ${expectStatus})`);
    Object.assign(entry, {
      bytes: metrics.bytes, kb: Math.round(metrics.bytes / 102.4) / 10, requests: metrics.requests, domNodes: metrics.dom,
      ecoindex: metrics.ecoindex, grade: metrics.grade, thirdParty: metrics.thirdParty.length,
    });
    problems.push(...budgetProblems(metrics, { isPublic, url }));
    const untranslated = await untranslatedProblem(page, url, prefixes);
    if (untranslated) problems.push(untranslated);
    links = (await page.$$eval('a[href]', (as) => as.map((a) => a.href))).map((h) => crawlable(h, origin)).filter(Boolean);
    await page.screenshot({ path: screenshotPath(role.name, path), fullPage: true });
    const violations = await axeViolations(page);
    entry.axeViolations = violations.reduce((n, v) => n + v.nodes.length, 0);
    entry.axeRules = violations.map((v) => v.id);
    problems.push(...formatViolations(violations, url));
    const reflow = await reflowProblem(page, url);
    entry.reflowOk = !reflow;
    if (reflow) problems.push(reflow);
    // The layout changes at 320 px: a table that now scrolls must take
    // focus, for instance. Report what the wide run did not.
    const known = new Set(violations.flatMap((v) => v.nodes.map((n) => v.id + ' ' + n.target.join(' '))));
    const narrow = (await axeViolations(page))
      .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !known.has(v.id + ' ' + n.target.join(' '))) }))
      .filter((v) => v.nodes.length > 0);
    entry.axeViolations += narrow.reduce((n, v) => n + v.nodes.length, 0);
    entry.axeRules.push(...narrow.map((v) => v.id + '@320px'));
    problems.push(...formatViolations(narrow, `${url} at 320 px`));
  } finally {
    await context.close();
  }
  const problem = await noJsProblem(noJsPage, url);
  entry.noJsOk = !problem;
  if (problem) problems.push(problem);
  entry.problems = problems;
  return { entry, links, problems };
}
