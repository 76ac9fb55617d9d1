// Addresses and paths shared by the config, the fixtures and the leak scan.
// E2E_ADDR / E2E_EMULATOR_ADDR move the servers off the default test ports.
import fs from 'node:fs';
import path from 'node:path';

const siteAddr = process.env.E2E_ADDR || 'localhost:18080';
const emulatorAddr = process.env.E2E_EMULATOR_ADDR || 'localhost:18081';

export const siteURL = `http://${siteAddr}`;
export const emulatorURL = `http://${emulatorAddr}`;

/** The OAuth client the site uses in emulator mode (internal/config). */
export const siteClientID = '1000000000001-scopewise.apps.googleusercontent.com';
/** A second client registered in the emulator, for audience checks. */
export const otherClientID = '2000000000002-otherapp.apps.googleusercontent.com';

export const calendarScope = 'https://www.googleapis.com/auth/calendar.readonly';
export const docsScope = 'https://www.googleapis.com/auth/documents.readonly';

// Files of a run are named by the site's port, so runs on other ports (another
// engineer's, say) never clobber each other's logs, results or reports.
const run = new URL(siteURL).port || '80';

export const logDir = path.join(__dirname, '.logs');
/** Everything bin/site prints during the run (scripts/e2e-server.sh). */
export const siteLog = path.join(logDir, `site-${run}.log`);
/**
 * Every log of this run's servers: the site's (with the embedded emulator's),
 * and any other `<name>-<port>.log` a script wrote beside it.
 */
export function runLogs(): string[] {
  if (!fs.existsSync(logDir)) return [];
  return fs
    .readdirSync(logDir)
    .filter((f) => f.endsWith(`-${run}.log`))
    .map((f) => path.join(logDir, f));
}

/** Tokens seen during the run, one a line; deleted by the leak scan. */
export const tokensFile = path.join(logDir, `tokens-${run}.txt`);
export const outputDir = path.join(__dirname, 'test-results', run);
export const reportDir = path.join(__dirname, 'playwright-report', run);
