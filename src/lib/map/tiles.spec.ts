import { describe, expect, it } from 'vitest';
import {
	TILE,
	TileCache,
	each,
	gestureLevel,
	levelFor,
	nearestFirst,
	tileKey,
	tilesIn,
	visibleTiles,
	type TileId
} from './tiles.ts';

const keys = (ids: Iterable<TileId>) => [...ids].map(tileKey).sort();

describe('tiles', () => {
	it('covers the screen with the tiles of a level', () => {
		// At scale 2 a tile spans 128 map units (256 px); a 600×300 px screen touches 3×2 tiles.
		const range = visibleTiles({ scale: 2, tx: 0, ty: 0 }, 600, 300, 2);
		expect(range).toEqual({ col0: 0, col1: 2, row0: 0, row1: 1 });
		// Panned by half a tile: one more column and row come into view, on the other side.
		expect(visibleTiles({ scale: 2, tx: TILE / 2, ty: TILE / 2 }, 600, 300, 2)).toEqual({
			col0: -1,
			col1: 1,
			row0: -1,
			row1: 0
		});
	});

	it('keeps the drawn level while a gesture stays within √2 of it, else the nearest level', () => {
		expect(gestureLevel(1, 1.3)).toBe(1);
		expect(gestureLevel(1, 0.75)).toBe(1);
		expect(gestureLevel(1, 1.5)).toBeCloseTo(levelFor(1.5));
		expect(levelFor(1.5)).toBeCloseTo(Math.SQRT2);
		expect(gestureLevel(null, 3)).toBeCloseTo(levelFor(3));
	});

	it('a change repaints exactly the tiles its drawing touches, at every level kept', () => {
		const cache = new TileCache<string>(100);
		for (const scale of [1, 2])
			for (const id of each(tilesIn(scale, 0, 0, 1000, 1000), scale)) cache.set(id, tileKey(id));
		const reach = () => 3;
		// Inside one tile at both levels.
		let touched = cache.invalidate(7, 100, 100, reach);
		expect(keys(touched.map((t) => t.id))).toEqual(['1:0:0', '2:0:0']);
		expect(touched.every((t) => t.dirty && t.seats?.has(7))).toBe(true);
		// On the corner of four tiles at scale 1 (tiles of 256 units): all four, nothing else.
		touched = cache.invalidate(8, 256, 256, reach);
		expect(keys(touched.map((t) => t.id))).toEqual([
			'1:0:0',
			'1:0:1',
			'1:1:0',
			'1:1:1',
			'2:1:1',
			'2:1:2',
			'2:2:1',
			'2:2:2'
		]);
		const dirty = (scale: number) =>
			keys(
				[...each(tilesIn(scale, 0, 0, 1000, 1000), scale)].filter((id) => cache.peek(id)?.dirty)
			);
		expect(dirty(1)).toEqual(['1:0:0', '1:0:1', '1:1:0', '1:1:1']);
		// Drawn again: clean, its changed seats forgotten.
		const again = cache.set({ scale: 1, col: 0, row: 0 }, 'new');
		expect(again.dirty).toBe(false);
		expect(again.seats?.size).toBe(0);
	});

	it('a tile with many changed seats is redrawn whole', () => {
		const cache = new TileCache<string>(10);
		const id = { scale: 1, col: 0, row: 0 };
		cache.set(id, 'a');
		for (let i = 0; i < 100; i++) cache.invalidate(i, 10 + i, 10, () => 1);
		expect(cache.peek(id)?.seats).toBeNull();
		expect(cache.peek(id)?.dirty).toBe(true);
	});

	it('drops the least recently used tiles beyond capacity, keeping the current level', () => {
		const dropped: string[] = [];
		const cache = new TileCache<string>(2, (b) => dropped.push(b));
		cache.set({ scale: 1, col: 0, row: 0 }, 'a');
		cache.set({ scale: 1, col: 1, row: 0 }, 'b');
		cache.set({ scale: 2, col: 0, row: 0 }, 'c');
		cache.get({ scale: 1, col: 0, row: 0 });
		cache.trim((id) => id.scale === 2);
		expect(dropped).toEqual(['b']);
		expect(cache.size).toBe(2);
	});

	it('orders the tiles to draw from the middle of the screen outwards', () => {
		// A 767×511 screen at scale 1: tiles 0..2 × 0..1; its middle (383.5, 255.5) is just inside
		// tile (1, 0), with (1, 1) next.
		const view = { scale: 1, tx: 0, ty: 0 };
		const ids = [...each(visibleTiles(view, 767, 511, 1), 1)];
		expect(ids).toHaveLength(6);
		const order = nearestFirst(ids, view, 767, 511).map(tileKey);
		expect(order.slice(0, 2)).toEqual(['1:1:0', '1:1:1']);
		expect(order.slice(2).sort()).toEqual(['1:0:0', '1:0:1', '1:2:0', '1:2:1']);
		// Panned: the middle moves, so does the first tile.
		expect(tileKey(nearestFirst(ids, { scale: 1, tx: -300, ty: 0 }, 767, 511)[0])).toMatch(/^1:2:/);
	});
});
