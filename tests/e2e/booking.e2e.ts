import { expect, test } from '@playwright/test';
import {
	RealtimeControl,
	backToMap,
	bookHeld,
	focusFreeSeat,
	focusSeat,
	focused,
	person,
	seatButton,
	shortHoldEvent
} from './helpers.ts';

test('B sees A hold, book and release a seat live, and cannot take it meanwhile', async ({
	browser
}) => {
	// Three page loads more than the map's: the review, the order and the map again.
	test.setTimeout(60_000);
	const a = await person(browser, 'Ann', '/events/hamlet');
	const b = await person(browser, 'Bob', '/events/hamlet');
	const moves = ['ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp'];

	const seat = await focusFreeSeat(a.page, moves);
	await focusSeat(b.page, seat, moves);
	// A clicks the seat: it is held at once.
	await a.page.keyboard.press('Enter');
	await expect(a.page.getByTestId('outcome')).toContainText('Holding');
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'mine-held');
	await expect(a.page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(1);

	// Within a second, without reloading, B sees it held, and cannot have it.
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'held', {
		timeout: 1_000
	});
	await b.page.keyboard.press('Enter');
	await expect(b.page.getByTestId('outcome')).toContainText('Someone else is holding that seat');
	await expect(b.page.getByTestId('my-holds')).toHaveCount(0);

	// A books it through the review; B sees it taken, and trying again is refused with a message.
	await bookHeld(a.page);
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'taken', {
		timeout: 1_000
	});
	await focused(b.page).focus();
	await b.page.keyboard.press('Enter');
	await expect(b.page.getByTestId('outcome')).toContainText('That seat is taken');
	await backToMap(a.page);
	await focusSeat(a.page, seat, moves);
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'mine');

	// A releases, after saying yes to a question that names the order; B sees it free.
	await a.page
		.getByTestId('my-seats')
		.getByRole('button', { name: /Release/ })
		.click();
	const question = a.page.getByRole('alertdialog');
	await expect(question.locator('p')).toHaveText(
		/^Release .+ from order [0-9A-Z]{4}-[0-9A-Z]{4}\? This cannot be undone\./
	);
	await question.getByRole('button', { name: 'Keep it' }).click();
	await expect(seatButton(a.page, seat)).toHaveAttribute('data-status', 'mine');
	await a.page
		.getByTestId('my-seats')
		.getByRole('button', { name: /Release/ })
		.click();
	await question.getByRole('button', { name: 'Release seat' }).click();
	await expect(a.page.getByTestId('outcome')).toContainText('Released 1 seat');
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'available', {
		timeout: 1_000
	});
	await a.context.close();
	await b.context.close();
});

test('two people holding the same seat at once: exactly one wins', async ({ browser }) => {
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

	realtimeA.hold();
	realtimeB.hold();
	await Promise.all([a.page.keyboard.press('Enter'), b.page.keyboard.press('Enter')]);
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
		.toEqual(['held', 'mine-held']);
	const loser = (await seatButton(a.page, seat).getAttribute('data-status')) === 'held' ? a : b;
	const winner = loser === a ? b : a;
	// The loser's map was corrected by the failed request itself, not by realtime.
	await expect(loser.page.getByTestId('outcome')).toContainText('Someone else just took');
	await expect(loser.page.getByTestId('my-holds')).toHaveCount(0);
	await expect(winner.page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(1);
	await a.context.close();
	await b.context.close();
});

test('holding again several lapsed seats, one taken meanwhile, holds none of them', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const { path } = await shortHoldEvent(baseURL!, 2, 8);
	// A's realtime news is held back once the holds lapse, so A's map does not know that B took
	// one of the seats: A's insert really collides in the database.
	const realtimeA = new RealtimeControl();
	const a = await person(browser, 'Ann', path, { prepare: (c) => realtimeA.install(c) });
	const b = await person(browser, 'Bob', path);

	const y = await focusFreeSeat(a.page);
	await a.page.keyboard.press('Enter');
	await expect(seatButton(a.page, y)).toHaveAttribute('data-status', 'mine-held');
	const z = await focusFreeSeat(a.page, ['ArrowRight']);
	await a.page.keyboard.press('Enter');
	await expect(a.page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(2);
	await expect(a.page.getByTestId('book')).toHaveText('Book 2 seats');

	// Both holds lapse; A is offered to hold them again.
	const expired = a.page.getByTestId('hold-expired');
	await expect(expired).toBeVisible({ timeout: 15_000 });
	await expect(a.page.getByTestId('my-holds')).toHaveCount(0);
	realtimeA.hold();

	// Meanwhile B takes Z (B's map freed it by itself at the expiry).
	await focusSeat(b.page, z);
	await expect(seatButton(b.page, z)).toHaveAttribute('data-status', 'available', {
		timeout: 10_000
	});
	await b.page.keyboard.press('Enter');
	await bookHeld(b.page);

	// A tries to hold Y and Z again in one request: nothing is held, and A is told which seat went.
	await expect(seatButton(a.page, z)).toHaveAttribute('data-status', 'available');
	await expired.getByRole('button', { name: 'Hold them again' }).click();
	await expect(a.page.getByTestId('outcome')).toContainText('Someone else just took');
	await expect(a.page.getByTestId('outcome')).toContainText('Nothing was held');
	await expect(a.page.getByTestId('my-holds')).toHaveCount(0);
	await expect(seatButton(a.page, y)).toHaveAttribute('data-status', 'available');
	await expect(seatButton(a.page, z)).toHaveAttribute('data-status', 'taken');
	realtimeA.release();

	// Y is still offered, and holding it again works.
	await expect(expired.getByRole('button', { name: 'Hold it again' })).toBeVisible();
	await expired.getByRole('button', { name: 'Hold it again' }).click();
	await expect(a.page.getByTestId('outcome')).toContainText('again');
	await expect(seatButton(a.page, y)).toHaveAttribute('data-status', 'mine-held');
	await a.context.close();
	await b.context.close();
});

test('holding, reviewing and booking with the keyboard only', async ({ browser }) => {
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
		/.+ · Row .+ · Seat \d+, .+, €[\d.,]+, available/
	);
	await page.keyboard.press('Space');
	await expect(focused(page)).toHaveAttribute('aria-pressed', 'true');
	await expect(focused(page)).toHaveAttribute('aria-label', /held by you/);
	await expect(focused(page)).toBeFocused();
	// Tab onwards to the Book button.
	for (let k = 0; k < 15; k++) {
		await page.keyboard.press('Tab');
		if (await page.getByTestId('book').evaluate((el) => el === document.activeElement)) break;
	}
	await expect(page.getByTestId('book')).toBeFocused();
	await page.keyboard.press('Enter');
	// The review, then Tab onwards to Confirm.
	await expect(page).toHaveURL(/\/review$/);
	await expect(page.getByTestId('review-seat')).toHaveCount(1);
	for (let k = 0; k < 15; k++) {
		await page.keyboard.press('Tab');
		if (await page.getByTestId('confirm-booking').evaluate((el) => el === document.activeElement))
			break;
	}
	await expect(page.getByTestId('confirm-booking')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/orders\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(1);
	await backToMap(page);
	await focusSeat(page, seat, ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']);
	await expect(seatButton(page, seat)).toHaveAttribute('data-status', 'mine');
	await a.context.close();
});
