import { expect, test, type Page } from '@playwright/test';
import {
	RealtimeControl,
	focusFreeSeat,
	focusSeat,
	holdAndBook,
	hydrated,
	mapSynced,
	person,
	seatButton,
	shortHoldEvent
} from './helpers.ts';

test('a realtime interruption shows a banner, and on reconnect the map matches the database', async ({
	browser
}) => {
	test.setTimeout(90_000);
	// B's realtime connection runs through the test, so it can be cut as a server restart would.
	const realtimeB = new RealtimeControl();
	const b = await person(browser, 'Bob', '/events/symphony-no-9', {
		prepare: (c) => realtimeB.install(c)
	});
	const a = await person(browser, 'Ann', '/events/symphony-no-9');
	const moves = ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown'];
	const seat = await focusFreeSeat(a.page, moves);
	await focusSeat(b.page, seat, moves);
	await expect(b.page.getByTestId('realtime-banner')).toHaveCount(0);

	await realtimeB.cut();
	await expect(b.page.getByTestId('realtime-banner')).toBeVisible({ timeout: 10_000 });

	// While B is cut off, A holds and books the seat.
	await holdAndBook(a.page);
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'available');

	realtimeB.restore();
	await expect(b.page.getByTestId('realtime-banner')).toHaveCount(0, { timeout: 30_000 });
	await mapSynced(b.page);
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'taken');
	await expect(b.page.getByTestId('event-seats-left')).toHaveText(
		(await a.page.getByTestId('event-seats-left').textContent())!
	);
	await a.context.close();
	await b.context.close();
});

test('the events list shows seats left, live', async ({ browser }) => {
	test.setTimeout(60_000);
	const viewer = await browser.newPage();
	await viewer.goto('/');
	await viewer.locator('body[data-hydrated]').waitFor();
	const card = viewer.getByRole('link', { name: /Jazz Night/ });
	await expect(card).toContainText('The Blue Room');
	const before = Number((await card.getByTestId('seats-left').textContent())!.match(/\d+/)![0]);

	const a = await person(browser, 'Ann', '/events/jazz-night');
	await focusFreeSeat(a.page, ['ArrowDown', 'ArrowDown']);
	await holdAndBook(a.page);
	await expect
		.poll(async () =>
			Number((await card.getByTestId('seats-left').textContent())!.match(/\d+/)![0])
		)
		.toBeLessThan(before);
	await viewer.close();
	await a.context.close();
});

test('the events list counts holds as taken, and frees them by itself when they lapse', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const { path } = await shortHoldEvent(baseURL!, 1, 2);
	// The viewer's realtime runs through the test, so it can be silenced before the holds lapse:
	// the count must come back with no message from anyone.
	const realtime = new RealtimeControl();
	const viewerContext = await browser.newContext();
	await realtime.install(viewerContext);
	const viewer = await viewerContext.newPage();
	await viewer.goto('/');
	await hydrated(viewer);
	const left = viewer.locator(`a[href="${path}"]`).getByTestId('seats-left');
	await expect(left).toHaveText('2 seats left');

	// The events list and the event page agree: a held seat is not left.
	const a = await person(browser, 'Ann', path);
	const eventLeft = a.page.getByTestId('event-seats-left');
	await focusFreeSeat(a.page);
	await a.page.keyboard.press('Enter');
	await expect(eventLeft).toHaveText('1 seat left');
	await expect(left).toHaveText('1 seat left');
	// With every seat held, neither says "sold out": holds may lapse.
	await focusFreeSeat(a.page);
	await a.page.keyboard.press('Enter');
	await expect(eventLeft).toHaveText('No seats free now · 2 seats on hold');
	await expect(left).toHaveText('No seats free now · 2 seats on hold');

	realtime.hold();
	await expect(a.page.getByTestId('hold-expired')).toBeVisible({ timeout: 15_000 });
	await expect(eventLeft).toHaveText('2 seats left');
	await expect(left).toHaveText('2 seats left', { timeout: 5_000 });
	realtime.release();
	await viewerContext.close();
	await a.context.close();
});

test('presence counts the people viewing an event', async ({ browser }) => {
	// Other tests may view the same event at the same time, so only "at least" holds here.
	const count = (page: Page) => async () =>
		Number((await page.getByTestId('viewers').textContent())!.match(/\d+/)![0]);
	const a = await person(browser, 'Ann', '/events/hamlet');
	const b = await person(browser, 'Bob', '/events/hamlet');
	await expect.poll(count(a.page)).toBeGreaterThanOrEqual(2);
	await expect.poll(count(b.page)).toBeGreaterThanOrEqual(2);
	await expect(b.page.getByTestId('viewers')).toHaveText(/people viewing now/);
	await a.context.close();
	await b.context.close();
});
