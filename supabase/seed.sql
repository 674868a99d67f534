-- Demo and test events, laid out with public.create_venue_event (supabase/README.md describes
-- every section option, with an example each). Runs on a brand-new database only (`supabase db
-- reset`, or the embedded back end's first start). Dates are relative to today so the events stay
-- upcoming. Coordinates are in seat widths: neighbouring seats are about 1 apart.

-- A small club: 100 seats in front of a stage, the floor split by a centre aisle, a strict limit
-- of 4 per user. The bar's back row ends are wheelchair spaces, each with a companion seat; the
-- floor's back row ends look past the sound desk.
select public.create_venue_event(
	slug => 'jazz-night',
	name => 'Jazz Night',
	venue => 'The Blue Room',
	starts_at => date_trunc('day', now()) + interval '7 days 20 hours',
	max_seats_per_user => 4,
	stage => '{"kind": "stage", "x": 0.5, "y": -4, "width": 9, "height": 2.5, "label": "Stage"}',
	sections => '[
		{"name": "Floor", "rows": 8, "seats": 10, "gaps_after": [5], "price_cents": 2500, "dy": 1.2,
		 "tiers": [{"rows": 2, "category": "front", "price_cents": 3500}],
		 "restricted_view": [{"row": "H", "seats": "ends"}]},
		{"name": "Bar", "rows": 2, "seats": 10, "price_cents": 1800, "category": "bar",
		 "x": 0.5, "y": 11, "dy": 1.2, "wheelchair": [{"row": "B", "seats": "ends"}]}
	]'
);

-- A curved theatre (1,144 seats): stalls and a circle in arcs around the stage, rows longer
-- towards the back, and a box on either side of the stage turned towards it. Wheelchair spaces at
-- the ends of the stalls' back row (level access), a companion beside each; the boxes and the
-- circle's front row ends see the stage from the side (restricted view).
select public.create_venue_event(
	slug => 'hamlet',
	name => 'Hamlet',
	venue => 'City Theatre',
	starts_at => date_trunc('day', now()) + interval '14 days 19 hours 30 minutes',
	stage => '{"kind": "stage", "x": 28, "y": -6, "width": 24, "height": 8, "label": "Stage"}',
	sections => '[
		{"name": "Stalls", "shape": "arc", "cx": 40, "cy": 0, "radius": 15, "start_angle": 130,
		 "end_angle": 230, "rows": 20, "seats": 26, "seats_step": 1, "price_cents": 4500,
		 "tiers": [{"rows": 6, "category": "premium", "price_cents": 7500}],
		 "wheelchair": [{"row": "T", "seats": "ends"}]},
		{"name": "Circle", "shape": "arc", "cx": 40, "cy": 0, "radius": 37, "start_angle": 150,
		 "end_angle": 210, "rows": 12, "seats": 30, "seats_step": 1, "price_cents": 3000,
		 "category": "circle", "restricted_view": [{"row": "A", "seats": "ends"}]},
		{"name": "Box L", "rows": 2, "seats": 2, "x": 22, "y": 4, "rotate": -45,
		 "row_labels": "numbers", "price_cents": 12000, "category": "box",
		 "restricted_view": [{"row": 1}, {"row": 2}]},
		{"name": "Box R", "rows": 2, "seats": 2, "x": 57, "y": 2.6, "rotate": 45,
		 "row_labels": "numbers", "price_cents": 12000, "category": "box",
		 "restricted_view": [{"row": 1}, {"row": 2}]}
	]'
);

-- A concert hall, 6 blocks of 20 × 40 (4,800 seats) facing the orchestra. Two wheelchair spaces
-- in the middle block's back row, each between two companion seats; the side balconies' front row
-- ends look past the organ's pillars.
select public.create_venue_event(
	slug => 'symphony-no-9',
	name => 'Symphony No. 9',
	venue => 'Concert Hall',
	starts_at => date_trunc('day', now()) + interval '21 days 20 hours',
	stage => '{"kind": "stage", "x": 31, "y": -10, "width": 62, "height": 7, "label": "Orchestra"}',
	sections => (
		select jsonb_agg(jsonb_build_object(
			'name', 'Block ' || chr(64 + b),
			'rows', 20, 'seats', 40,
			'x', ((b - 1) % 3) * 42, 'y', ((b - 1) / 3) * 23,
			'price_cents', case when b <= 3 then 6500 else 4000 end,
			'category', case when b <= 3 then 'parterre' else 'balcony' end
		) || case
			when b = 2 then '{"wheelchair": [{"row": "T", "seats": [15, 26], "companions": 2}]}'::jsonb
			when b in (4, 6) then '{"restricted_view": [{"row": "A", "seats": "ends"}]}'::jsonb
			else '{}'::jsonb end
		order by b)
		from generate_series(1, 6) as b
	)
);

-- A stadium bowl (54,000 seats): 24 stands of 45 rows × 50 seats, each a 14° slice of the ring
-- around the pitch with a 1° aisle to the next, the lower 10 rows dearer. Four stands have four
-- wheelchair spaces on the platform behind the lower tier (row K), a companion beside each; the
-- back row (AS) of the four stands behind the big screens has a restricted view.
select public.create_venue_event(
	slug => 'stadium-finale',
	name => 'The Finale',
	venue => 'National Stadium',
	starts_at => date_trunc('day', now()) + interval '45 days 18 hours',
	max_seats_per_user => 10,
	stage => '{"kind": "pitch", "x": 115, "y": 162.5, "width": 270, "height": 175, "label": "Pitch"}',
	sections => (
		select jsonb_agg(jsonb_build_object(
			'name', 'Stand ' || lpad(b::text, 2, '0'),
			'shape', 'arc', 'cx', 250, 'cy', 250, 'radius', 200,
			'start_angle', (b - 1) * 15 + 0.5, 'end_angle', b * 15 - 0.5,
			'rows', 45, 'seats', 50,
			'price_cents', 5500,
			'category', 'stand',
			'tiers', jsonb_build_array(
				jsonb_build_object('rows', 10, 'category', 'lower', 'price_cents', 9500)
			)
		) || case
			when b in (3, 9, 15, 21) then '{"wheelchair": [{"row": "K", "seats": [10, 20, 30, 40]}]}'::jsonb
			when b in (1, 12, 13, 24) then '{"restricted_view": [{"row": "AS"}]}'::jsonb
			else '{}'::jsonb end
		order by b)
		from generate_series(1, 24) as b
	)
);

-- Each demo venue's own time zone, so the list can give its local start time.
update public.events set time_zone = 'Europe/Amsterdam' where slug = 'jazz-night';
update public.events set time_zone = 'Europe/London' where slug = 'hamlet';
update public.events set time_zone = 'America/New_York' where slug = 'symphony-no-9';
update public.events set time_zone = 'Asia/Tokyo' where slug = 'stadium-finale';
