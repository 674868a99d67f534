import { describe, expect, it } from 'vitest';
import { parseDisplayName, safeRedirectPath } from './display-name.ts';

describe('display name', () => {
	it('accepts and trims a normal name', () => {
		expect(parseDisplayName('  Ann Lee  ')).toEqual({ ok: true, name: 'Ann Lee' });
	});

	it('accepts 40 characters and refuses 41', () => {
		expect(parseDisplayName('x'.repeat(40))).toEqual({ ok: true, name: 'x'.repeat(40) });
		expect(parseDisplayName('x'.repeat(41))).toEqual({
			ok: false,
			message: 'Use at most 40 characters.'
		});
	});

	it('refuses an empty or blank name', () => {
		expect(parseDisplayName('')).toMatchObject({ ok: false, message: 'Enter a name.' });
		expect(parseDisplayName('   ')).toMatchObject({ ok: false, message: 'Enter a name.' });
		expect(parseDisplayName(undefined)).toMatchObject({ ok: false });
	});

	it('refuses control characters', () => {
		expect(parseDisplayName('Ann\u0007')).toMatchObject({ ok: false });
		expect(parseDisplayName('A\nB')).toMatchObject({ ok: false });
	});

	it('accepts non-Latin letters and emoji', () => {
		expect(parseDisplayName('Zoë 山田 🎟')).toMatchObject({ ok: true });
	});

	it('counts user-perceived characters: 40 emoji, even ZWJ sequences, fit and 41 do not', () => {
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
		for (const emoji of ['🎟', family, '🇺🇦', '👍🏽', 'é']) {
			expect(parseDisplayName(emoji.repeat(25))).toMatchObject({ ok: true });
			expect(parseDisplayName(emoji.repeat(40))).toMatchObject({ ok: true });
			expect(parseDisplayName(emoji.repeat(41))).toEqual({
				ok: false,
				message: 'Use at most 40 characters.'
			});
		}
	});

	it('refuses the bidirectional controls that could reverse the page', () => {
		for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2069']) {
			expect(parseDisplayName(`Ann${c}xoB`)).toMatchObject({ ok: false });
		}
	});
});

describe('safeRedirectPath', () => {
	it('keeps same-site paths and drops everything else', () => {
		expect(safeRedirectPath('/events/x')).toBe('/events/x');
		expect(safeRedirectPath('//evil.example')).toBe('/');
		expect(safeRedirectPath('https://evil.example')).toBe('/');
		expect(safeRedirectPath(null)).toBe('/');
	});
});
