/**
 * The `Prefer` header. supabase-js sets several preferences as separate values, which fetch joins
 * into one comma-separated header (`return=representation, count=exact`), so tokens split on commas.
 */
export interface Preferences {
	return?: 'minimal' | 'representation' | 'headers-only';
	count?: 'exact' | 'planned' | 'estimated';
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	missing?: 'default' | 'null';
	tx?: 'commit' | 'rollback';
	handling?: 'strict' | 'lenient';
	maxAffected?: number;
	/** `timezone=<IANA name>`: the request's TimeZone, so timestamptz renders in it. */
	timezone?: string;
	/** The tokens that were understood, for `Preference-Applied`. */
	applied: string[];
}

const ALLOWED: Record<string, readonly string[]> = {
	return: ['minimal', 'representation', 'headers-only'],
	count: ['exact', 'planned', 'estimated'],
	resolution: ['merge-duplicates', 'ignore-duplicates'],
	missing: ['default', 'null'],
	tx: ['commit', 'rollback'],
	handling: ['strict', 'lenient']
};

const ORDER = [
	'resolution',
	'missing',
	'return',
	'count',
	'tx',
	'handling',
	'max-affected',
	'timezone'
];

export function parsePrefer(header: string | null): Preferences {
	const prefs: Preferences = { applied: [] };
	for (const token of (header ?? '').split(',')) {
		const [rawKey, ...rest] = token.trim().split('=');
		const key = rawKey.trim();
		const value = rest.join('=').trim();
		if (key === 'timezone' && /^[A-Za-z0-9_+\-/]{1,64}$/.test(value)) {
			prefs.timezone = value;
			prefs.applied.push(`timezone=${value}`);
		} else if (key === 'max-affected' && /^\d+$/.test(value)) {
			prefs.maxAffected = Number(value);
			prefs.applied.push(`max-affected=${value}`);
		} else if (ALLOWED[key]?.includes(value)) {
			(prefs as unknown as Record<string, string>)[key] = value;
			prefs.applied.push(`${key}=${value}`);
		}
		// Unknown preferences are ignored, as PostgREST does without `handling=strict`.
	}
	// Preference-Applied lists them in PostgREST's order, not the client's.
	const rank = (token: string) => ORDER.indexOf(token.split('=')[0]);
	prefs.applied.sort((a, b) => rank(a) - rank(b));
	return prefs;
}
