// The project has no @types/express (the baseline is its only user): just what seed-server.ts uses.
declare module 'express' {
	import type { IncomingMessage, ServerResponse } from 'node:http';

	interface Response extends ServerResponse {
		json(body: unknown): Response;
	}
	type Handler = (req: IncomingMessage, res: Response, next: (err?: unknown) => void) => void;
	interface Express {
		(req: IncomingMessage, res: ServerResponse): void;
		use(handler: Handler): Express;
		get(path: string, handler: (req: IncomingMessage, res: Response) => void): Express;
	}
	interface ExpressStatic {
		(): Express;
		json(): Handler;
	}
	const express: ExpressStatic;
	export default express;
}
