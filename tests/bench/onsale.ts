/**
 * A hot on-sale: viewers watch the seeded 54,000-seat stadium while buyers arrive at once, each
 * holding 1–4 adjacent seats and then booking them, through the app's own API: nine in ten pick a
 * block on the map (`holdSeats`, a random row of the stands' lower tier, so buyers collide), one
 * in ten asks for the best available (`holdBestAvailable`). What the buyers wait for, and how soon
 * every viewer sees each change. Runs as a fan-out phase (fanout.ts) whose change k is buyer k's
 * purchase; a buyer who loses a seat to another tries again (3 tries).
 */
import { confirmHolds, holdBestAvailable, holdSeats } from '../../src/lib/api/bookings.ts';
import type { Supabase } from '../../src/lib/api/client.ts';
import type { SignedIn } from './clients.ts';
import { backendCpu, messageLog, type Target } from './fanout.ts';
import type { BenchServer } from './server.ts';
import { nowMs, summarize, type Summary } from './stats.ts';

export interface Buyers {
	buyers: number;
	/** Purchases that ended with seats booked. */
	bought: number;
	seatsBooked: number;
	/** Hold attempts refused because another buyer took a seat first (retried, up to 3 tries). */
	conflicts: number;
	/** Purchases that failed, by status/code. */
	failures: Record<string, number>;
	/** One request each: the hold (a picked block), the hold by best_available, the confirmation. */
	hold: Summary;
	holdBest: Summary;
	confirm: Summary;
	/** First hold request to the confirmation's answer, retries included. */
	purchase: Summary;
}

const SLUG = 'stadium-finale';
const TRIES = 3;
const TIER = 'lower';

/** A deterministic stream of pseudo-random numbers in [0, 1) (the same buyers every run). */
function random(seed: number) {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>> 0) / 2 ** 32;
	};
}

/** The stadium of the seed; buyer k takes 1 + k mod 4 seats. */
export async function onsaleTarget(
	server: BenchServer,
	buyers: SignedIn[]
): Promise<Target & { buyers(): Buyers }> {
	const [event] = await server.sql<{ id: string; seats: string }>(
		`select e.id, (select count(*) from public.seats s where s.event_id = e.id) as seats
		from public.events e where e.slug = $1`,
		[SLUG]
	);
	if (!event) throw new Error(`the seed has no event ${SLUG}`);
	const eventId = Number(event.id);
	// every run (one per path) starts from the same empty stadium and the same buyers' choices
	await server.sql(
		`update public.bookings set status = 'released', released_at = now()
		where event_id = $1 and status in ('held', 'booked')`,
		[eventId]
	);
	// the tier's rows, seats in order along each row
	const tier = await server.sql<{ ids: string[] }>(
		`select array_agg(id order by number) as ids from public.seats
		where event_id = $1 and category = $2 group by section, row_label`,
		[eventId, TIER]
	);
	const rows = tier.map((r) => r.ids.map(Number));
	const next = random(eventId);
	const hold: number[] = [];
	const holdBest: number[] = [];
	const confirm: number[] = [];
	const purchase: number[] = [];
	const failures: Record<string, number> = {};
	let conflicts = 0;
	let seatsBooked = 0;
	const failed = (why: string) => {
		failures[why] = (failures[why] ?? 0) + 1;
		return { ok: false, why };
	};
	return {
		system: 'supabase',
		url: server.url,
		eventId,
		seats: Number(event.seats),
		workload: 'onsale',
		async change(k) {
			const supabase = buyers[k % buyers.length].client as Supabase;
			const count = 1 + (k % 4);
			const best = k % 10 === 0;
			const start = nowMs();
			for (let attempt = 1; ; attempt++) {
				const row = rows[Math.floor(next() * rows.length)];
				const from = Math.floor(next() * (row.length - count + 1));
				const t = nowMs();
				const held = best
					? await holdBestAvailable(supabase, eventId, TIER, count)
					: await holdSeats(supabase, eventId, row.slice(from, from + count));
				(best ? holdBest : hold).push(nowMs() - t);
				if (held.error) {
					if (held.error.code === '23505' && attempt < TRIES) {
						conflicts++;
						continue;
					}
					return failed(`hold ${held.error.status}/${held.error.code}`);
				}
				const c = nowMs();
				const booked = await confirmHolds(
					supabase,
					held.data.map((b) => b.id)
				);
				confirm.push(nowMs() - c);
				if (booked.error) return failed(`confirm ${booked.error.status}/${booked.error.code}`);
				purchase.push(nowMs() - start);
				seatsBooked += booked.data.length;
				return { ok: true };
			}
		},
		...messageLog(server, `event:${eventId}`),
		buyers: () => ({
			buyers: buyers.length,
			bought: purchase.length,
			seatsBooked,
			conflicts,
			failures,
			hold: summarize(hold),
			holdBest: summarize(holdBest),
			confirm: summarize(confirm),
			purchase: summarize(purchase)
		}),
		usage: () => server.usage(),
		databaseCpu: () => (server.database ? backendCpu(server.database) : new Map()),
		rss: () => server.rss(),
		async close() {}
	};
}
