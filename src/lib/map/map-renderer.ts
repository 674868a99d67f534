import type { Viewport } from '$lib/domain/viewport';
import {
	SeatPainter,
	seatReach,
	tileCost,
	tileSeats,
	type PaintSource
} from '$lib/components/seat-painter';
import {
	TILE,
	TileCache,
	each,
	gestureLevel,
	nearestFirst,
	tileSpan,
	tilesIn,
	visibleTiles,
	type Tile,
	type TileId
} from './tiles';

type Bitmap = OffscreenCanvas | HTMLCanvasElement;

/** What a frame did, for the counters tests and benchmarks read. */
export interface FrameStats {
	/** Tiles drawn from scratch. */
	drawn: number;
	/** Tiles where only changed seats were repainted. */
	patched: number;
	/** Tiles still to draw: another frame is needed. */
	missing: number;
	/** The raster handed over for the tiles drawn, in `tileCost`'s units. */
	raster: number;
}

/** A change to more seats than this redraws the tiles it touches whole. */
const MANY = 2000;

/**
 * New raster per frame at most, beyond a frame's first tile, while the view moves and at rest: in
 * `tileCost`'s units, seats at one device pixel per CSS pixel, so a frame at DPR 2 draws a quarter
 * of the seats (each of four times the pixels). The canvas records a tile's paths at once but
 * rasterizes them later, outside any time JavaScript can measure, so the bound is on the work
 * handed over, not on the time it took to hand it over.
 */
export const RASTER_PER_FRAME = { moving: 1200, settled: 4000 };

function bitmap(size: number): Bitmap {
	if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(size, size);
	const canvas = document.createElement('canvas');
	canvas.width = canvas.height = size;
	return canvas;
}

/**
 * Shows the seat map from cached tiles (see `tiles.ts`). At rest the tiles are drawn at the view's
 * exact scale, copied 1:1; while a gesture runs the tiles of the level already drawn are moved and
 * scaled, and tiles that come into view are drawn within a time budget per frame, the previous
 * level's tiles standing in until they are ready. The raster of tens of thousands of seats, which
 * bounds a frame when done every frame, is then done once per level and per change.
 */
