// The lab's settings are a shareable URL: its query fills the form in, and
// changing the form rewrites the address (history.replaceState). The home
// page's six facts each link to the preset that shows it.
import type { Page } from '@playwright/test';
import { calendarScope } from '../env';
import { expect, test } from '../fixtures';

const docsScope = 'https://www.googleapis.com/auth/documents.readonly';

function scopeBox(page: Page, scope: string) {
  return page.getByRole('checkbox', { name: scope.startsWith('https://') ? scope : new RegExp(`^${scope}\\b`) });
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test.describe(`lab presets at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });
    test.describe.configure({ timeout: 60_000 });

    test('a preset URL fills the form; changing the form rewrites the URL', async ({ page }) => {
      await page.goto('/lab?scope=documents.readonly&scope=calendar.readonly&prompt=consent&include_granted_scopes=false&login_hint=bob@example.com&path=browser');
      await expect(scopeBox(page, docsScope)).toBeChecked();
      await expect(scopeBox(page, calendarScope)).toBeChecked();
      await expect(scopeBox(page, 'openid')).not.toBeChecked();
      await expect(page.getByRole('radio', { name: /^consent\b/ })).toBeChecked();
      await expect(page.getByRole('checkbox', { name: /^include_granted_scopes/ })).not.toBeChecked();
      await expect(page.getByLabel('login_hint')).toHaveValue('bob@example.com');
      await expect(page.getByRole('radio', { name: /REST \+ CORS/ })).toBeChecked();

      // The form's buttons are enabled once the lab runs: then its changes go into the URL.
      await expect(page.getByRole('button', { name: 'Request access' })).toBeEnabled();
      await scopeBox(page, docsScope).uncheck();
      await page.getByRole('radio', { name: /^select_account\b/ }).check();
      await page.getByRole('checkbox', { name: /^include_granted_scopes/ }).check();
      await page.getByLabel('login_hint').fill('');
      await page.getByRole('radio', { name: /^post the token to this server/ }).check();
      await expect(page).toHaveURL(/\/lab\?scope=calendar\.readonly&prompt=select_account$/);

      // The rewritten URL is the preset: a reload (or a shared link) shows the same form.
      await page.reload();
      await expect(scopeBox(page, calendarScope)).toBeChecked();
      await expect(scopeBox(page, docsScope)).not.toBeChecked();
      await expect(page.getByRole('radio', { name: /^select_account\b/ })).toBeChecked();
      await expect(page.getByRole('checkbox', { name: /^include_granted_scopes/ })).toBeChecked();
    });

    test('each of the home page’s six facts opens its preset in the lab', async ({ page }) => {
      await page.goto('/');
      const facts = page.getByRole('region', { name: 'Granular consent in six facts' }).getByRole('listitem');
      await expect(facts).toHaveCount(6);
      await facts.filter({ hasText: 'popup_failed_to_open' }).getByRole('link').click();
      await expect(page).toHaveURL(/\/lab\?scope=calendar\.readonly&prompt=consent$/);
      await expect(scopeBox(page, calendarScope)).toBeChecked();
      await expect(page.getByRole('radio', { name: /^consent\b/ })).toBeChecked();
    });
  });
}
