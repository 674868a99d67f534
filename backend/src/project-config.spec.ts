import { describe, expect, it } from 'vitest';
import { environmentOverrides, parseProjectConfig, readProjectConfig } from './project-config.ts';

describe('supabase/config.toml', () => {
	it("reads the project's own settings", async () => {
		expect(await readProjectConfig(undefined, {})).toEqual({
			schemas: ['public', 'graphql_public'],
			extraSearchPath: ['public', 'extensions'],
			maxRows: 1000,
			jwtExpiry: 3600,
			refreshTokenReuseInterval: 10,
			anonymousSignIns: true,
			siteUrl: 'http://127.0.0.1:3000',
			anonymousSignInsPerHour: 30
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

	it('reads [auth.rate_limit] anonymous_users, and GoTrue environment variables over the file', async () => {
		expect(parseProjectConfig('[auth.rate_limit]\nanonymous_users = 12')).toEqual({
			anonymousSignInsPerHour: 12
		});
		const env = {
			GOTRUE_RATE_LIMIT_ANONYMOUS_USERS: '5000',
			GOTRUE_RATE_LIMIT_HEADER: 'X-Forwarded-For'
		};
		expect(await readProjectConfig(undefined, env)).toMatchObject({
			anonymousSignInsPerHour: 5000,
			rateLimitHeader: 'X-Forwarded-For'
		});
		expect(() => environmentOverrides({ GOTRUE_RATE_LIMIT_ANONYMOUS_USERS: 'lots' })).toThrow(
			/GOTRUE_RATE_LIMIT_ANONYMOUS_USERS must be a number/
		);
	});

	it('reads [api] schemas and extra_search_path as lists', () => {
		expect(
			parseProjectConfig(
				'[api]\nschemas = ["api", "public"] # exposed\nextra_search_path = ["extensions"]'
			)
		).toEqual({ schemas: ['api', 'public'], extraSearchPath: ['extensions'] });
		expect(parseProjectConfig('[api]\nextra_search_path = []')).toEqual({ extraSearchPath: [] });
	});

	it('treats max_rows = 0 as no cap', () => {
		expect(parseProjectConfig('[api]\nmax_rows = 0').maxRows).toBeNull();
	});
});
