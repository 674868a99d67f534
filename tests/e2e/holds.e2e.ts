import { expect, test } from '@playwright/test';
import {
	RealtimeControl,
	backToMap,
	bookHeld,
	createEvent,
	focusFreeSeat,
	focusSeat,
	focused,
	hydrated,
	mapSynced,
	person,
	seatButton,
	shortHoldEvent
} from './helpers.ts';

test('A holds, B sees it held with no name, A runs out of time, B books it', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const { path } = await shortHoldEvent(baseURL!, 3, 8);
	// B's realtime connection runs through the test, so it can be silenced: the hold must turn free
	// on B's map by B's own clock, with no message from anyone.
	const realtimeB = new RealtimeControl();
	const a = await person(browser, 'Ann', path);
	const b = await person(browser, 'Bob', path, { prepare: (c) => realtimeB.install(c) });

	const seat = await focusFreeSeat(a.page);
	await a.page.keyboard.press('Enter');
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'mine-held');
	// A sees the countdown.
	const countdown = a.page.getByTestId('hold-countdown');
	await expect(countdown).toContainText(/00:0[0-6]/);

	// B sees the seat held, without a name anywhere.
	await focusSeat(b.page, seat);
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'held');
	await expect(focused(b.page)).toHaveAttribute('aria-label', /held by someone else/);
	expect(await b.page.content()).not.toContain(a.name);
	await expect(b.page.getByTestId('event-seats-left')).toHaveText('23 seats left');
	realtimeB.hold();

	// A's countdown runs out: A is told, and offered to hold the seat again.
	const expired = a.page.getByTestId('hold-expired');
	await expect(expired).toContainText('Your hold on', { timeout: 15_000 });
	await expect(expired).toContainText('expired');
	await expect(expired.getByRole('button', { name: 'Hold it again' })).toBeVisible();
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'available');
	await expect(a.page.getByTestId('hold-countdown')).toHaveCount(0);

	// B's map shows it free at the expiry, although B has heard nothing since.
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'available', {
		timeout: 2_000
	});
	await expect(b.page.getByTestId('event-seats-left')).toHaveText('24 seats left');

	// B holds and books it.
	await focused(b.page).focus();
	await b.page.keyboard.press('Enter');
	await bookHeld(b.page);
	realtimeB.release();

	// A sees it taken; holding it again says so.
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'taken');
	await expired.getByRole('button', { name: 'Hold it again' }).click();
	await expect(a.page.getByTestId('outcome')).toContainText('was taken meanwhile');
	await expect(a.page.getByTestId('hold-expired')).toHaveCount(0);
	await a.context.close();
	await b.context.close();
});

test('best available holds seats together; holds survive a reload and book in one order', async ({
	browser,
	baseURL
}) => {
	// Room for 7 more after the first 3: the form offers no more than a person may still hold.
	const { path } = await createEvent(baseURL!, {
		maxSeats: 10,
		sections: [
			{ name: 'Front', rows: 2, seats: 6, category: 'front', priceCents: 4000 },
			{ name: 'Back', rows: 2, seats: 10, category: 'back', priceCents: 1500 }
		]
	});
	const a = await person(browser, 'Ann', path);
	const page = a.page;
	const form = page.getByTestId('best-available');
	await form.getByLabel('Category').selectOption({ label: 'back · €15.00' });
	await form.getByLabel('Seats').selectOption('3');
	await form.getByRole('button', { name: 'Find seats' }).click();
	// Back row A sits nearest the stage; three seats in its middle.
	await expect(page.getByTestId('outcome')).toHaveText(/Holding Back · Row A · Seats \d+–\d+\./);
	await expect(page.getByTestId('outcome')).toBeFocused();
	await expect(page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(3);
	await expect(page.getByTestId('hold-total')).toHaveText('Total: €45.00');

	// No block that large exists: the database says so.
	await form.getByLabel('Category').selectOption({ label: 'front · €40.00' });
	await form.getByLabel('Seats').selectOption('7');
	await form.getByRole('button', { name: 'Find seats' }).click();
	await expect(page.getByTestId('outcome')).toContainText('No 7 adjacent seats are free');

	// Holds are in the database: a reload brings them back with their countdown.
	await page.reload();
	await hydrated(page);
	await mapSynced(page);
	await expect(page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(3);
	await expect(page.getByTestId('hold-countdown')).toContainText(/(09|10):\d\d/);

	await bookHeld(page, 3);
	await expect(page.getByTestId('order-total')).toContainText('€45.00');
	await backToMap(page);
	await expect(page.getByTestId('my-seats').getByRole('listitem')).toHaveCount(3);
	await expect(page.getByTestId('my-holds')).toHaveCount(0);
	await a.context.close();
});

test('someone not logged in is asked to log in, and comes back to the event', async ({ page }) => {
	await page.goto('/events/jazz-night');
	await hydrated(page);
	await mapSynced(page);
	await focusFreeSeat(page, ['ArrowDown', 'ArrowDown', 'ArrowDown']);
	await page.keyboard.press('Enter');
	const outcome = page.getByTestId('outcome');
	await expect(outcome).toContainText('Log in to hold seats.');
	await expect(outcome.getByRole('link', { name: 'Log in' })).toHaveAttribute(
		'href',
		'/login?redirectTo=%2Fevents%2Fjazz-night'
	);
});
