import { expect, test } from '@playwright/test';
import {
	createEvent,
	focusFreeSeat,
	focused,
	person,
	seatButton,
	STACKED_SECTIONS as SECTIONS
} from './helpers.ts';

/**
 * Each section's label counts its free seats, live: another person's hold arrives through
 * realtime and the count drops, their release brings it back. Runs on both engines; where the
 * labels go is section-labels.e2e.ts.
 */

test('a section label’s free count follows another person’s hold and release', async ({
	browser,
	baseURL
}) => {
	const { path } = await createEvent(baseURL!, { sections: SECTIONS });
	const viewport = { width: 1280, height: 800 };
	const watcher = await person(browser, 'Watch', path, { viewport });
	const holder = await person(browser, 'Hold', path, { viewport });
	const label = (name: string) =>
		watcher.page.locator(`[data-testid="section-label"][data-section="${name}"]`);
	for (const { name } of SECTIONS) await expect(label(name)).toContainText('1,800 free');

	const seatId = await focusFreeSeat(holder.page);
	const section = (await focused(holder.page).getAttribute('aria-label'))!.split(' · ')[0];
	expect(SECTIONS.map((s) => s.name)).toContain(section);
	await holder.page.keyboard.press('Enter');
	await expect(seatButton(holder.page, seatId)).toHaveAttribute('data-status', 'mine-held');

	await expect(label(section)).toContainText('1,799 free');
	for (const { name } of SECTIONS.filter((s) => s.name !== section))
		await expect(label(name)).toContainText('1,800 free');

	await holder.page.keyboard.press('Enter');
	await expect(seatButton(holder.page, seatId)).toHaveAttribute('data-status', 'available');
	await expect(label(section)).toContainText('1,800 free');
	await Promise.all([watcher.context.close(), holder.context.close()]);
});
