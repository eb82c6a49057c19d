// Faults the API double can inject: what each kind means, how a queued fault picks the
// request it hits, and the reply it turns into. Each fault is used up by one request,
// so a test says exactly how many failures a client has to survive.
import type { Contact } from '../../src/api/types';
import { ContactFactory, formatTimestamp, parseTimestamp } from './generator';

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
		/** Change the list, then answer normally; see applyMutation for what each field does and in which order. */
		| {
				kind: 'mutate';
				/** New contacts put at the front (newest). */
				insert?: number;
				/** Rows removed from index `at` (default 0). */
				remove?: number;
				at?: number;
				/** Rows edited from index `editAt` (default: the last `edit` rows, those a walk reads last). */
				edit?: number;
				editAt?: number;
				/** Contacts edited by id (full or bare number); unknown ids are skipped. */
				editIds?: string[];
		  }
		/** Any status; an object body is sent as JSON, a string as text/plain. */
		| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
		/** A redirect (default 302) to `location`, bare like a proxy or load balancer would send it. */
		| { kind: 'redirect'; status?: RedirectStatus; location: string }
		/** 200 JSON that never closes: `bytes` bytes of `{"contacts":[{...},{...},...`, streamed. */
		| { kind: 'huge'; bytes: number }
		/** The next list request gets only `rows` rows; `count` stays the real one. */
		| { kind: 'short'; rows: number }
		/** Serve the request (a write is applied), then drop the connection instead of answering. */
		| { kind: 'lost-reply' }
	);

export type RedirectStatus = 301 | 302 | 307 | 308;
const REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];

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

const KINDS: readonly FaultKind[] = [
	'429', '500', '502', '503', 'drop', 'delay', 'malformed-json', 'html', 'wrong-shape', 'mutate', 'status', 'redirect', 'huge', 'short', 'lost-reply',
];

function stripVersion(path: string): string {
	return path.startsWith('/v1/') || path === '/v1' ? path.slice(3) || '/' : path;
}

/** `GET /v1/contacts`, the only request a short page means anything for. */
function isListRequest(method: string, path: string): boolean {
	return method.toUpperCase() === 'GET' && path.replace(/\/+$/, '') === '/v1/contacts';
}

export function faultMatches(fault: Fault, method: string, path: string): boolean {
	if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
	if (fault.path && !stripVersion(path).startsWith(stripVersion(fault.path))) return false;
	// Otherwise a single-contact read in between would use it up with no effect.
	if (fault.kind === 'short' && !isListRequest(method, path)) return false;
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
	return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** setTimeout's ceiling: a longer wait would fire at once (with a warning) instead of never. */
export const MAX_WAIT_MS = 2 ** 31 - 1;

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
		if (f.kind === 'delay' && !(isCount(f.ms) && f.ms <= MAX_WAIT_MS)) return `${where}: delay needs ms from 0 to ${MAX_WAIT_MS}`;
		if (f.kind === '429' && f.reset !== undefined && !isCount(f.reset)) return `${where}: reset must be seconds >= 0`;
		if (f.kind === 'mutate') {
			for (const key of ['insert', 'remove', 'at', 'edit', 'editAt']) {
				if (f[key] !== undefined && !isCount(f[key])) return `${where}: ${key} must be a count >= 0`;
			}
			if (f.editIds !== undefined && (!Array.isArray(f.editIds) || f.editIds.some((id) => typeof id !== 'string' || !id))) {
				return `${where}: editIds must be an array of contact ids`;
			}
		}
		if (f.kind === 'redirect') {
			if (f.status !== undefined && !REDIRECT_STATUSES.includes(f.status as number)) return `${where}: redirect status must be one of ${REDIRECT_STATUSES.join(', ')}`;
			// Printable ASCII only: anything else cannot go in a header (Node would throw on it).
			if (typeof f.location !== 'string' || !/^[\x20-\x7e]{1,8192}$/.test(f.location)) return `${where}: location must be a printable ASCII string`;
		}
		if (f.kind === 'huge' && !isCount(f.bytes)) return `${where}: huge needs bytes >= 0`;
		if (f.kind === 'short' && !isCount(f.rows)) return `${where}: short needs rows >= 0`;
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
		case 'redirect':
			return { status: fault.status ?? 302, headers: { Location: fault.location }, bare: true };
		case 'drop':
		case 'delay':
		case 'malformed-json':
		case 'mutate':
		case 'huge':
		case 'short':
		case 'lost-reply':
			return undefined;
	}
}

const HUGE_PREFIX = Buffer.from('{"contacts":[');
const HUGE_CHUNK_BYTES = 64 * 1024;

/**
 * The body of a `huge` fault, `bytes` long in all, made lazily: the prefix, then one chunk of
 * whole `sample,` repeats sent over and over (so the joins stay valid JSON), the last one cut.
 */
