// Lighthouse (performance, accessibility, best practices, SEO) on every page
// of a running site, in Debian's Chromium, with Lighthouse's desktop settings
// and then its default, mobile ones (a phone's screen, a slow 4G network and
// a 4× slower CPU, simulated). Prints the four scores per page and form
// factor, the audits that kept a score below 1, and writes the scores as JSON
// to the path given (bench/lighthouse.json by the task). The goal is 1.00
// everywhere on desktop settings (docs/performance.md); the mobile scores are
// reported beside it, and their misses listed, not counted against it.
//
//   node bench/lighthouse.mjs <site URL> [out.json]
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktop from 'lighthouse/core/config/desktop-config.js';

const [site, out] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/lighthouse.mjs <site URL> [out.json]');
  process.exit(2);
}
const pages = ['/', '/docs', '/calendar', '/photos', '/ajax', '/lab'];
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const results = [];
let below = 0;
try {
  // The first navigation of a fresh headless Chromium often records no trace
  // (Lighthouse's NO_NAVSTART): one run on the home page first, not counted.
  await lighthouse(site + '/', { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['seo'] }, desktop);
  for (const [form, config] of [['desktop', desktop], ['mobile', undefined]]) for (const path of pages) {
    const r = await lighthouse(site + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories }, config);
    const lhr = r.lhr;
    const scores = Object.fromEntries(categories.map((c) => [c, lhr.categories[c].score]));
    const misses = [];
    for (const c of categories) {
      for (const ref of lhr.categories[c].auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) misses.push(`${c}: ${a.id} (${a.score}) ${a.displayValue || ''}`.trim());
      }
    }
    if (lhr.runtimeError) misses.push(`runtime error: ${lhr.runtimeError.message}`);
    results.push({ path, form, scores, misses, fcp_ms: lhr.audits['first-contentful-paint'].numericValue, lcp_ms: lhr.audits['largest-contentful-paint'].numericValue });
  }
} finally {
  await chrome.kill();
}

const fmt = (s) => (s === null || s === undefined ? ' n/a' : s.toFixed(2));
console.log(`${'page'.padEnd(10)} ${'form'.padEnd(8)} ${categories.map((c) => c.padStart(15)).join('')}`);
for (const r of results) {
  console.log(`${r.path.padEnd(10)} ${r.form.padEnd(8)} ${categories.map((c) => fmt(r.scores[c]).padStart(15)).join('')}`);
  if (r.form === 'desktop' && categories.some((c) => r.scores[c] !== 1)) below++;
}
for (const r of results) for (const m of r.misses) console.log(`  ${r.path} (${r.form}): ${m}`);
if (out) fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), lighthouse: '12', results }, null, 2) + '\n');
console.log(below === 0 ? 'every page scores 1.00 in all four categories on desktop settings' : `${below} page(s) below 1.00 in some category on desktop settings`);
process.exitCode = below === 0 ? 0 : 1;
