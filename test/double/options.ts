// Settings of a running double that a test may change between requests, in process
// (`double.setOptions`) or from another process (`POST /__double/options`): how the list
// endpoint bends the truth, and the latency of every answer.
import { MAX_WAIT_MS } from './faults';

export interface RuntimeOptions {
	/** Added to the real `count` (may be negative; the reported count never goes below 0). */
	countSkew: number;
	/** Pages are cut to this many rows whatever `limit` asked for; null = no cap below 2000. */
	maxLimit: number | null;
	/** `offset=1` is the first row (0 counts as 1), as some APIs do; from/to follow the rows served. */
	oneBasedOffset: boolean;
	/** Added before every API response. */
	latencyMs: number;
}

export const DEFAULT_OPTIONS: Readonly<RuntimeOptions> = Object.freeze({ countSkew: 0, maxLimit: null, oneBasedOffset: false, latencyMs: 0 });

const CHECKS: Record<keyof RuntimeOptions, [(v: unknown) => boolean, string]> = {
	countSkew: [(v) => Number.isSafeInteger(v), 'countSkew must be a whole number (negative allowed)'],
	maxLimit: [(v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 1), 'maxLimit must be a whole number >= 1, or null for none'],
	oneBasedOffset: [(v) => typeof v === 'boolean', 'oneBasedOffset must be true or false'],
	latencyMs: [(v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_WAIT_MS, `latencyMs must be a whole number from 0 to ${MAX_WAIT_MS}`],
};

/**
 * Checks a change of options (from JSON or a test): an object of known keys with sane values;
 * absent keys stay as they are. Returns the change, or a message saying what is wrong.
 */
export function parseOptions(input: unknown): Partial<RuntimeOptions> | string {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'options must be a JSON object';
	const change: Partial<RuntimeOptions> = {};
	for (const [key, value] of Object.entries(input)) {
		// Own keys only, so `__proto__` or `toString` are unknown rather than looked up.
		const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof RuntimeOptions] : undefined;
		if (!check) return `unknown option ${JSON.stringify(key).slice(0, 60)}; known: ${Object.keys(CHECKS).join(', ')}`;
		if (value === undefined) continue;
		if (!check[0](value)) return check[1];
		(change as Record<string, unknown>)[key] = value;
	}
	return change;
}
