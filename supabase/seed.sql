-- Demo and test events, laid out with public.create_venue_event (see its migration for the
-- section format). Runs on a brand-new database only (`supabase db reset`, or the embedded back
-- end's first start). Dates are relative to today so the events stay upcoming.

-- Small: 100 seats, a strict limit of 4 per user.
select public.create_venue_event(
	slug => 'jazz-night',
	name => 'Jazz Night',
	venue => 'The Blue Room',
	starts_at => date_trunc('day', now()) + interval '7 days 20 hours',
	max_seats_per_user => 4,
	sections => '[
		{"name": "Floor", "rows": 8, "seats": 10, "price_cents": 2500, "dy": 1.2,
		 "tiers": [{"rows": 2, "category": "front", "price_cents": 3500}]},
		{"name": "Bar", "rows": 2, "seats": 10, "price_cents": 1800, "category": "bar",
		 "y": 11, "dy": 1.2}
	]'
);

-- Mid-size: a theatre with stalls, a circle and two boxes (1,144 seats).
select public.create_venue_event(
	slug => 'hamlet',
	name => 'Hamlet',
	venue => 'City Theatre',
	starts_at => date_trunc('day', now()) + interval '14 days 19 hours 30 minutes',
	sections => '[
		{"name": "Stalls", "rows": 24, "seats": 30, "x": 6, "y": 0, "price_cents": 4500,
		 "tiers": [{"rows": 6, "category": "premium", "price_cents": 7500}]},
		{"name": "Circle", "rows": 12, "seats": 32, "x": 5, "y": 30, "price_cents": 3000,
		 "category": "circle"},
		{"name": "Box L", "rows": 4, "seats": 5, "x": 0, "y": 4, "row_labels": "numbers",
		 "price_cents": 12000, "category": "box"},
		{"name": "Box R", "rows": 4, "seats": 5, "x": 38, "y": 4, "row_labels": "numbers",
		 "price_cents": 12000, "category": "box"}
	]'
);

-- Mid-size: a concert hall, 6 blocks of 20 × 40 (4,800 seats).
select public.create_venue_event(
	slug => 'symphony-no-9',
	name => 'Symphony No. 9',
	venue => 'Concert Hall',
	starts_at => date_trunc('day', now()) + interval '21 days 20 hours',
	sections => (
		select jsonb_agg(jsonb_build_object(
			'name', 'Block ' || chr(64 + b),
			'rows', 20, 'seats', 40,
			'x', ((b - 1) % 3) * 42, 'y', ((b - 1) / 3) * 23,
			'price_cents', case when b <= 3 then 6500 else 4000 end,
			'category', case when b <= 3 then 'parterre' else 'balcony' end
		) order by b)
		from generate_series(1, 6) as b
	)
);

-- Large: a stadium, 24 stands of 50 rows × 45 seats (54,000 seats).
select public.create_venue_event(
	slug => 'stadium-finale',
	name => 'The Finale',
	venue => 'National Stadium',
	starts_at => date_trunc('day', now()) + interval '45 days 18 hours',
	max_seats_per_user => 10,
	sections => (
		select jsonb_agg(jsonb_build_object(
			'name', 'Stand ' || lpad(b::text, 2, '0'),
			'rows', 50, 'seats', 45,
			'x', ((b - 1) % 6) * 48, 'y', ((b - 1) / 6) * 53,
			'price_cents', 5500,
			'category', 'stand',
			'tiers', jsonb_build_array(
				jsonb_build_object('rows', 10, 'category', 'lower', 'price_cents', 9500)
			)
		) order by b)
		from generate_series(1, 24) as b
	)
);