export function* hugeChunks(bytes: number, sample: unknown): Generator<Buffer> {
	let left = bytes;
	const unit = JSON.stringify(sample) + ',';
	const chunk = Buffer.from(unit.repeat(Math.max(1, Math.ceil(HUGE_CHUNK_BYTES / Buffer.byteLength(unit)))));
	if (left <= HUGE_PREFIX.length) {
		if (left > 0) yield HUGE_PREFIX.subarray(0, left);
		return;
	}
	yield HUGE_PREFIX;
	left -= HUGE_PREFIX.length;
	while (left > 0) {
		const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
		left -= part.length;
		yield part;
	}
}

/** The real answer with its body cut in half: valid HTTP, invalid JSON. */
export function truncate(reply: Reply): Reply {
	const body = reply.body || '{"contacts":[{"contact_id":"1@c.us"}],"count":1,"from":1,"to":1}';
	return { ...reply, status: 200, contentType: 'application/json; charset=utf-8', body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
}

const EDIT_SUFFIX = / \(edit (\d+)\)$/;

/** `Ada` → `Ada (edit 1)` → `Ada (edit 2)`; a null name becomes `(edit 1)`. */
export function editedName(name: string | null): string {
	const current = name ?? '';
	const match = EDIT_SUFFIX.exec(current);
	const n = match ? Number(match[1]) + 1 : 1;
	return `${match ? current.slice(0, match.index) : current} (edit ${n})`.trimStart();
}

function newestTime(contacts: readonly Contact[]): number {
	let newest = 0;
	for (const c of contacts) newest = Math.max(newest, parseTimestamp(c.updated_at) ?? 0);
	return newest;
}

/** Edits the chosen rows and moves them to the front, in the order they had, newest first. */
function editRows(contacts: Contact[], fault: Extract<Fault, { kind: 'mutate' }>): void {
	const chosen = new Set<number>();
	if (fault.edit) {
		const start = fault.editAt ?? Math.max(0, contacts.length - fault.edit);
		for (let i = start; i < Math.min(contacts.length, start + fault.edit); i++) chosen.add(i);
	}
	if (fault.editIds?.length) {
		const indexOf = new Map<string, number>();
		contacts.forEach((c, i) => indexOf.set(c.contact_id, i));
		for (const id of fault.editIds) {
			const index = [id, `${id}@c.us`, `${id}@g.us`].map((k) => indexOf.get(k)).find((i) => i !== undefined);
			if (index !== undefined) chosen.add(index);
		}
	}
	if (chosen.size === 0) return;
	const newest = newestTime(contacts);
	const edited = [...chosen].sort((a, b) => a - b).map((i) => contacts[i]);
	edited.forEach((c, k) => {
		// Strictly later than every row, and the first edited the newest, so the order stays newest first.
		c.updated_at = formatTimestamp(newest + (edited.length - k) * 1_000_000);
		c.contact_name = editedName(c.contact_name);
	});
	// Rewrite in place (the server and the test share this array); no spreading, it may be 100k rows.
	const rest = contacts.filter((_, i) => !chosen.has(i));
	let w = 0;
	for (const c of edited) contacts[w++] = c;
	for (const c of rest) contacts[w++] = c;
}

/**
 * Changes the live list in place, as other users of the org would, in this order:
 * 1. removes `remove` rows from index `at` (default 0);
 * 2. edits `edit` rows from index `editAt` (default: the last ones) and the `editIds`
 *    contacts: each gets a later `updated_at` than any row and a new name suffix
 *    (`(edit 1)`, `(edit 2)`…) and moves to the front, as the API lists newest first;
 * 3. puts `insert` new contacts, newer still, at the front.
 * Indexes count in the list as it is at that step.
 */
export function applyMutation(contacts: Contact[], fault: Extract<Fault, { kind: 'mutate' }>, seed: number): void {
	if (fault.remove) contacts.splice(fault.at ?? 0, fault.remove);
	editRows(contacts, fault);
	const insert = fault.insert ?? 0;
	if (insert === 0) return;
	const newest = newestTime(contacts);
	const factory = new ContactFactory(seed + contacts.length * 7919, new Set(contacts.map((c) => c.contact_id)));
	const fresh: Contact[] = [];
	for (let i = 0; i < insert; i++) fresh.push(factory.make(newest + (insert - i) * 1_000_000));
	// Shift in place rather than unshift(...fresh): spreading a large insert overflows the call stack.
	const oldLength = contacts.length;
	contacts.length = oldLength + insert;
	for (let i = oldLength - 1; i >= 0; i--) contacts[i + insert] = contacts[i];
	for (let i = 0; i < insert; i++) contacts[i] = fresh[i];
}
