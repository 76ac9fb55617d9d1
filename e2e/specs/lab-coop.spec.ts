// The consent lab served with Cross-Origin-Opener-Policy: same-origin: what a
// page that sets that header gets from the token model's popup.
import { calendarScope } from '../env';
import { expect, test } from '../fixtures';

test.describe('Consent lab with COOP same-origin', () => {
  test('Google’s popup answers report-only; an opener with COOP same-origin gets popup_closed', async ({ page }) => {
    const res = await page.goto('/lab');
    expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
    await page.getByRole('link', { name: 'reload the lab with that header' }).click();
    await expect(page.getByRole('heading', { name: 'Served with Cross-Origin-Opener-Policy: same-origin' })).toBeVisible();

    for (const box of await page.getByRole('checkbox').all()) {
      const name = (await box.getAttribute('value')) ?? '';
      if (name.startsWith('https://www.googleapis.com/auth/')) await box.setChecked(name === calendarScope);
    }
    const popupAnswer = page.context().waitForEvent('response', {
      predicate: (r) => new URL(r.url()).pathname === '/o/oauth2/v2/auth',
    });
    await page.getByRole('button', { name: 'Request access', exact: true }).click();
    // The popup itself opens, and Google's header is report-only there.
    const answer = await popupAnswer;
    expect(answer.headers()['cross-origin-opener-policy-report-only']).toBe('same-origin');
    // This page lost its link to the popup: GIS calls error_callback.
    const timeline = page.getByRole('region', { name: 'Timeline' }).getByRole('listitem');
    await expect(timeline.filter({ hasText: /error_callback: popup_closed/ })).toHaveCount(1);
    await expect(timeline.filter({ hasText: /callback: .*token/ })).toHaveCount(0);
  });
});
