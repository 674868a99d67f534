import type { Viewport } from '$lib/domain/viewport';

/**
 * The map is drawn into square tiles of TILE CSS pixels at a fixed scale (a "level"), kept as
 * bitmaps and copied to the screen each frame. A pan or zoom then costs a few image copies, not the
 * raster of every seat; a seat that changes repaints only the tiles its drawing reaches.
 */
export const TILE = 256;

/** A tile's place: its level (the scale it was drawn at) and its column and row at that scale. */
export interface TileId {
	scale: number;
	col: number;
	row: number;
}

export const tileKey = (t: TileId) => `${t.scale}:${t.col}:${t.row}`;

/** Map units one tile spans at `scale`. */
export const tileSpan = (scale: number) => TILE / scale;

export interface TileRange {
	col0: number;
	col1: number;
	row0: number;
	row1: number;
}

/** Tiles at `scale` that a world rectangle touches (inclusive ranges). */
export function tilesIn(
	scale: number,
	minX: number,
	minY: number,
	maxX: number,
	maxY: number
): TileRange {
	const span = tileSpan(scale);
	// `+ 0` turns -0 into 0: one tile, one key.
	return {
		col0: Math.floor(minX / span) + 0,
		col1: Math.floor(maxX / span) + 0,
		row0: Math.floor(minY / span) + 0,
		row1: Math.floor(maxY / span) + 0
	};
}

/** Tiles at `scale` that cover a `width`×`height` screen under `view`. */
export function visibleTiles(
	view: Viewport,
	width: number,
	height: number,
	scale: number
): TileRange {
	return tilesIn(
		scale,
		-view.tx / view.scale,
		-view.ty / view.scale,
		(width - view.tx) / view.scale,
		(height - view.ty) / view.scale
	);
}

export function* each(range: TileRange, scale: number): Generator<TileId> {
	for (let row = range.row0; row <= range.row1; row++)
		for (let col = range.col0; col <= range.col1; col++) yield { scale, col, row };
}

/**
 * The levels tiles are drawn at while the view moves: powers of 2^(1/2), so a gesture crossing a
 * level redraws at most every 41 % of zoom, and a tile shown between levels is scaled by at most
 * that much. At rest the exact scale is drawn (see `MapRenderer`).
 */
export function levelFor(scale: number): number {
	return 2 ** (Math.round(Math.log2(scale) * 2) / 2);
}

/**
 * The level to draw while a gesture runs: keep the one already drawn while it stays within a factor
 * of √2 of the view's scale (no redraw at all), else the nearest level.
 */
export function gestureLevel(drawn: number | null, scale: number): number {
	if (drawn !== null && scale / drawn <= Math.SQRT2 && drawn / scale <= Math.SQRT2) return drawn;
	return levelFor(scale);
}

/** A tile's bitmap with what it needs to be reused: whether a seat in it changed since. */
export interface Tile<T> {
	id: TileId;
	bitmap: T;
	/** A seat in it changed: draw it again before (or while) showing it. */
	dirty: boolean;
	/** Changed seats to repaint in place, when few enough; null = redraw the tile whole. */
	seats: Set<number> | null;
	used: number;
}

/** Tiles by key, least recently used first out once more than `capacity` are kept. */
export class TileCache<T> {
	readonly #tiles = new Map<string, Tile<T>>();
	#clock = 0;
	capacity: number;
	readonly #drop: (bitmap: T) => void;

	constructor(capacity: number, drop: (bitmap: T) => void = () => {}) {
		this.capacity = capacity;
		this.#drop = drop;
	}

	get size(): number {
		return this.#tiles.size;
	}

	get(id: TileId): Tile<T> | undefined {
		const tile = this.#tiles.get(tileKey(id));
		if (tile) tile.used = ++this.#clock;
		return tile;
	}

	peek(id: TileId): Tile<T> | undefined {
		return this.#tiles.get(tileKey(id));
	}

	set(id: TileId, bitmap: T): Tile<T> {
		const key = tileKey(id);
		const old = this.#tiles.get(key);
		if (old && old.bitmap !== bitmap) this.#drop(old.bitmap);
		const tile: Tile<T> = { id, bitmap, dirty: false, seats: new Set(), used: ++this.#clock };
		this.#tiles.set(key, tile);
		return tile;
	}

	/** Drops the least recently used tiles beyond capacity, never those in `keep`. */
	trim(keep: (id: TileId) => boolean = () => false): void {
		if (this.#tiles.size <= this.capacity) return;
		const order = [...this.#tiles.values()].sort((a, b) => a.used - b.used);
		for (const tile of order) {
			if (this.#tiles.size <= this.capacity) break;
			if (keep(tile.id)) continue;
			this.#tiles.delete(tileKey(tile.id));
			this.#drop(tile.bitmap);
		}
	}

	clear(): void {
		for (const tile of this.#tiles.values()) this.#drop(tile.bitmap);
		this.#tiles.clear();
	}

	levels(): Set<number> {
		return new Set([...this.#tiles.values()].map((t) => t.id.scale));
	}

	/**
	 * A seat at (x, y) whose drawing reaches `reach(scale)` map units from its centre changed: marks
	 * exactly the kept tiles its drawing touches, at every level. Returns them.
	 */
	invalidate(seat: number, x: number, y: number, reach: (scale: number) => number): Tile<T>[] {
		const touched: Tile<T>[] = [];
		for (const scale of this.levels()) {
			const d = reach(scale);
			for (const id of each(tilesIn(scale, x - d, y - d, x + d, y + d), scale)) {
				const tile = this.#tiles.get(tileKey(id));
				if (!tile) continue;
				tile.dirty = true;
				if (tile.seats) {
					tile.seats.add(seat);
					if (tile.seats.size > 64) tile.seats = null;
				}
				touched.push(tile);
			}
		}
		return touched;
	}

	/** Every kept tile must be drawn again (e.g. the snapshot replaced every seat's state). */
	invalidateAll(): void {
		for (const tile of this.#tiles.values()) {
			tile.dirty = true;
			tile.seats = null;
		}
	}
}

/** Tiles ordered by their distance from the middle of the screen: what the eye is on first. */
export function nearestFirst(
	ids: TileId[],
	view: Viewport,
	width: number,
	height: number
): TileId[] {
	const [cx, cy] = [(width / 2 - view.tx) / view.scale, (height / 2 - view.ty) / view.scale];
	const distance = (id: TileId) => {
		const span = tileSpan(id.scale);
		return ((id.col + 0.5) * span - cx) ** 2 + ((id.row + 0.5) * span - cy) ** 2;
	};
	return ids
		.map((id) => [distance(id), id] as const)
		.sort((a, b) => a[0] - b[0])
		.map(([, id]) => id);
}
