import { expect, test, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { createEvent, expectNoSeriousViolations, focused, person, seatButton } from './helpers.ts';

/**
 * Wheelchair spaces, companion seats and restricted views on the map (marks, tooltip, spoken
 * label, legend), the "Wheelchair spaces only" filter, and "Find seats together" offering no
 * more seats than the person may still hold.
 */

const SECTIONS = [{ name: 'Stalls', rows: 4, seats: 8, category: 'stalls', priceCents: 3000 }];

/** Row A: wheelchair spaces at 1 and 8, companions at 2, 3 and 7; row D seat 5 has a restricted view. */
async function accessibleEvent(baseURL: string, maxSeats = 4) {
	const event = await createEvent(baseURL, { sections: SECTIONS, maxSeats });
	const db = createClient<Database>(baseURL, TEST_KEYS.serviceRoleKey, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const { data: row, error } = await db.from('events').select('id').eq('slug', event.slug).single();
	if (error) throw new Error(error.message);
	const seats = await db.from('seats').select('id, row_label, number').eq('event_id', row.id);
	if (seats.error) throw new Error(seats.error.message);
	const id = (rowLabel: string, n: number) =>
		String(seats.data.find((s) => s.row_label === rowLabel && s.number === n)!.id);
	const mark = async (
		list: [string, number][],
		values: Database['public']['Tables']['seats']['Update']
	) => {
		const update = await db
			.from('seats')
			.update(values)
			.in(
				'id',
				list.map(([r, n]) => Number(id(r, n)))
			);
		if (update.error) throw new Error(update.error.message);
	};
	await mark(
		[
			['A', 1],
			['A', 8]
		],
		{ accessibility: 'wheelchair' }
	);
	await mark(
		[
			['A', 2],
			['A', 3],
			['A', 7]
		],
		{ accessibility: 'companion' }
	);
	await mark([['D', 5]], { restricted_view: true });
	return { ...event, id };
}

/** Keyboard focus on seat `n` of row A (the map starts near its middle). */
async function focusRowA(page: Page, n: number): Promise<void> {
	await focused(page).focus();
	for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowUp');
	await page.keyboard.press('Home');
	for (let k = 1; k < n; k++) await page.keyboard.press('ArrowRight');
}

/** The most opaque pixel in a 7×7 box at the seat's centre (0 = nothing drawn, 255 = solid; a
 * dimmed seat with its number over it, under half). */
async function opacityAt(page: Page, seatId: string): Promise<number> {
	const seat = (await seatButton(page, seatId).boundingBox())!;
	const canvas = page.getByTestId('seat-canvas');
	const box = (await canvas.boundingBox())!;
	return canvas.evaluate(
		(c: HTMLCanvasElement, p) => {
			const k = c.width / c.getBoundingClientRect().width;
			const { data } = c.getContext('2d')!.getImageData((p.x - 3) * k, (p.y - 3) * k, 7 * k, 7 * k);
			let most = 0;
			for (let i = 3; i < data.length; i += 4) most = Math.max(most, data[i]);
			return most;
		},
		{ x: seat.x + seat.width / 2 - box.x, y: seat.y + seat.height / 2 - box.y }
	);
}

test('wheelchair spaces, companion seats and restricted views are named in the tooltip, the label and the legend', async ({
	browser,
	baseURL
}) => {
	const event = await accessibleEvent(baseURL!);
	const { page, context } = await person(browser, 'Access', event.path, {
		viewport: { width: 1280, height: 800 }
	});
	await focusRowA(page, 1);
	await expect(focused(page)).toHaveAttribute('data-seat-id', event.id('A', 1));
	await expect(focused(page)).toHaveAttribute(
		'aria-label',
		'Stalls · Row A · Seat 1, Wheelchair space, stalls, €30.00, available'
	);
	await expect(page.getByTestId('seat-tip-features')).toHaveText('Wheelchair space');
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('seat-tip-features')).toHaveText('Companion seat');
	await expect(focused(page)).toHaveAttribute('aria-label', /Seat 2, Companion seat, /);
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	// An ordinary seat says nothing of features.
	await expect(page.getByTestId('seat-tip')).toContainText('Seat 4');
	await expect(page.getByTestId('seat-tip-features')).toHaveCount(0);

	// Held by me, the mark and its name stay.
	await focusRowA(page, 1);
	await page.keyboard.press('Enter');
	await expect(focused(page)).toHaveAttribute('data-status', 'mine-held');
	await expect(focused(page)).toHaveAttribute('aria-label', /Wheelchair space, .*held by you/);
	await expect(page.getByTestId('seat-tip-features')).toHaveText('Wheelchair space');

	const legend = page.getByTestId('legend-features');
	await expect(legend.getByRole('listitem')).toHaveText([
		'Wheelchair space',
		'Companion seat',
		'Restricted view'
	]);
	await context.close();
});

test('"Wheelchair spaces only" dims every other seat and counts the free spaces live', async ({
	browser,
	baseURL
}) => {
	const event = await accessibleEvent(baseURL!);
	const { page, context } = await person(browser, 'Filter', event.path, {
		viewport: { width: 1280, height: 800 }
	});
	const free = page.getByTestId('wheelchair-free');
	await expect(free).toHaveText('2 wheelchair spaces free');
	// Buttons on the two seats compared, so their centres can be found.
	await focusRowA(page, 1);
	await page.keyboard.press('ArrowRight');
	await expect(focused(page)).toHaveAttribute('data-seat-id', event.id('A', 2));
	const space = event.id('A', 1);
	const companion = event.id('A', 2);
	await expect.poll(() => opacityAt(page, companion)).toBe(255);

	await page.getByLabel('Wheelchair spaces only').check();
	await expect.poll(() => opacityAt(page, companion)).toBeLessThan(128);
	expect(await opacityAt(page, space)).toBe(255);

	// Someone else holds a space: the count follows.
	const other = await person(browser, 'Other', event.path);
	await focusRowA(other.page, 8);
	await other.page.keyboard.press('Enter');
	await expect(focused(other.page)).toHaveAttribute('data-status', 'mine-held');
	await expect(free).toHaveText('1 wheelchair space free');
	await focusRowA(other.page, 1);
	await other.page.keyboard.press('Enter');
	await expect(free).toHaveText('No wheelchair space free now');

	await page.getByLabel('Wheelchair spaces only').uncheck();
	await expect.poll(() => opacityAt(page, companion)).toBe(255);
	await other.context.close();
	await context.close();
});

test('"Find seats together" holds a wheelchair space with companions, and says so when none is free', async ({
	browser,
	baseURL
}) => {
	const event = await accessibleEvent(baseURL!);
	const { page, context } = await person(browser, 'Together', event.path, {
		viewport: { width: 1280, height: 800 }
	});
	const form = page.getByTestId('best-available');
	await form.getByLabel('A wheelchair space, with companion seats beside it').check();
	await form.getByTestId('best-count').selectOption('3');
	await form.getByRole('button', { name: 'Find seats' }).click();
	await expect(page.getByTestId('outcome')).toContainText('Holding');
	await expect(page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(3);
	await expect(page.getByTestId('outcome')).toContainText('Stalls · Row A · Seats 1–3');

	// One more space with a companion: only A8 with A7 is left, and I may hold just one more seat.
	await expect(form.getByTestId('best-count').getByRole('option')).toHaveCount(1);
	await form.getByRole('button', { name: 'Find seats' }).click();
	await expect(page.getByTestId('outcome')).toContainText('Holding');
	await expect(page.getByTestId('my-holds')).toContainText('Seat 8');

	// A second person finds no wheelchair space free, and is told so plainly.
	const other = await person(browser, 'Late', event.path);
	const otherForm = other.page.getByTestId('best-available');
	await otherForm.getByLabel('A wheelchair space, with companion seats beside it').check();
	await otherForm.getByTestId('best-count').selectOption('1');
	await otherForm.getByRole('button', { name: 'Find seats' }).click();
	await expect(other.page.getByTestId('outcome')).toContainText(/no wheelchair space/i);
	await other.context.close();
	await context.close();
});

test('"Find seats together" offers no more seats than the person may still hold', async ({
	browser,
	baseURL
}) => {
	const event = await accessibleEvent(baseURL!, 3);
	const { page, context } = await person(browser, 'Cap', event.path, {
		viewport: { width: 1280, height: 800 }
	});
	const form = page.getByTestId('best-available');
	const options = form.getByTestId('best-count').getByRole('option');
	await expect(options).toHaveText(['1', '2', '3']);
	await focusRowA(page, 5);
	await page.keyboard.press('Enter');
	await expect(focused(page)).toHaveAttribute('data-status', 'mine-held');
	await expect(options).toHaveText(['1', '2']);
	await expect(form.getByTestId('best-hint')).toContainText('You may add 2 more seats.');
	await form.getByTestId('best-count').selectOption('2');
	await form.getByRole('button', { name: 'Find seats' }).click();
	await expect(page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(3);
	await expect(form.getByTestId('best-hint')).toHaveText(
		'You have 3 seats here, the most one person may hold or book.'
	);
	await expect(form.getByRole('button', { name: 'Find seats' })).toBeDisabled();
	await context.close();
});

for (const colorScheme of ['light', 'dark'] as const) {
	test(`axe finds nothing serious on the event page with the wheelchair filter on, ${colorScheme}`, async ({
		browser,
		baseURL
	}) => {
		test.setTimeout(90_000);
		const event = await accessibleEvent(baseURL!);
		const { page, context } = await person(browser, 'Axe', event.path, {
			viewport: { width: 1280, height: 800 }
		});
		await page.emulateMedia({ colorScheme });
		await page.getByLabel('Wheelchair spaces only').check();
		await focusRowA(page, 1);
		await expect(page.getByTestId('seat-tip-features')).toHaveText('Wheelchair space');
		await expectNoSeriousViolations(page);
		await context.close();
	});
}