export class MapRenderer {
	readonly #ctx: CanvasRenderingContext2D;
	readonly #source: PaintSource;
	readonly #cache = new TileCache<Bitmap>(64, (b) => {
		b.width = b.height = 0;
	});
	#dpr = 1;
	/** The level every visible tile was last drawn at. */
	#drawn: number | null = null;
	/**
	 * The first level drawn complete (the venue as it opens, whole), kept whatever the view does:
	 * where neither the view's level nor the one before covers a spot yet, it stands in, so a fast
	 * pan or zoom out shows the venue coarse rather than a hole.
	 */
	#base: number | null = null;
	#all = false;
	readonly #changed = new Set<number>();

	constructor(ctx: CanvasRenderingContext2D, source: PaintSource) {
		this.#ctx = ctx;
		this.#source = source;
	}

	/** These seats look different now. */
	invalidate(seats: Iterable<number>): void {
		for (const i of seats) this.#changed.add(i);
		if (this.#changed.size > MANY) this.#all = true;
	}

	/** Every seat may look different (a new snapshot). */
	invalidateAll(): void {
		this.#all = true;
	}

	/** Tiles kept, for tests. */
	get tiles(): number {
		return this.#cache.size;
	}

	#applyChanges(): void {
		const { layout } = this.#source;
		if (this.#all) this.#cache.invalidateAll();
		else
			for (const i of this.#changed)
				this.#cache.invalidate(i, layout.x[i], layout.y[i], (s) => seatReach(layout, s));
		this.#all = false;
		this.#changed.clear();
	}

	/**
	 * Draws one frame of `view` on a `width`×`height` CSS px canvas. `settled`: the view has stopped
	 * moving, draw it sharp. Tiles are drawn until `budgetMs` have passed, except on a blank map.
	 */
	frame(
		view: Viewport,
		width: number,
		height: number,
		dpr: number,
		settled: boolean,
		budgetMs: number
	): FrameStats {
		if (dpr !== this.#dpr) {
			this.#cache.clear();
			this.#drawn = this.#base = null;
			this.#dpr = dpr;
		}
		this.#applyChanges();
		const start = performance.now();
		const level = settled ? view.scale : gestureLevel(this.#drawn, view.scale);
		const range = visibleTiles(view, width, height, level);
		const wanted = nearestFirst([...each(range, level)], view, width, height);
		const stats: FrameStats = { drawn: 0, patched: 0, missing: 0, raster: 0 };
		const blank = this.#drawn === null;
		// Changed seats first: patching a tile is cheap and is what a remote change waits for.
		for (const id of wanted) {
			const tile = this.#cache.get(id);
			if (tile?.dirty && tile.seats) {
				this.#patch(tile);
				stats.patched++;
			}
		}
		const absent: TileId[] = [];
		const budget = settled ? RASTER_PER_FRAME.settled : RASTER_PER_FRAME.moving;
		/** The budget is spent: the tiles left wait for the next frame, their seats not looked up. */
		let full = false;
		for (const id of wanted) {
			const tile = this.#cache.get(id);
			if (tile && !tile.dirty) continue;
			if (full) {
				stats.missing++;
				if (!tile) absent.push(id);
				continue;
			}
			// The seats are looked up once: the cost is judged on them, and they are what is drawn.
			const seats = tileSeats(this.#source.layout, this.#view(id), TILE);
			const cost = tileCost(this.#source.layout, this.#view(id), seats, this.#dpr);
			// At least one tile a frame, so a view always gets complete.
			full =
				!blank &&
				stats.drawn > 0 &&
				(stats.raster + cost > budget || performance.now() - start > budgetMs);
			if (full) {
				stats.missing++;
				if (!tile) absent.push(id);
				continue;
			}
			this.#draw(id, tile, seats);
			stats.raster += cost;
			stats.drawn++;
		}

		const ctx = this.#ctx;
		ctx.setTransform(1, 0, 0, 1, 0, 0);
		ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
		// A tile shown at another scale than its own is a stand-in for a frame or a few: sampled
		// nearest, which a software raster does in a third of the time of filtering it, and which
		// bounds a zoom's frame on a 3840×2160 canvas (at rest every tile is copied 1:1).
		ctx.imageSmoothingEnabled = false;
		// Where a tile is not drawn yet, the levels drawn before stand in, clipped to that tile: the
		// venue's first level under the one drawn last.
		const standIns = [...new Set([this.#base, this.#drawn])].filter(
			(l): l is number => l !== null && l !== level
		);
		if (standIns.length) for (const id of absent) this.#standIn(id, standIns, view);
		for (const id of wanted) {
			const tile = this.#cache.peek(id);
			if (tile) this.#blit(tile, view);
		}
		ctx.imageSmoothingEnabled = true;
		if (!stats.missing) {
			this.#drawn = level;
			this.#base ??= level;
		}
		this.#cache.capacity = Math.max(64, wanted.length * 3);
		this.#cache.trim((id) => id.scale === level || id.scale === this.#base);
		return stats;
	}

	#view(id: TileId): Viewport {
		return { scale: id.scale, tx: -id.col * TILE, ty: -id.row * TILE };
	}

	#draw(id: TileId, old: Tile<Bitmap> | undefined, seats: number[]): void {
		const canvas = old?.bitmap ?? bitmap(Math.round(TILE * this.#dpr));
		const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | null;
		if (!ctx) return;
		new SeatPainter(ctx).tile(this.#source, this.#view(id), TILE, this.#dpr, seats);
		this.#cache.set(id, canvas);
	}

	#patch(tile: Tile<Bitmap>): void {
		const ctx = tile.bitmap.getContext('2d') as CanvasRenderingContext2D | null;
		if (!ctx || !tile.seats) return;
		new SeatPainter(ctx).seats(this.#source, this.#view(tile.id), tile.seats, this.#dpr);
		this.#cache.set(tile.id, tile.bitmap);
	}

	#standIn(id: TileId, levels: number[], view: Viewport): void {
		const span = tileSpan(id.scale);
		const [x, y] = [id.col * span, id.row * span];
		const ctx = this.#ctx;
		const dpr = this.#dpr;
		ctx.save();
		ctx.beginPath();
		const x0 = Math.round((x * view.scale + view.tx) * dpr);
		const y0 = Math.round((y * view.scale + view.ty) * dpr);
		const x1 = Math.round(((x + span) * view.scale + view.tx) * dpr);
		const y1 = Math.round(((y + span) * view.scale + view.ty) * dpr);
		ctx.rect(x0, y0, x1 - x0, y1 - y0);
		ctx.clip();
		for (const level of levels)
			for (const other of each(tilesIn(level, x, y, x + span, y + span), level)) {
				const tile = this.#cache.peek(other);
				if (tile) this.#blit(tile, view);
			}
		ctx.restore();
	}

	/** Copies a tile to the screen on whole device pixels, so neighbouring tiles meet without seams. */
	#blit(tile: Tile<Bitmap>, view: Viewport): void {
		const dpr = this.#dpr;
		const span = tileSpan(tile.id.scale) * view.scale;
		const x = (tile.id.col * tileSpan(tile.id.scale) * view.scale + view.tx) * dpr;
		const y = (tile.id.row * tileSpan(tile.id.scale) * view.scale + view.ty) * dpr;
		const x0 = Math.round(x);
		const y0 = Math.round(y);
		if (tile.id.scale === view.scale) {
			this.#ctx.drawImage(tile.bitmap, x0, y0);
			return;
		}
		const x1 = Math.round(x + span * dpr);
		const y1 = Math.round(y + span * dpr);
		this.#ctx.drawImage(tile.bitmap, x0, y0, x1 - x0, y1 - y0);
	}
}
