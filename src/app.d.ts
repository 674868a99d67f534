import type { Session, SupabaseClient, User } from '@supabase/supabase-js';
import type { Database } from '$lib/database.types';

declare global {
	namespace App {
		interface Locals {
			supabase: SupabaseClient<Database>;
			/** The session and user, trusted only after the auth server validated the token. */
			safeGetSession: () => Promise<{ session: Session | null; user: User | null }>;
			session: Session | null;
			user: User | null;
		}
		interface PageData {
			user: SessionUser | null;
		}
		interface Error {
			message: string;
		}
	}

	/** What the UI needs to know about the signed-in person. */
	interface SessionUser {
		id: string;
		displayName: string;
	}
}

export {};
