import { expect, test, type WebSocketRoute } from '@playwright/test';
import { focusFreeSeat, focusSeat, mapSynced, person, seatButton } from './helpers.ts';

test('a realtime interruption shows a banner, and on reconnect the map matches the database', async ({
	browser
}) => {
	test.setTimeout(90_000);
	// B's realtime connection runs through the test, so it can be cut as a server restart would.
	let down = false;
	const sockets: WebSocketRoute[] = [];
	const b = await person(browser, 'Bob', '/events/symphony-no-9', {
		prepare: (context) =>
			context.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
				if (down) return ws.close({ code: 1006, reason: 'server down' }).catch(() => {});
				ws.connectToServer();
				sockets.push(ws);
			})
	});
	const a = await person(browser, 'Ann', '/events/symphony-no-9');
	const moves = ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown'];
	const seat = await focusFreeSeat(a.page, moves);
	await focusSeat(b.page, seat, moves);
	await expect(b.page.getByTestId('realtime-banner')).toHaveCount(0);

	down = true;
	await Promise.all(sockets.map((ws) => ws.close({ code: 1006 }).catch(() => {})));
	await expect(b.page.getByTestId('realtime-banner')).toBeVisible({ timeout: 10_000 });

	// While B is cut off, A books the seat.
	await a.page.keyboard.press('Enter');
	await a.page.getByTestId('book').click();
	await expect(a.page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await expect(seatButton(b.page, seat)).toHaveAttribute('data-status', 'available');

	down = false;
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
	const viewer = await browser.newPage();
	await viewer.goto('/');
	await viewer.locator('body[data-hydrated]').waitFor();
	const card = viewer.getByRole('link', { name: /Jazz Night/ });
	await expect(card).toContainText('The Blue Room');
	const before = Number((await card.getByTestId('seats-left').textContent())!.match(/\d+/)![0]);

	const a = await person(browser, 'Ann', '/events/jazz-night');
	await focusFreeSeat(a.page, ['ArrowDown', 'ArrowDown']);
	await a.page.keyboard.press('Enter');
	await a.page.getByTestId('book').click();
	await expect(a.page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await expect
		.poll(async () =>
			Number((await card.getByTestId('seats-left').textContent())!.match(/\d+/)![0])
		)
		.toBeLessThan(before);
	await viewer.close();
	await a.context.close();
});

test('presence counts the people viewing an event', async ({ browser }) => {
	const a = await person(browser, 'Ann', '/events/hamlet');
	const b = await person(browser, 'Bob', '/events/hamlet');
	await expect(a.page.getByTestId('viewers')).toHaveText(
		/[2-9]\d* people viewing now|\d{2,} people/
	);
	await b.context.close();
	await expect
		.poll(async () => Number((await a.page.getByTestId('viewers').textContent())!.match(/\d+/)![0]))
		.toBeLessThan(10);
	await a.context.close();
});
