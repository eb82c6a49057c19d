// Faults the API double can inject: what each kind means, how a queued fault picks the
// request it hits, and the reply it turns into. Each fault is used up by one request,
// so a test says exactly how many failures a client has to survive.
import type { Contact } from '../../src/api/types';
import { ContactFactory, parseTimestamp } from './generator';

/** Optional targeting: the fault waits for a request that matches. */
export interface FaultMatch {
	/** Path prefix, with or without `/v1`: `/contacts/` hits single-contact calls only. */
	path?: string;
	/** HTTP method, any case. */
	method?: string;
}

export type Fault = FaultMatch &
	(
		| {
				kind: '429';
				/** Retry-After: seconds, or an HTTP date string; default 1; null sends none. */
				retryAfter?: number | string | null;
				/** X-RateLimit-Reset override (seconds until reset). */
				reset?: number;
		  }
		| { kind: '500' | '502' | '503'; retryAfter?: number | string }
		/** Destroy the socket without answering. */
		| { kind: 'drop' }
		/** Hold the request for `ms`, then answer it normally. */
		| { kind: 'delay'; ms: number }
		/** 200 with the real answer cut in half. */
		| { kind: 'malformed-json' }
		/** A proxy's 502 HTML page, without the API's headers. */
		| { kind: 'html' }
		/** 200 JSON that is not a contacts page; default `{"data":[]}`. */
		| { kind: 'wrong-shape'; body?: unknown }
		/** Change the list, then answer normally: `insert` new contacts at the front, `remove` rows from index `at` (default 0). */
		| { kind: 'mutate'; insert?: number; remove?: number; at?: number }
		/** Any status; an object body is sent as JSON, a string as text/plain. */
		| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
	);

export type FaultKind = Fault['kind'];

/** A prepared HTTP answer; the server adds the common headers unless `bare`. */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string;
	contentType?: string;
	/** No rate-limit / org / trace headers: the reply did not come from the API. */
	bare?: boolean;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
	return { status, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8', headers };
}

export function apiError(status: number, code: string, message: string): Reply {
	return json(status, { code, message, status });
}

const KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'drop', 'delay', 'malformed-json', 'html', 'wrong-shape', 'mutate', 'status'];

function stripVersion(path: string): string {
	return path.startsWith('/v1/') || path === '/v1' ? path.slice(3) || '/' : path;
}

export function faultMatches(fault: Fault, method: string, path: string): boolean {
	if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
	if (fault.path && !stripVersion(path).startsWith(stripVersion(fault.path))) return false;
	return true;
}

/** Faults waiting for their request, first queued first used. */
export class FaultQueue {
	private queue: Fault[] = [];

	push(...faults: Fault[]): void {
		this.queue.push(...faults);
	}

	clear(): void {
		this.queue = [];
	}

	get pending(): readonly Fault[] {
		return this.queue;
	}

	/** Removes and returns the first fault this request matches. */
	take(method: string, path: string): Fault | undefined {
		const index = this.queue.findIndex((f) => faultMatches(f, method, path));
		return index < 0 ? undefined : this.queue.splice(index, 1)[0];
	}
}

