/**
 * The secret the test runners give the production servers they start (Playwright's, the benchmarks'),
 * so their helpers can sign in as service_role there. It is in the repository, hence public: a
 * server must never run on it outside a test, as on the CLI's local keys.
 */
import { deriveKeys } from '../src/keys.ts';

export const TEST_JWT_SECRET = 'test-servers-only-jwt-secret-never-for-a-deployment';
export const TEST_KEYS = deriveKeys(TEST_JWT_SECRET);

/**
 * Environment for a production server under test: the test secret, the anonymous sign-in limit
 * raised (every test user signs in from 127.0.0.1), no request log.
 */
export const TEST_SERVER_ENV = {
	JWT_SECRET: TEST_JWT_SECRET,
	GOTRUE_RATE_LIMIT_ANONYMOUS_USERS: '100000',
	LOG_REQUESTS: '0'
};
