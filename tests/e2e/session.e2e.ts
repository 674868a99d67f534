import { expect, test } from '@playwright/test';
import { bookHeld, hydrated, login, uniqueName } from './helpers.ts';

test('login refuses bad names with inline errors', async ({ page }) => {
	await page.goto('/login');
	await hydrated(page);
	const name = page.getByLabel('Your name');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText(/Enter a name/);
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(name).toBeFocused();

	await name.fill('   ');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText(/Enter a name/);

	await name.fill('x'.repeat(41));
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText(/at most 40 characters/);
	await expect(name).toHaveValue('x'.repeat(41));

	await name.fill('Bad\u0007name');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText(/letters, digits and punctuation/);
	await expect(page.getByTestId('user-name')).toHaveCount(0);
});

test('the server validates the name too (no JavaScript)', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('Your name').fill('y'.repeat(41));
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText(/at most 40 characters/);
	await expect(page.getByLabel('Your name')).toHaveValue('y'.repeat(41));
	await page.getByLabel('Your name').fill('  Nora  ');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByTestId('user-name')).toContainText('Nora');
	await context.close();
});

test('the session survives a reload, renders on the server, and logs out', async ({ page }) => {
	const name = uniqueName('Rita');
	await login(page, name);
	await page.reload();
	await hydrated(page);
	await expect(page.getByTestId('user-name')).toContainText(name);
	// Server-rendered HTML already knows who is signed in.
	const html = await (await page.request.get('/me')).text();
	expect(html).toContain(name);

	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
	await expect(page.getByTestId('user-name')).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
	await page.goto('/me');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fme$/);
});

test('my bookings lists seats across events and releases them', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, uniqueName('Mo'), '/events/jazz-night');
	for (const slug of ['jazz-night', 'hamlet']) {
		if (slug !== 'jazz-night') await page.goto(`/events/${slug}`);
		await expect(page.getByTestId('seat-map')).toHaveAttribute('data-synced', 'true');
		const seat = page.getByTestId('seat-focus');
		await seat.focus();
		await page.keyboard.press('ArrowUp');
		for (let k = 0; k < 40 && (await seat.getAttribute('data-status')) !== 'available'; k++)
			await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Enter');
		await bookHeld(page);
	}
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'My bookings' })
		.click();
	await expect(page.getByTestId('bookings')).toHaveCount(2);
	await expect(page.getByRole('heading', { name: 'Jazz Night' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Hamlet' })).toBeVisible();
	await page.getByRole('button', { name: /at Jazz Night/ }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Release seat' }).click();
	await expect(page.getByTestId('outcome')).toContainText('Released 1 seat');
	await expect(page.getByTestId('outcome')).toBeFocused();
	await expect(page.getByTestId('bookings')).toHaveCount(1);
	await context.close();
});
