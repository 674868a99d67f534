/**
 * COMPARISON BASELINE — not product code. A faithful minimal version of the seed's original
 * design: one Express 5 + Socket.IO process, the seats in an in-memory array, a booking made by a
 * socket event (`lock`, `book`, `release`, as the seed's server had), and after every change the
 * FULL seat array broadcast to every connected client.
 * Nothing is persisted, nobody is authenticated and no per-user rule is checked, so it does less
 * work per booking than the product; what it shows is the cost of its fan-out.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import { Server as SocketServer } from 'socket.io';

export interface SeedSeat {
	id: number;
	section: string;
	row: string;
	number: number;
	price: number;
	status: 'available' | 'locked' | 'booked';
	bookedBy: string | null;
}

export interface SeedServer {
	http: Server;
	io: SocketServer;
	seats: SeedSeat[];
}

/** A, B, … Z, AA, AB … */
function rowName(i: number): string {
	let name = '';
	for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
		name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
	return name;
}

export function createSeedServer(
	seatCount: number,
	/** Bench hook: told when a seat changed (the seed has no such thing). */
	onChange: (seatId: number) => void = () => {}
): SeedServer {
	const seats: SeedSeat[] = Array.from({ length: seatCount }, (_, i) => ({
		id: i + 1,
		section: 'Main',
		row: rowName(Math.floor(i / 50)),
		number: (i % 50) + 1,
		price: 1000,
		status: 'available',
		bookedBy: null
	}));

	const app = express();
	app.use(express.json());
	app.get('/api/seats', (_req, res) => {
		res.json(seats);
	});

	const http = createServer(app);
	const io = new SocketServer(http, { cors: { origin: '*' } });
	io.on('connection', (socket) => {
		socket.emit('seats', seats);
		type Ack = (reply: { ok: boolean; error?: string }) => void;
		const change =
			(to: SeedSeat['status'], allowed: SeedSeat['status'][]) =>
			({ seatId, name }: { seatId: number; name: string }, ack?: Ack) => {
				const seat = seats.find((s) => s.id === seatId);
				if (!seat) return ack?.({ ok: false, error: 'No such seat' });
				if (!allowed.includes(seat.status))
					return ack?.({ ok: false, error: `Seat is ${seat.status}` });
				seat.status = to;
				seat.bookedBy = to === 'available' ? null : name;
				onChange(seatId);
				ack?.({ ok: true });
				io.emit('seats', seats);
			};
		socket.on('lock', change('locked', ['available']));
		socket.on('book', change('booked', ['available', 'locked']));
		socket.on('release', change('available', ['locked', 'booked']));
	});
	return { http, io, seats };
}
