// Prints the figures of test-results/browser/report.json, one line per role:
// what the budgets are compared with. Run by scripts/test-browser.sh.
import { readFile } from 'node:fs/promises';

const file = process.argv[2] ?? 'test-results/browser/report.json';
let report;
try {
  report = JSON.parse(await readFile(file, 'utf8'));
} catch (err) {
  console.log(`no report (${err.code ?? err.message}): ${file}`);
  process.exit(0);
}

const rows = [['role', 'pages', 'failing', 'max KB', 'max requests', 'max DOM nodes', 'min EcoIndex', 'third-party', 'axe violations']];
for (const [role, { pages }] of Object.entries(report.roles)) {
  if (pages.length === 0) continue;
  const max = (k) => Math.max(...pages.map((p) => p[k] ?? 0));
  const min = (k) => Math.min(...pages.map((p) => p[k] ?? Infinity));
  const sum = (k) => pages.reduce((n, p) => n + (p[k] ?? 0), 0);
  const worst = pages.reduce((a, b) => ((b.ecoindex ?? 100) < (a.ecoindex ?? 100) ? b : a));
  rows.push([role, pages.length, pages.filter((p) => p.problems.length > 0).length, (max('bytes') / 1024).toFixed(1), max('requests'),
    max('domNodes'), `${min('ecoindex')} ${worst.grade}`, sum('thirdParty'), sum('axeViolations')]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
console.log(`\nBrowser report (${file}):`);
for (const r of rows) console.log('  ' + r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
