// axe on each page, and on the Calendar page's result and alert states.
import { expectNoSeriousA11yViolations } from '../a11y';
import { alertSaying, consent, expect, test } from '../fixtures';

const button = 'Show calendar info';

test.describe('accessibility (axe: no serious or critical violations)', () => {
  test('home', async ({ page }, testInfo) => {
    await page.goto('/');
    await expectNoSeriousA11yViolations(page, testInfo, '/');
  });

  test('calendar before consent', async ({ page }, testInfo) => {
    await page.goto('/calendar');
    await expectNoSeriousA11yViolations(page, testInfo, '/calendar');
  });

  test('calendar with events', async ({ page }, testInfo) => {
    await page.goto('/calendar');
    await consent(page, { button });
    await expect(page.getByRole('region', { name: 'Your next events' }).getByRole('listitem').first()).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/calendar with events');
  });

  test('calendar with an alert', async ({ page }, testInfo) => {
    await page.goto('/calendar');
    await consent(page, { button, action: 'Cancel' });
    await expect(alertSaying(page, /not granted/i)).toBeVisible();
    await expectNoSeriousA11yViolations(page, testInfo, '/calendar with an alert');
  });
});
