// Chromium's launch options for a machine where test tools cannot download a
// browser (Debian's chromium package): import from
// '@scopewise/gis-emulator/chromium' in playwright.config.ts. It imports
// nothing, so a config can load it before Playwright's test runner.

/** The flags a headless run in a container or on CI wants: no sandbox, no GPU, nothing fetched in the background. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * `use.launchOptions` for the Chromium at executablePath with chromiumArgs
 * and moreArgs; with no executablePath, none (Playwright's own browser).
 *
 *   use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions(process.env.CHROMIUM_PATH) }
 */
export function chromiumLaunchOptions(
  executablePath: string | undefined,
  ...moreArgs: string[]
): { executablePath?: string; args?: string[] } {
  return executablePath ? { executablePath, args: [...chromiumArgs, ...moreArgs] } : {};
}
