/**
 * The closest of `candidates` to `word`, for PostgREST's "Perhaps you meant …" hints: similarity
 * is 1 − Levenshtein distance / the longer length (case-insensitive), as the fuzzy set PostgREST
 * uses scores its final candidates; below `minScore` there is no suggestion.
 */
export function closest(
	word: string,
	candidates: Iterable<string>,
	minScore = 0.33
): { value: string; score: number } | undefined {
	let best: { value: string; score: number } | undefined;
	const w = word.toLowerCase();
	for (const value of new Set(candidates)) {
		const v = value.toLowerCase();
		const longest = Math.max(w.length, v.length);
		const score = longest === 0 ? 1 : 1 - levenshtein(w, v) / longest;
		if (score >= minScore && (!best || score > best.score)) best = { value, score };
	}
	return best;
}

function levenshtein(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j] + 1,
				current[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
			);
		}
		previous = current;
	}
	return previous[b.length];
}