function isCount(v: unknown): v is number {
	return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Checks faults that arrive as JSON over `POST /__double/faults` (one object or an array).
 * Returns the faults, or a message saying what is wrong with the first bad one.
 */
export function parseFaults(input: unknown): Fault[] | string {
	const items = Array.isArray(input) ? input : [input];
	const faults: Fault[] = [];
	for (const [i, item] of items.entries()) {
		const where = `fault ${i}`;
		if (typeof item !== 'object' || item === null) return `${where}: not an object`;
		const f = item as Record<string, unknown>;
		if (!KINDS.includes(f.kind as FaultKind)) return `${where}: kind must be one of ${KINDS.join(', ')}`;
		if (f.path !== undefined && typeof f.path !== 'string') return `${where}: path must be a string`;
		if (f.method !== undefined && typeof f.method !== 'string') return `${where}: method must be a string`;
		const retryAfter = f.retryAfter;
		if (retryAfter !== undefined && retryAfter !== null && typeof retryAfter !== 'number' && typeof retryAfter !== 'string') {
			return `${where}: retryAfter must be seconds or an HTTP date`;
		}
		if (f.kind === 'delay' && !isCount(f.ms)) return `${where}: delay needs ms >= 0`;
		if (f.kind === '429' && f.reset !== undefined && !isCount(f.reset)) return `${where}: reset must be seconds >= 0`;
		if (f.kind === 'mutate') {
			for (const key of ['insert', 'remove', 'at']) {
				if (f[key] !== undefined && !isCount(f[key])) return `${where}: ${key} must be a count >= 0`;
			}
		}
		if (f.kind === 'status') {
			if (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 200 || f.status > 599) {
				return `${where}: status must be an HTTP status 200-599`;
			}
			if (f.headers !== undefined && (typeof f.headers !== 'object' || f.headers === null || Object.values(f.headers).some((v) => typeof v !== 'string'))) {
				return `${where}: headers must map names to strings`;
			}
		}
		faults.push(item as Fault);
	}
	return faults;
}

const PROXY_PAGE =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const SERVER_ERRORS = {
	'500': ['INTERNAL_SERVER_ERROR', 'Internal server error'],
	'502': ['BAD_GATEWAY', 'Bad gateway'],
	'503': ['SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
} as const;

/**
 * The reply for a fault that replaces the answer. Undefined for the kinds that let the
 * request through (delay, mutate, malformed-json) or answer nothing (drop).
 */
export function faultReply(fault: Fault): Reply | undefined {
	switch (fault.kind) {
		case '429': {
			const reply = apiError(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests, please try again later.');
			const retryAfter = fault.retryAfter === undefined ? 1 : fault.retryAfter;
			reply.headers = { 'X-RateLimit-Remaining': '0' };
			if (retryAfter !== null) reply.headers['Retry-After'] = String(retryAfter);
			if (fault.reset !== undefined) reply.headers['X-RateLimit-Reset'] = String(fault.reset);
			return reply;
		}
		case '500':
		case '502':
		case '503': {
			const [code, message] = SERVER_ERRORS[fault.kind];
			const reply = apiError(Number(fault.kind), code, message);
			if (fault.retryAfter !== undefined) reply.headers = { 'Retry-After': String(fault.retryAfter) };
			return reply;
		}
		case 'html':
			return { status: 502, body: PROXY_PAGE, contentType: 'text/html', bare: true, headers: { Server: 'nginx' } };
		case 'wrong-shape':
			return json(200, fault.body === undefined ? { data: [] } : fault.body);
		case 'status': {
			const body = fault.body === undefined ? { code: 'ERROR', message: `Injected status ${fault.status}`, status: fault.status } : fault.body;
			const reply: Reply =
				typeof body === 'string' ? { status: fault.status, body, contentType: 'text/plain; charset=utf-8' } : json(fault.status, body);
			reply.headers = fault.headers;
			return reply;
		}
		case 'drop':
		case 'delay':
		case 'malformed-json':
		case 'mutate':
			return undefined;
	}
}

/** The real answer with its body cut in half: valid HTTP, invalid JSON. */
export function truncate(reply: Reply): Reply {
	const body = reply.body || '{"contacts":[{"contact_id":"1@c.us"}],"count":1,"from":1,"to":1}';
	return { ...reply, status: 200, contentType: 'application/json; charset=utf-8', body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
}

/**
 * Changes the live list in place, as other users of the org would: removes `remove` rows
 * from index `at`, then puts `insert` new, newer contacts at the front.
 */
export function applyMutation(contacts: Contact[], fault: Extract<Fault, { kind: 'mutate' }>, seed: number): void {
	if (fault.remove) contacts.splice(fault.at ?? 0, fault.remove);
	const insert = fault.insert ?? 0;
	if (insert === 0) return;
	const newest = contacts.reduce((max, c) => Math.max(max, parseTimestamp(c.updated_at) ?? 0), 0);
	const factory = new ContactFactory(seed + contacts.length * 7919, new Set(contacts.map((c) => c.contact_id)));
	const fresh: Contact[] = [];
	for (let i = 0; i < insert; i++) fresh.push(factory.make(newest + (insert - i) * 1_000_000));
	// Shift in place rather than unshift(...fresh): spreading a large insert overflows the call stack.
	const oldLength = contacts.length;
	contacts.length = oldLength + insert;
	for (let i = oldLength - 1; i >= 0; i--) contacts[i + insert] = contacts[i];
	for (let i = 0; i < insert; i++) contacts[i] = fresh[i];
}
