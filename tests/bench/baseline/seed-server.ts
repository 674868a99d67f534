/**
 * COMPARISON BASELINE — not product code. A faithful minimal version of the seed's original
 * design: one Express 5 + Socket.IO process, the seats in an in-memory array, a booking made by a
 * socket event, and after every change the FULL seat array broadcast to every connected client.
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
	status: 'available' | 'booked';
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
	/** Bench hook: told when a seat was booked (the seed has no such thing). */
	onBooked: (seatId: number) => void = () => {}
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
		socket.on(
			'book',
			(
				{ seatId, name }: { seatId: number; name: string },
				ack?: (reply: { ok: boolean; error?: string }) => void
			) => {
				const seat = seats.find((s) => s.id === seatId);
				if (!seat) return ack?.({ ok: false, error: 'No such seat' });
				if (seat.status === 'booked') return ack?.({ ok: false, error: 'Seat already taken' });
				seat.status = 'booked';
				seat.bookedBy = name;
				onBooked(seatId);
				ack?.({ ok: true });
				io.emit('seats', seats);
			}
		);
	});
	return { http, io, seats };
}
