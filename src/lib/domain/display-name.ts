import * as v from 'valibot';

/** In user-perceived characters (grapheme clusters): 25 emoji are 25, whatever their code points. */
export const DISPLAY_NAME_MAX = 40;
/** The database's bound on code points, whatever the count of characters. */
const DISPLAY_NAME_MAX_CODE_POINTS = 400;

// Same rule as the auth.users trigger: C0/C1 control characters never belong in a name, nor the
// bidirectional embedding, override and isolate controls that could reverse how the page reads.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters, as the trigger approximates them and the browser draws them. */
export function characterCount(text: string): number {
	return Array.from(graphemes.segment(text)).length;
}

export const DisplayName = v.pipe(
	v.string('Enter a name.'),
	v.trim(),
	v.minLength(1, 'Enter a name.'),
	v.check(
		(name) =>
			characterCount(name) <= DISPLAY_NAME_MAX && [...name].length <= DISPLAY_NAME_MAX_CODE_POINTS,
		`Use at most ${DISPLAY_NAME_MAX} characters.`
	),
	v.check((name) => !CONTROL_CHARS.test(name), 'Use letters, digits and punctuation only.')
);

export const LoginForm = v.object({
	display_name: DisplayName,
	redirect_to: v.optional(v.string(), '/')
});

export type DisplayNameResult = { ok: true; name: string } | { ok: false; message: string };

export function parseDisplayName(input: unknown): DisplayNameResult {
	const result = v.safeParse(DisplayName, input);
	return result.success
		? { ok: true, name: result.output }
		: { ok: false, message: result.issues[0].message };
}

/** Only same-site paths, so the login form cannot be turned into an open redirect. */
export function safeRedirectPath(target: string | null | undefined): string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\'))
		return '/';
	return target;
}
