import { expect, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

/** The `seat_map` columns of an event, as the page gets them. */
export interface SeatColumns {
	id: number[];
	section: string[];
	row_label: string[];
	number: number[];
	x: number[];
	y: number[];
}

export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

export async function seatColumns(baseURL: string, slug: string): Promise<SeatColumns> {
	const db = createClient<Database>(baseURL, TEST_KEYS.anonKey, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const event = await db.from('events').select('id').eq('slug', slug).single();
	if (event.error) throw new Error(event.error.message);
	const map = await db.rpc('seat_map', { p_event_id: event.data.id });
	if (map.error) throw new Error(map.error.message);
	const c = decodeSeatMap(map.data);
	return {
		...{ id: Array.from(c.id), section: c.section, row_label: c.row_label },
		...{ number: Array.from(c.number), x: Array.from(c.x), y: Array.from(c.y) }
	};
}

/** Turns map units into page pixels, by the view the canvas says it shows. */
export async function pagePoint(page: Page): Promise<(x: number, y: number) => [number, number]> {
	const canvas = page.getByTestId('seat-canvas');
	const [scale, tx, ty] = (await canvas.getAttribute('data-view'))!.split(' ').map(Number);
	const box = (await canvas.boundingBox())!;
	return (x, y) => [box.x + x * scale + tx, box.y + y * scale + ty];
}

/**
 * How colourful the canvas is around each page point (the largest max−min of the channels in a
 * square of `half` px each way): seats are drawn in strong colours on a near-white ground.
 */
export async function colourAround(page: Page, points: [number, number][], half = 2) {
	const canvas = page.getByTestId('seat-canvas');
	const box = (await canvas.boundingBox())!;
	return canvas.evaluate(
		(c: HTMLCanvasElement, { points, half }) => {
			const ctx = c.getContext('2d')!;
			const k = c.width / c.getBoundingClientRect().width;
			return points.map(([x, y]) => {
				const side = Math.max(1, Math.round(half * 2 * k));
				const { data } = ctx.getImageData(
					Math.round((x - half) * k),
					Math.round((y - half) * k),
					side,
					side
				);
				let most = 0;
				for (let i = 0; i < data.length; i += 4) {
					if (data[i + 3] < 128) continue;
					const rgb = [data[i], data[i + 1], data[i + 2]];
					most = Math.max(most, Math.max(...rgb) - Math.min(...rgb));
				}
				return most;
			});
		},
		{ points: points.map(([x, y]) => [x - box.x, y - box.y] as [number, number]), half }
	);
}

export async function labelBoxes(page: Page): Promise<{ text: string; box: Box }[]> {
	const labels = page.getByTestId('section-label');
	const out: { text: string; box: Box }[] = [];
	for (const label of await labels.all())
		out.push({
			text: (await label.innerText()).replace(/\s+/g, ' '),
			box: (await label.boundingBox())!
		});
	return out;
}

export function intersects(a: Box, b: Box): boolean {
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** No two boxes share any area. */
export function expectApart(boxes: Box[]): void {
	for (let a = 0; a < boxes.length; a++)
		for (let b = a + 1; b < boxes.length; b++)
			expect(intersects(boxes[a], boxes[b]), `labels ${a} and ${b} overlap`).toBe(false);
}
