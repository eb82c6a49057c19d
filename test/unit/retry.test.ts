import assert from 'node:assert/strict';
import { PeriskopeApiError } from '../../src/api/errors';
import { backoffDelay, DEFAULT_RETRY_POLICY, retryDelay, serverRequestedDelay } from '../../src/api/retry';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

describe('retry policy', () => {
	it('uses full jitter under an exponential ceiling', () => {
		const p = DEFAULT_RETRY_POLICY;
		assert.equal(backoffDelay(0, p, () => 0.999), Math.floor(0.999 * 300));
		assert.equal(backoffDelay(3, p, () => 1), 2400);
		assert.equal(backoffDelay(10, p, () => 1), 8000, 'capped at maxDelayMs');
		assert.equal(backoffDelay(2, p, () => 0), 0);
	});

	it('reads Retry-After seconds and dates, then X-RateLimit-Reset', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		assert.equal(serverRequestedDelay(headers({ 'retry-after': '12' }), now), 12_000);
		assert.equal(serverRequestedDelay(headers({ 'retry-after': new Date(now + 3000).toUTCString() }), now), 3000);
		assert.equal(serverRequestedDelay(headers({ 'x-ratelimit-reset': '7' }), now), 7000);
		assert.equal(serverRequestedDelay(headers({ 'x-ratelimit-reset': String(now / 1000 + 9) }), now), 9000);
		assert.equal(serverRequestedDelay(headers({ 'retry-after': 'soon' }), now), undefined);
		assert.equal(serverRequestedDelay(headers({}), now), undefined);
	});

	it('retries only transient errors, at most maxRetries times', () => {
		const p = DEFAULT_RETRY_POLICY;
		const server = new PeriskopeApiError('server', 'x', { status: 500 });
		assert.notEqual(retryDelay(server, 0, p, () => 0.5), undefined);
		assert.equal(retryDelay(server, 3, p, () => 0.5), undefined);
		for (const kind of ['unauthorized', 'validation', 'notFound', 'badResponse', 'cancelled', 'http'] as const) {
			assert.equal(retryDelay(new PeriskopeApiError(kind, 'x'), 0, p, () => 0.5), undefined, kind);
		}
		assert.equal(retryDelay(new PeriskopeApiError('rateLimited', 'x', { retryAfterMs: 4000 }), 0, p, () => 0.5), 4000);
		assert.equal(retryDelay(new PeriskopeApiError('rateLimited', 'x', { retryAfterMs: 61_000 }), 0, p, () => 0.5), undefined);
	});
});
