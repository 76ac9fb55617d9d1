import { consent, expect, grantsLedger, ledgerRow, test } from '../fixtures';

test.describe('home page', () => {
  test('explains the idea, links to the three pages and shows the ledger', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    for (const [name, href] of [
      [/docs/i, '/docs'],
      [/calendar/i, '/calendar'],
      [/photos/i, '/photos'],
    ] as const) {
      await expect(page.getByRole('link', { name }).first()).toHaveAttribute('href', href);
    }
    await expect(grantsLedger(page)).toBeVisible();
  });

  test('the Calendar link opens the Upcoming events page', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: /calendar/i }).first().click();
    await expect(page).toHaveURL(/\/calendar$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Upcoming events' })).toBeVisible();
  });

  test('a grant made on the Calendar page shows in the ledger on home', async ({ page }) => {
    await page.goto('/calendar');
    await consent(page, { button: 'Show calendar info' });
    await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();

    await page.goto('/');
    const row = ledgerRow(page, /calendar/i);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(/(?<!not )granted/i);
    await expect(row).toContainText(/until/i);
  });
});
