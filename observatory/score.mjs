// Scores a running site with the MDN HTTP Observatory's own code (its
// retriever, its tests and its grader), twice per page path:
//
//   first visit      a fresh cookie jar, as the Observatory scans: the answer
//                    sets the session cookie, and the cookie test scores it
//                    (Secure, HttpOnly, SameSite: +5; without Secure: -20 or
//                    worse).
//   returning visit  the same request with the cookie the first visit got:
//                    the answer sets none, the cookie test finds none (0).
//
// The first visit is what the Observatory reports; floors apply to it alone.
//
// Usage:
//   node score.mjs [--host localhost] [--http-port P] --https-port Q
//                  [--label NAME] [--json FILE] [--allow-failing R1,R2]
//                  PATH[=FLOOR] ...
// Prints two lines per page, one per visit: score, grade and the tests that
// fail (with what they cost). Exits 1 when a first visit scores below its
// floor, cannot be scored, or (with --allow-failing) fails a test with a
// result not in the list; 2 on bad usage. The site must answer HTTPS as
// --host with a certificate Node trusts (NODE_EXTRA_CA_CERTS): with
// NODE_TLS_REJECT_UNAUTHORIZED=0 instead, the retriever falls back to an
// unverified connection and the HSTS test scores the certificate as invalid.
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

function usage(msg) {
  console.error(`score.mjs: ${msg}
usage: score.mjs [--host H] [--http-port P] --https-port Q [--label NAME] [--json FILE] [--allow-failing R1,R2] PATH[=FLOOR] ...`);
  process.exit(2);
}

const args = process.argv.slice(2);
let host = "localhost", httpPort, httpsPort, label = "", jsonOut = "", allowed = null;
const pages = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    return args[++i];
  };
  const port = () => {
    const v = value(), n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) usage(`${a} ${v}: want a TCP port`);
    return n;
  };
  if (a === "--host") host = value();
  else if (a === "--http-port") httpPort = port();
  else if (a === "--https-port") httpsPort = port();
  else if (a === "--label") label = value();
  else if (a === "--json") jsonOut = value();
  else if (a === "--allow-failing") allowed = value().split(",").filter(Boolean);
  else if (a.startsWith("/")) {
    const [path, floorText] = a.split("=");
    const floor = floorText === undefined ? null : Number(floorText);
    if (floorText !== undefined && (floorText === "" || !Number.isInteger(floor))) usage(`${a}: the floor after = must be a whole number`);
    pages.push({ path, floor });
  } else usage(`unknown argument ${a}`);
}
if (!httpsPort) usage("--https-port is required");
if (pages.length === 0) usage("no page path given");

const STANDARD_ACCEPT = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

// grade runs every test on one retrieval and grades it as the Observatory's
// scanner does (src/scanner/index.js): bonuses count only when the score
// without them is already MINIMUM_SCORE_FOR_EXTRA_CREDIT (90) or more.
function grade(r) {
  let withCredit = 100, uncurved = 100;
  const failing = [], bonuses = [];
  for (const test of ALL_TESTS) {
    const out = test(r);
    if (!out.result) continue;
    const modifier = getScoreModifier(out.result);
    withCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    if (!out.pass || modifier < 0) failing.push({ test: out.constructor.name, result: out.result, modifier });
    else if (modifier > 0) bonuses.push({ test: out.constructor.name, result: out.result, modifier });
  }
  const credited = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT;
  const { score, grade } = getGradeForScore(credited ? withCredit : uncurved);
  return { score, grade, credited, failing, bonuses };
}

// The Observatory's scanner refuses an answer other than 2xx, 3xx, 401 or
// 403 ("Site did respond with an unexpected HTTP status code").
const scorable = (status) => status >= 200 && !(status >= 400 && ![401, 403].includes(status));

// cookieHeader turns a first visit's Set-Cookie lines into the Cookie header
// a browser sends back ("" when it set none).
function cookieHeader(response) {
  const set = response.headers["set-cookie"] ?? [];
  return [].concat(set).map((line) => line.split(";")[0].trim()).filter(Boolean).join("; ");
}

async function visit(path, cookie) {
  const headers = [STANDARD_ACCEPT];
  if (cookie) headers.push(`Cookie: ${cookie}`);
  const r = await retrieve(host, { httpPort, httpsPort, path, headers });
  const res = r.responses.auto;
  if (!res) return { error: "no answer over HTTP or HTTPS" };
  if (!scorable(res.status)) return { error: `status ${res.status}: the Observatory does not score it` };
  return { status: res.status, url: r.session?.url.href, cookie: cookieHeader(res), ...grade(r) };
}

// Pages in parallel; the two visits of one page in order (the second needs
// the first's cookie).
const results = await Promise.all(pages.map(async ({ path, floor }) => {
  const first = await visit(path, "");
  const returning = first.cookie ? await visit(path, first.cookie) : null;
  const unexpected = first.error || allowed === null ? [] : first.failing.filter((f) => !allowed.includes(f.result)).map((f) => f.result);
  const ok = !first.error && (floor === null || first.score >= floor) && unexpected.length === 0;
  return { path, floor, ok, unexpected, first, returning };
}));

const fmt = (v) => (v.error ? `error: ${v.error}` :
  `${String(v.score).padStart(3)} ${v.grade.padEnd(2)}` +
  (v.credited ? "" : " (no bonus: under 90 before bonuses)") +
  (v.failing.length ? `  failing: ${v.failing.map((f) => `${f.result} (${f.modifier >= 0 ? "+" : ""}${f.modifier})`).join(", ")}` : "  failing: none"));
const pad = Math.max(...pages.map((p) => p.path.length), 4);
for (const r of results) {
  let gate = "";
  if (r.floor !== null && !r.first.error) gate += r.first.score >= r.floor ? `  ok (floor ${r.floor})` : `  BELOW FLOOR ${r.floor}`;
  if (r.unexpected.length) gate += `  NOT ALLOWED TO FAIL: ${r.unexpected.join(", ")}`;
  console.log(`${label ? label + "  " : ""}${r.path.padEnd(pad)}  first visit      ${fmt(r.first)}${r.first.error ? "" : gate}`);
  console.log(`${label ? label + "  " : ""}${r.path.padEnd(pad)}  returning visit  ${r.returning ? fmt(r.returning) : "same as the first visit (no cookie set)"}`);
}
if (jsonOut) {
  const strip = (v) => v && (v.error ? { error: v.error } : { score: v.score, grade: v.grade, status: v.status, failing: v.failing, bonuses: v.bonuses });
  writeFileSync(jsonOut, JSON.stringify({ label, host, allowed_failing: allowed, pages: results.map((r) => ({ path: r.path, floor: r.floor, first_visit: strip(r.first), returning_visit: strip(r.returning) })) }, null, 2) + "\n");
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
