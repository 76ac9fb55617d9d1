// The log canary's search, shared by the per-test leak guard (fixtures.ts),
// the end-of-run log scan (specs/leak.teardown.ts) and its self-test
// (specs/canary.spec.ts): where does any token appear? Tokens are named by a
// hash prefix, never shown.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Something the site sent, wrote or left behind, and where it was. */
export type Output = { where: string; text: string };

/** A token named by the start of its SHA-256, as /_emu/state names it. */
export function tokenLabel(token: string): string {
  return `token sha256:${crypto.createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export function redact(text: string, tokens: Iterable<string>): string {
  let out = text;
  for (const t of tokens) out = out.split(t).join(`<${tokenLabel(t)}>`);
  return out;
}

/** Every place a token appears in the outputs. */
export function findTokens(tokens: Iterable<string>, outputs: Output[]): string[] {
  const all = [...tokens];
  const found: string[] = [];
  for (const token of all) {
    for (const out of outputs) {
      if (out.text.includes(token)) found.push(`${tokenLabel(token)} in ${redact(out.where, all)}`);
    }
  }
  return found;
}

/** Every line of the files that holds a token, as "<file> line <n>". */
export function scanFiles(tokens: Iterable<string>, files: string[]): { found: string[]; lines: number } {
  const outputs: Output[] = [];
  for (const file of files) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => outputs.push({ where: `${path.basename(file)} line ${i + 1}`, text }));
  }
  return { found: findTokens(tokens, outputs), lines: outputs.length };
}
