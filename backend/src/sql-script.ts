/**
 * Splits a SQL script into statements the way the Supabase CLI records them in
 * `supabase_migrations.schema_migrations.statements`: on top-level semicolons, leaving quoted
 * strings, quoted identifiers, dollar-quoted bodies and comments intact.
 */
export function splitStatements(script: string): string[] {
	const statements: string[] = [];
	let start = 0;
	let i = 0;
	while (i < script.length) {
		const c = script[i];
		const next = script[i + 1];
		if (c === '-' && next === '-') {
			i = indexAfter(script, '\n', i + 2);
		} else if (c === '/' && next === '*') {
			i = indexAfter(script, '*/', i + 2);
		} else if (c === "'" || c === '"') {
			i = endOfQuoted(script, c, i + 1);
		} else if (c === '$') {
			const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i, i + 64));
			i = tag ? indexAfter(script, tag[0], i + tag[0].length) : i + 1;
		} else if (c === ';') {
			push(script.slice(start, i));
			start = ++i;
		} else {
			i++;
		}
	}
	push(script.slice(start));
	return statements;

	function push(text: string) {
		const statement = text.trim();
		if (statement !== '' && !isOnlyComments(statement)) statements.push(statement);
	}
}

function indexAfter(text: string, token: string, from: number) {
	const at = text.indexOf(token, from);
	return at === -1 ? text.length : at + token.length;
}

/** Doubled quotes are escapes, so the string ends at the first quote not followed by another. */
function endOfQuoted(text: string, quote: string, from: number) {
	let i = from;
	while (i < text.length) {
		if (text[i] === quote) {
			if (text[i + 1] !== quote) return i + 1;
			i += 2;
		} else {
			i++;
		}
	}
	return i;
}

function isOnlyComments(statement: string) {
	return (
		statement
			.replace(/--[^\n]*/g, '')
			.replace(/\/\*[\s\S]*?\*\//g, '')
			.trim() === ''
	);
}
