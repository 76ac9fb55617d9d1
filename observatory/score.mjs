// Scores a running site with the MDN HTTP Observatory's own code (retriever,
// tests, grader), one first visit (fresh cookie jar) per page path.
// Usage: node score.mjs --host localhost --http-port P --https-port Q --floor N /path ...
// HTTPS to a self-signed loopback certificate needs NODE_TLS_REJECT_UNAUTHORIZED=0.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import { getGradeForScore, getScoreModifier } from "@mdn/mdn-http-observatory/src/grader/grader.js";

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
