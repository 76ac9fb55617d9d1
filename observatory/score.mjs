// Scores a running site with the MDN HTTP Observatory's own code (retriever,
// tests, grader), one first visit (fresh cookie jar) per page path.
// Usage: node score.mjs --host localhost --http-port P --https-port Q --floor N /path ...
// HTTPS to a self-signed loopback certificate needs NODE_TLS_REJECT_UNAUTHORIZED=0.
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The package's postinstall downloads the HSTS preload list; offline
// (npm ci --ignore-scripts) an empty list stands in: a loopback host is on
// no preload list anyway.
const preload = fileURLToPath(new URL("node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json", import.meta.url));
if (!existsSync(preload)) writeFileSync(preload, "{}");
const pkg = "@mdn/mdn-http-observatory/src";
const { retrieve } = await import(`${pkg}/retriever/retriever.js`);
const { ALL_TESTS } = await import(`${pkg}/constants.js`);
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await import(`${pkg}/grader/charts.js`);
const { getGradeForScore, getScoreModifier } = await import(`${pkg}/grader/grader.js`);

const args = process.argv.slice(2);
let host = "localhost", httpPort, httpsPort, floor = 0;
const paths = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--host") host = args[++i];
  else if (a === "--http-port") httpPort = Number(args[++i]);
  else if (a === "--https-port") httpsPort = Number(args[++i]);
  else if (a === "--floor") floor = Number(args[++i]);
  else paths.push(a);
}
if (!httpsPort || paths.length === 0) {
  console.error("usage: score.mjs [--host H] [--http-port P] --https-port Q [--floor N] /path ...");
  process.exit(2);
}

let failed = false;
for (const path of paths) {
  const r = await retrieve(host, { httpPort, httpsPort, path });
  if (!r.responses.auto) {
    console.error(`${path}: no response`);
    failed = true;
    continue;
  }
  let withCredit = 100, uncurved = 100;
  const notes = [];
  for (const test of ALL_TESTS) {
    const out = test(r);
    if (!out.result) continue;
    const m = getScoreModifier(out.result);
    withCredit += m;
    if (m < 0) uncurved += m;
    if (m !== 0) notes.push(`${out.result}(${m > 0 ? "+" : ""}${m})`);
  }
  const final = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : uncurved);
  const ok = final.score >= floor;
  if (!ok) failed = true;
  console.log(`${path}\t${final.score}\t${final.grade}\t${ok ? "ok" : `below floor ${floor}`}\t${notes.join(" ")}`);
}
process.exit(failed ? 1 : 0);
