// When and how long to wait before retrying a GET. Pure, so tests drive it with a fake
// clock and random source instead of real sleeps.
import { PeriskopeApiError } from './errors';

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** Backoff base: attempt n waits random() * min(maxDelayMs, baseDelayMs * 2^n). */
	baseDelayMs: number;
	maxDelayMs: number;
	/** The longest server-requested wait (Retry-After, X-RateLimit-Reset) we honour; longer ones fail fast. */
	maxServerDelayMs: number;
	/** A 429 that says nothing of when to come back waits at least this long (plus jitter). */
	rateLimitFloorMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	baseDelayMs: 300,
	maxDelayMs: 8_000,
	maxServerDelayMs: 60_000,
	rateLimitFloorMs: 5_000,
};

/** Full-jitter exponential backoff (AWS architecture blog's "full jitter"). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.floor(random() * ceiling);
}

/**
 * The wait a 429/503 asks for, in ms: `Retry-After` (seconds or HTTP date) first, then
 * `X-RateLimit-Reset` (seconds until reset, or an epoch time in seconds/ms). Undefined if neither parses.
 */
export function serverRequestedDelay(headers: { get(name: string): string | null }, now: number): number | undefined {
	const retryAfter = headers.get('retry-after')?.trim();
	if (retryAfter) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const reset = headers.get('x-ratelimit-reset')?.trim();
	if (reset && /^\d+(\.\d+)?$/.test(reset)) {
		const value = Number(reset);
		if (value > 1e12) return Math.max(0, value - now); // epoch ms
		if (value > 1e9) return Math.max(0, value * 1000 - now); // epoch seconds
		return Math.ceil(value * 1000); // seconds from now
	}
	return undefined;
}

/** How long to wait before retry number `attempt` (0-based), or undefined to give up. */
export function retryDelay(error: PeriskopeApiError, attempt: number, policy: RetryPolicy, random: () => number): number | undefined {
	if (!error.retryable || attempt >= policy.maxRetries) return undefined;
	if (error.retryAfterMs !== undefined) {
		return error.retryAfterMs <= policy.maxServerDelayMs ? error.retryAfterMs : undefined;
	}
	// Hammering a rate limiter after 0.3 s only earns another 429.
	if (error.kind === 'rateLimited') return policy.rateLimitFloorMs + backoffDelay(attempt, policy, random);
	return backoffDelay(attempt, policy, random);
}

/** A sleep that ends early, rejecting, when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(cancelledError());
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(cancelledError());
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export function cancelledError(): PeriskopeApiError {
	return new PeriskopeApiError('cancelled', 'The request was cancelled.');
}
