/**
 * The bench's 100,000-seat bowl, which is not in the seed: `node tests/bench/big-venue.ts <dir>`
 * opens (or creates) a PGlite data directory with the migrations and the seed, as `npm start`
 * would, and adds the bowl as the owner (the venue builder is not open to API roles). The map
 * bench then serves that directory with `npm start`'s own server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startEmbedded } from '../../backend/src/embedded.ts';

export const BIG_SLUG = 'bench-bowl-100k';

/** 40 stands of 50 rows × 50 seats, each a 9° slice of the ring around a pitch. */
const SQL = `
select public.create_venue_event(
	slug => '${BIG_SLUG}',
	name => 'Bench Bowl',
	venue => 'Bench Bowl (100,000 seats)',
	starts_at => now() + interval '30 days',
	max_seats_per_user => 10,
	stage => '{"kind": "pitch", "x": 315, "y": 362.5, "width": 270, "height": 175, "label": "Pitch"}',
	sections => (
		select jsonb_agg(jsonb_build_object(
			'name', 'Stand ' || lpad(b::text, 2, '0'),
			'shape', 'arc', 'cx', 450, 'cy', 450, 'radius', 340,
			'start_angle', (b - 1) * 9 + 0.5, 'end_angle', b * 9 - 0.5,
			'rows', 50, 'seats', 50,
			'price_cents', 4500,
			'category', 'stand',
			'tiers', jsonb_build_array(
				jsonb_build_object('rows', 12, 'category', 'lower', 'price_cents', 8500)
			)
		) order by b)
		from generate_series(1, 40) as b
	)
)`;

/** A fresh data directory holding the seed and the bowl (in a child process, like the server). */
export async function bigVenueDir(): Promise<string> {
	const dir = mkdtempSync(join(tmpdir(), 'bench-bowl-'));
	const child = spawn(process.execPath, [new URL(import.meta.url).pathname, dir], {
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`creating the 100,000-seat venue failed (exit ${code})`);
	return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const embedded = await startEmbedded(process.argv[2], { keys: 'local-development' });
	await embedded.db.query(SQL);
	await embedded.close();
	process.exit(0);
}
