// Settings as the user may have written them: settings.json can hold anything. Pure, so the
// rules are unit-tested; config.ts reads through these.

/** A whole number within [min, max]; anything not a finite number (or numeric string) gives the fallback. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, Math.round(n)));
}

export const TIMEOUT_SECONDS = { min: 1, max: 300, fallback: 30 } as const;
/** The API's maximum is the default: over a real network each page costs a round trip. */
export const PAGE_SIZE = { min: 1, fallback: 2000 } as const;
/** 0: always revalidate the cache on start (in the background); at most 30 days. */
export const CACHE_MAX_AGE_MINUTES = { min: 0, max: 30 * 24 * 60, fallback: 0 } as const;
