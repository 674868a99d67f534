import { describe, expect, it } from 'vitest';
import { parseProjectConfig, readProjectConfig } from './project-config.ts';

describe('supabase/config.toml', () => {
	it("reads the project's own settings", async () => {
		expect(await readProjectConfig()).toEqual({
			maxRows: 1000,
			jwtExpiry: 3600,
			refreshTokenReuseInterval: 10,
			anonymousSignIns: true,
			siteUrl: 'http://127.0.0.1:3000'
		});
	});

	it('takes keys only from their own section, ignoring comments and subsections', () => {
		const options = parseProjectConfig(
			[
				'[db]',
				'max_rows = 5',
				'[api]',
				'# max_rows = 7',
				'max_rows = 250 # rows per read',
				'[auth]',
				'enable_anonymous_sign_ins = false',
				'[auth.email]',
				'jwt_expiry = 99'
			].join('\n')
		);
		expect(options).toEqual({ maxRows: 250, anonymousSignIns: false });
	});

	it('treats max_rows = 0 as no cap', () => {
		expect(parseProjectConfig('[api]\nmax_rows = 0').maxRows).toBeNull();
	});
});
