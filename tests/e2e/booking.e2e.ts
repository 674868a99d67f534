import { expect, test } from '@playwright/test';
import {
	RealtimeControl,
	focusFreeSeat,
	focusSeat,
	focused,
	person,
	seatButton
} from './helpers.ts';

test('B sees A book and release a seat live, and cannot take it meanwhile', async ({ browser }) => {
	const a = await person(browser, 'Ann', '/events/hamlet');
	const b = await person(browser, 'Bob', '/events/hamlet');
	const moves = ['ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp'];

	const seat = await focusFreeSeat(a.page, moves);
	await focusSeat(b.page, seat, moves);
	// B selects it first, then A books it.
	await b.page.keyboard.press('Enter');
	await expect(b.page.getByTestId('selection')).toBeVisible();
	await a.page.keyboard.press('Enter');
	await a.page.getByTestId('book').click();
	await expect(a.page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'mine');

	// Within a second, without reloading, B sees it taken and is told.
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'taken', {
		timeout: 1_000
	});
	await expect(b.page.getByTestId('outcome')).toContainText('Someone else just booked');
	await expect(b.page.getByTestId('selection')).toHaveCount(0);
	// Trying again is refused with a message.
	await focused(b.page).focus();
	await b.page.keyboard.press('Enter');
	await expect(b.page.getByTestId('outcome')).toContainText('That seat is taken');
	await expect(b.page.getByTestId('book')).toHaveCount(0);

	// A releases; B sees it free.
	await a.page
		.getByTestId('my-seats')
		.getByRole('button', { name: /Release/ })
		.click();
	await expect(a.page.getByTestId('outcome')).toContainText('Released 1 seat');
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'available', {
		timeout: 1_000
	});
	await a.context.close();
	await b.context.close();
});

test('two people booking the same seat at once: exactly one wins', async ({ browser }) => {
	// Both inserts must reach the database: hold back realtime news until both have clicked.
	const realtimeA = new RealtimeControl();
	const realtimeB = new RealtimeControl();
	const a = await person(browser, 'Ann', '/events/hamlet', {
		prepare: (c) => realtimeA.install(c)
	});
	const b = await person(browser, 'Bob', '/events/hamlet', {
		prepare: (c) => realtimeB.install(c)
	});
	const moves = ['ArrowDown', 'ArrowDown', 'ArrowDown'];
	const seat = await focusFreeSeat(a.page, moves);
	await focusSeat(b.page, seat, moves);
	await a.page.keyboard.press('Enter');
	await b.page.keyboard.press('Enter');

	realtimeA.hold();
	realtimeB.hold();
	await Promise.all([a.page.getByTestId('book').click(), b.page.getByTestId('book').click()]);
	await expect(a.page.getByTestId('outcome')).toBeVisible();
	await expect(b.page.getByTestId('outcome')).toBeVisible();
	realtimeA.release();
	realtimeB.release();

	await expect
		.poll(async () =>
			[
				await seatButton(a.page, seat).getAttribute('data-status'),
				await seatButton(b.page, seat).getAttribute('data-status')
			].sort()
		)
		.toEqual(['mine', 'taken']);
	const loser = (await seatButton(a.page, seat).getAttribute('data-status')) === 'taken' ? a : b;
	await expect(loser.page.getByTestId('outcome')).toContainText('Someone else just booked');
	await expect(loser.page.getByTestId('outcome')).toContainText('Nothing was booked');
	await expect(loser.page.getByTestId('my-seats')).toHaveCount(0);
	await a.context.close();
	await b.context.close();
});

test('a multi-seat booking that collides on one seat books none of them', async ({ browser }) => {
	// Hold back B's realtime messages while A books, so B's insert really collides in the database
	// (otherwise B's map would already show the seat taken and drop it from the selection).
	const realtimeB = new RealtimeControl();
	const b = await person(browser, 'Bob', '/events/symphony-no-9', {
		prepare: (c) => realtimeB.install(c)
	});
	const a = await person(browser, 'Ann', '/events/symphony-no-9');
	const moves = ['ArrowUp', 'ArrowUp'];
	// A selects two seats, the second being Y; B selects Y and Z.
	await focusFreeSeat(a.page, moves);
	await a.page.keyboard.press('Enter');
	const y = await focusFreeSeat(a.page, ['ArrowRight']);
	await a.page.keyboard.press('Enter');
	await focusSeat(b.page, y, moves);
	await b.page.keyboard.press('Enter');
	const z = await focusFreeSeat(b.page, ['ArrowRight']);
	await b.page.keyboard.press('Enter');
	await expect(a.page.getByTestId('book')).toHaveText('Book 2 seats');
	await expect(b.page.getByTestId('book')).toHaveText('Book 2 seats');

	realtimeB.hold();
	await a.page.getByTestId('book').click();
	await expect(a.page.getByTestId('outcome')).toContainText('Booked 2 seats');
	await b.page.getByTestId('book').click();
	await expect(b.page.getByTestId('outcome')).toContainText('Nothing was booked');
	realtimeB.release();

	// None of B's seats were booked: Y is A's, and Z is still free.
	await expect(b.page.getByTestId('my-seats')).toHaveCount(0);
	await expect(seatButton(b.page, z)).toHaveAttribute('data-status', 'available');
	await expect(a.page.getByTestId('my-seats').getByRole('listitem')).toHaveCount(2);
	await expect(seatButton(a.page, y)).toHaveAttribute('data-status', 'mine');
	await a.context.close();
	await b.context.close();
});

test('booking with the keyboard only', async ({ browser }) => {
	const a = await person(browser, 'Kay', '/events/symphony-no-9');
	const page = a.page;
	// Tab from the page start until the focused element is a seat.
	await page.locator('body').focus();
	for (let k = 0; k < 30; k++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(() => document.activeElement?.classList.contains('seat-focus'))) break;
	}
	await expect(focused(page)).toBeFocused();
	for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown'])
		await page.keyboard.press(key);
	const seat = await focusFreeSeat(page);
	await expect(focused(page)).toHaveAttribute(
		'aria-label',
		/Section .+, row .+, seat \d+, .+, €[\d.,]+, available/
	);
	await page.keyboard.press('Space');
	await expect(focused(page)).toHaveAttribute('aria-pressed', 'true');
	// Tab onwards to the Book button.
	for (let k = 0; k < 10; k++) {
		await page.keyboard.press('Tab');
		if (await page.getByTestId('book').evaluate((el) => el === document.activeElement)) break;
	}
	await expect(page.getByTestId('book')).toBeFocused();
	await page.keyboard.press('Enter');
	// Focus moves to the result, which says what happened.
	await expect(page.getByTestId('outcome')).toBeFocused();
	await expect(page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await expect(seatButton(page, seat)).toHaveAttribute('data-status', 'mine');
	await a.context.close();
});
