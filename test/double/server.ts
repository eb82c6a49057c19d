// A stand-in for the Periskope contacts API (docs/periskope-api.md) on 127.0.0.1, used by
// the tests, the benchmark and the demo. Real HTTP, so the client's fetch, timeouts and
// socket errors are exercised as they would be against the real service.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contact } from '../../src/api/types';
import { apiError, applyMutation, Fault, FaultKind, FaultQueue, faultReply, hugeChunks, json, parseFaults, Reply, truncate } from './faults';
import { chatIdsFor, DOUBLE_ORG_ID, FIXED_CONTACTS, formatTimestamp, generateContacts, LABELS, labelFields } from './generator';
import { DEFAULT_OPTIONS, parseOptions, RuntimeOptions } from './options';

export type { Fault } from './faults';
export type { RuntimeOptions } from './options';

export interface ApiDoubleOptions {
	/** Contacts in the org; default 1000. The first are always FIXED_CONTACTS. */
	contacts?: number;
	/** Generator seed; default 1. */
	seed?: number;
	/** The one valid bearer token; default 'test-token'. */
	token?: string;
	/** 0 (default) picks a free port. */
	port?: number;
	/** Added before every API response. */
	latencyMs?: number;
	/** Fixed window per double; default 10000 requests per 60 s. */
	rateLimit?: { limit: number; windowMs: number };
	/** Reported `count` = real + skew, never below 0 (see RuntimeOptions; all can change later). */
	countSkew?: number;
	/** A larger `limit` is served as this many rows (a `limit` over 2000 is still a 422). */
	maxLimit?: number;
	/** `offset=1` is the first row, so a 0-based client sees one row twice per page. */
	oneBasedOffset?: boolean;
}

/** One API request as the double saw it. Never holds the token. */
export interface RequestRecord {
	method: string;
	/** Raw path, e.g. `/v1/contacts/919537851844`. */
	path: string;
	query: Record<string, string>;
	/** 0 until answered; stays 0 when dropped or the client went away first. */
	status: number;
	/** An Authorization header was sent (right or wrong); its value is never stored. */
	hadAuth: boolean;
	/** The header was exactly `Bearer <the double's token>`. */
	tokenMatched: boolean;
	/** The client went away before the answer was complete (not set when the double dropped it). */
	aborted?: boolean;
	/** Body bytes handed to the socket, for streamed (`huge`) answers only. */
	bytesSent?: number;
	/** The fault this request consumed, if any. */
	fault?: FaultKind;
	/** A write's JSON body as parsed (PATCH, POST), so tests can assert exactly what was sent. */
	body?: unknown;
	traceId: string;
}

export interface ApiDouble {
	/** Base URL including /v1, e.g. http://127.0.0.1:8787/v1 */
	readonly url: string;
	readonly port: number;
	readonly token: string;
	/** The live list, newest first; tests may change it and the next request sees it. */
	readonly contacts: Contact[];
	/** API requests in arrival order (control requests under /__double are not recorded). */
	readonly requests: RequestRecord[];
	/** Queues faults; each is used up by the next request it matches. Throws on a malformed fault. */
	fault(...faults: Fault[]): void;
	clearFaults(): void;
	/** The current run-time options (a copy). */
	readonly options: RuntimeOptions;
	/** Changes some options for the requests that follow; throws on a bad value, changing nothing. */
	setOptions(change: Partial<RuntimeOptions>): void;
	/** Stops listening and cuts open connections; safe to call twice. */
	close(): Promise<void>;
}

const MAX_LIMIT = 2000;
const MAX_BODY_BYTES = 1 << 20;

/** A fixed-window limiter like the API's `X-RateLimit-*` headers describe. */
class RateLimiter {
	private windowStart = 0;
	private used = 0;

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
	) {}

	private roll(now: number): void {
		if (now - this.windowStart >= this.windowMs) {
			this.windowStart = now;
			this.used = 0;
		}
	}

	/** Counts one request; false when the window's allowance is spent. */
	consume(now = Date.now()): boolean {
		this.roll(now);
		if (this.used >= this.limit) return false;
		this.used++;
		return true;
	}

	/** Seconds until the window resets, at least 1 so a client never spins. */
	resetSeconds(now = Date.now()): number {
		this.roll(now);
		return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
	}

	headers(now = Date.now()): Record<string, string> {
		this.roll(now);
		return {
			'X-RateLimit-Limit': String(this.limit),
			'X-RateLimit-Remaining': String(Math.max(0, this.limit - this.used)),
			'X-RateLimit-Reset': String(this.resetSeconds(now)),
		};
	}
}

class HttpError extends Error {
	constructor(readonly reply: Reply) {
		super(reply.body);
	}
}

function validationError(message: string, fields: Record<string, unknown> = {}): Reply {
	return json(422, { code: 'VALIDATION_ERROR', message, name: 'Validation Error', status: 422, fields });
}

/** A query number: undefined when absent or empty, NaN when not a whole number >= 0. */
function queryCount(raw: string | null): number | undefined {
	if (raw === null || raw === '') return undefined;
	return /^\d+$/.test(raw) ? Number(raw) : NaN;
}

/**
 * Comma-separated labels → names, deduped case-insensitively, in the org's casing where the org
 * has the label already (`VIP` sets `vip`); an unknown label is created as written.
 */
function parseLabels(text: string, orgLabels: ReadonlyMap<string, string>): string[] {
	const byKey = new Map<string, string>();
	for (const part of text.split(',')) {
		const name = part.trim();
		const key = name.toLowerCase();
		if (name && !byKey.has(key)) byKey.set(key, orgLabels.get(key) ?? name);
	}
	return [...byKey.values()];
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new HttpError(apiError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large')));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			if (!text.trim()) return resolve(undefined);
			try {
				resolve(JSON.parse(text));
			} catch {
				reject(new HttpError(apiError(400, 'BAD_REQUEST', 'Request body is not valid JSON')));
			}
		});
		req.on('error', reject);
	});
}

function asObject(body: unknown): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw new HttpError(validationError('Request body must be a JSON object'));
	}
	return body as Record<string, unknown>;
}

export async function startApiDouble(opts: ApiDoubleOptions = {}): Promise<ApiDouble> {
	const seed = opts.seed ?? 1;
	const token = opts.token ?? 'test-token';
	// latencyMs came unchecked before (the demo passes Number(flag)): anything odd means none.
	const startLatency = opts.latencyMs;
	const initial = parseOptions({
		countSkew: opts.countSkew,
		maxLimit: opts.maxLimit,
		oneBasedOffset: opts.oneBasedOffset,
		latencyMs: typeof startLatency === 'number' && Number.isFinite(startLatency) && startLatency > 0 ? Math.round(startLatency) : 0,
	});
	if (typeof initial === 'string') throw new TypeError(`API double: ${initial}`);
	const settings: RuntimeOptions = { ...DEFAULT_OPTIONS, ...initial };
	let stopping = false;
	const contacts = generateContacts(opts.contacts ?? 1000, { seed });
	const requests: RequestRecord[] = [];
	const faults = new FaultQueue();
	const limiter = new RateLimiter(opts.rateLimit?.limit ?? 10_000, opts.rateLimit?.windowMs ?? 60_000);
	// Pending waits (latency, delay faults), so close() can end them instead of waiting them out.
	const waits = new Set<() => void>();

	/** Resolves true after ms, or false early if the client hangs up or the double closes. */
	function wait(ms: number, res: http.ServerResponse): Promise<boolean> {
		return new Promise((resolve) => {
			const done = (ok: boolean) => {
				clearTimeout(timer);
				res.off('close', onClose);
				waits.delete(onClose);
				resolve(ok);
			};
			const onClose = () => done(false);
			const timer = setTimeout(() => done(true), ms);
			res.on('close', onClose);
			waits.add(onClose);
		});
	}

	/** The org's labels by lowercased name, first casing met: the generator's, then any created since. */
	function orgLabels(): Map<string, string> {
		const known = new Map<string, string>(LABELS.map((l) => [l.toLowerCase(), l]));
		for (const c of contacts) for (const l of c.labels) if (!known.has(l.toLowerCase())) known.set(l.toLowerCase(), l);
		return known;
	}

	function findContact(rawId: string): Contact | undefined {
		let id: string;
		try {
			id = decodeURIComponent(rawId);
		} catch {
			return undefined;
		}
		// The API takes the bare number; accept the full id too, as clients send both.
		// A linear scan, because tests may edit the list directly and an index would go stale.
		const candidates = id.includes('@') ? [id] : [`${id}@c.us`, `${id}@g.us`];
		return contacts.find((c) => candidates.includes(c.contact_id));
	}

	/** An edited contact is the newest, and the list is newest first: move it to the front. */
	function touch(contact: Contact): void {
		contact.updated_at = formatTimestamp(Date.now() * 1000);
		const index = contacts.indexOf(contact);
		if (index > 0) {
			contacts.splice(index, 1);
			contacts.unshift(contact);
		}
	}

	/** `rowCap`: a short-page fault's row count. */
	function listContacts(url: URL, rowCap?: number): Reply {
		const rawLimit = url.searchParams.get('limit');
		const rawOffset = url.searchParams.get('offset');
		const limit = queryCount(rawLimit) ?? MAX_LIMIT;
		const offset = queryCount(rawOffset) ?? 0;
		if (limit > MAX_LIMIT) {
			// The real API's wording, including its "less than" for a limit of at most 2000.
			return validationError('Limit should be less than 2000', { limit: { message: 'Limit should be less than 2000', value: rawLimit } });
		}
		if (Number.isNaN(limit) || limit < 1) {
			return validationError('Limit should be a positive integer', { limit: { message: 'Limit should be a positive integer', value: rawLimit } });
		}
		if (Number.isNaN(offset)) {
			return validationError('Offset should be a non-negative integer', { offset: { message: 'Offset should be a non-negative integer', value: rawOffset } });
		}
		const rows = Math.min(limit, settings.maxLimit ?? limit, rowCap ?? limit);
		const start = settings.oneBasedOffset ? Math.max(offset, 1) - 1 : offset;
		// Only the page is serialised, never the whole list: 100k contacts stay cheap to page.
		const page = contacts.slice(start, start + rows);
		const count = Math.max(0, contacts.length + settings.countSkew);
		// Rows are numbered from 1 as in the reference response; an empty page has to = from - 1.
		return json(200, { contacts: page, count, from: start + 1, to: start + page.length });
	}

	function getContact(rawId: string): Reply {
		const contact = findContact(rawId);
		if (!contact) return apiError(404, 'NOT_FOUND', 'Contact not found');
		return json(200, { ...contact, chat_ids: contact.chat_ids ?? chatIdsFor(contact.contact_id, seed) });
	}

	async function patchContact(rawId: string, raw: unknown): Promise<Reply> {
		const body = asObject(raw);
		const contact = findContact(rawId);
		if (!contact) return apiError(404, 'NOT_FOUND', 'Contact not found');
		const { contact_name, is_internal, labels } = body;
		if (contact_name === undefined && is_internal === undefined && labels === undefined) {
			return validationError('At least one of contact_name, is_internal or labels is required');
		}
		if (contact_name !== undefined && contact_name !== null && typeof contact_name !== 'string') {
			return validationError('contact_name should be a string', { contact_name: { message: 'should be a string', value: contact_name } });
		}
		if (is_internal !== undefined && typeof is_internal !== 'boolean') {
			return validationError('is_internal should be a boolean', { is_internal: { message: 'should be a boolean', value: is_internal } });
		}
		if (labels !== undefined && typeof labels !== 'string') {
			return validationError('labels should be a comma-separated string', { labels: { message: 'should be a string', value: labels } });
		}
		if (contact_name !== undefined) contact.contact_name = contact_name;
		if (is_internal !== undefined) contact.is_internal = is_internal;
		if (labels !== undefined) Object.assign(contact, labelFields(parseLabels(labels, orgLabels())));
		touch(contact);
		return json(200, contact);
	}

	async function patchLabels(raw: unknown): Promise<Reply> {
		const body = asObject(raw);
		const { labels, contact_ids } = body;
		if (typeof labels !== 'string') {
			return validationError('labels should be a comma-separated string', { labels: { message: 'should be a string', value: labels } });
		}
		if (!Array.isArray(contact_ids) || contact_ids.length === 0 || contact_ids.some((id) => typeof id !== 'string')) {
			return validationError('contact_ids should be a non-empty array of strings', { contact_ids: { message: 'should be a non-empty array of strings', value: contact_ids } });
		}
		const names = parseLabels(labels, orgLabels());
		// Unknown ids are skipped, as a bulk update over a changing list would have to.
		for (const id of contact_ids as string[]) {
			const contact = findContact(encodeURIComponent(id));
			if (contact) {
				Object.assign(contact, labelFields(names));
				touch(contact);
			}
		}
		return { status: 204 };
	}

	async function createContact(raw: unknown): Promise<Reply> {
		const body = asObject(raw);
		const { contact_name, contact_id, is_internal, labels } = body;
		if (typeof contact_id !== 'string' || !/^\d{6,15}(@c\.us)?$/.test(contact_id)) {
			return validationError('contact_id should be a phone number with country code', { contact_id: { message: 'invalid phone number', value: contact_id } });
		}
		if (typeof contact_name !== 'string' || !contact_name.trim()) {
			return validationError('contact_name is required', { contact_name: { message: 'required', value: contact_name } });
		}
		if (is_internal !== undefined && typeof is_internal !== 'boolean') {
			return validationError('is_internal should be a boolean', { is_internal: { message: 'should be a boolean', value: is_internal } });
		}
		if (labels !== undefined && typeof labels !== 'string') {
			return validationError('labels should be a comma-separated string', { labels: { message: 'should be a string', value: labels } });
		}
		const id = contact_id.endsWith('@c.us') ? contact_id : `${contact_id}@c.us`;
		if (findContact(id)) return apiError(409, 'CONFLICT', 'Contact already exists');
		const contact: Contact = {
			contact_color: '#25D366',
			contact_id: id,
			contact_image: null,
			contact_name,
			contact_type: 'user',
			is_imported: true,
			is_internal: is_internal ?? null,
			is_my_contact: null,
			is_wa_contact: null,
			...labelFields(parseLabels(labels ?? '', orgLabels())),
			org_id: DOUBLE_ORG_ID,
			updated_at: formatTimestamp(Date.now() * 1000),
		};
		contacts.unshift(contact);
		return json(200, contact);
	}

	/** The API proper: auth, rate limit, then the route. */
	async function route(req: http.IncomingMessage, method: string, url: URL, record: RequestRecord, rowCap?: number): Promise<Reply> {
		const auth = req.headers.authorization;
		if (!auth) return apiError(401, 'UNAUTHORIZED', 'Missing Authorization header');
		if (auth !== `Bearer ${token}`) return apiError(401, 'UNAUTHORIZED', 'Invalid API key');
		if (!limiter.consume()) {
			const reply = apiError(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests, please try again later.');
			reply.headers = { 'Retry-After': String(limiter.resetSeconds()) };
			return reply;
		}
		const path = url.pathname.replace(/\/+$/, '');
		if (path === '/v1/contacts' && method === 'GET') return listContacts(url, rowCap);
		const single = /^\/v1\/contacts\/([^/]+)$/.exec(path);
		if (single && method === 'GET') return getContact(single[1]);
		const write = (path === '/v1/contacts/create' && method === 'POST') || (single && method === 'PATCH');
		if (!write) return apiError(404, 'NOT_FOUND', `Cannot ${method} ${url.pathname}`);
		const body = await readBody(req);
		record.body = body;
		if (path === '/v1/contacts/create') return createContact(body);
		if (path === '/v1/contacts/labels') return patchLabels(body);
		return patchContact(single![1], body);
		return apiError(404, 'NOT_FOUND', `Cannot ${method} ${url.pathname}`);
	}

	/** Test controls for other processes (demo, integration tests): same token, not rate limited, not recorded. */
	async function control(req: http.IncomingMessage, method: string, url: URL): Promise<Reply> {
		if (req.headers.authorization !== `Bearer ${token}`) return apiError(401, 'UNAUTHORIZED', 'Invalid API key');
		if (url.pathname === '/__double/faults') {
			if (method === 'GET') return json(200, faults.pending);
			if (method === 'DELETE') {
				faults.clear();
				return { status: 204 };
			}
			if (method === 'POST') {
				const parsed = parseFaults(await readBody(req));
				if (typeof parsed === 'string') return validationError(parsed);
				faults.push(...parsed);
				return { status: 204 };
			}
		}
		if (url.pathname === '/__double/options') {
			if (method === 'GET') return json(200, settings);
			if (method === 'POST') {
				const change = parseOptions(await readBody(req));
				if (typeof change === 'string') return apiError(400, 'BAD_REQUEST', change);
				Object.assign(settings, change);
				return json(200, settings);
			}
		}
		if (url.pathname === '/__double/requests' && method === 'GET') return json(200, requests);
		return apiError(404, 'NOT_FOUND', `Cannot ${method} ${url.pathname}`);
	}

	/** A bad request body (HttpError) becomes its reply; anything else is a bug and a 500. */
	async function orError(pending: Promise<Reply>): Promise<Reply> {
		try {
			return await pending;
		} catch (error) {
			return error instanceof HttpError ? error.reply : apiError(500, 'INTERNAL_SERVER_ERROR', String(error));
		}
	}

	function send(res: http.ServerResponse, reply: Reply, traceId: string): void {
		if (res.destroyed || res.headersSent) return;
		const headers: Record<string, string> = reply.bare
			? {}
			: { ...limiter.headers(), 'x-periskope-org-id': DOUBLE_ORG_ID, 'x-periskope-trace-id': traceId };
		Object.assign(headers, reply.headers);
		if (reply.body !== undefined && reply.status !== 204) {
			headers['Content-Type'] = reply.contentType ?? 'application/json; charset=utf-8';
			headers['Content-Length'] = String(Buffer.byteLength(reply.body));
			res.writeHead(reply.status, headers).end(reply.body);
		} else {
			res.writeHead(reply.status, headers).end();
		}
	}

	/** Resolves true when the socket takes more, false when the response closed first. */
	function drained(res: http.ServerResponse): Promise<boolean> {
		return new Promise((resolve) => {
			const done = (ok: boolean) => {
				res.off('drain', onDrain);
				res.off('close', onClose);
				resolve(ok);
			};
			const onDrain = () => done(true);
			const onClose = () => done(false);
			res.on('drain', onDrain);
			res.on('close', onClose);
		});
	}

	/** A `huge` fault: a 200 whose body is made as it is sent, with backpressure, until done or the client leaves. */
	async function streamHuge(res: http.ServerResponse, bytes: number, record: RequestRecord, traceId: string): Promise<void> {
		if (res.destroyed) return;
		// No Content-Length (chunked): the client only finds out how big it is by reading.
		res.writeHead(200, { ...limiter.headers(), 'x-periskope-org-id': DOUBLE_ORG_ID, 'x-periskope-trace-id': traceId, 'Content-Type': 'application/json; charset=utf-8' });
		record.status = 200;
		record.bytesSent = 0;
		for (const chunk of hugeChunks(bytes, contacts[0] ?? FIXED_CONTACTS[0])) {
			if (res.destroyed) return;
			const more = res.write(chunk);
			record.bytesSent += chunk.length;
			if (!more && !(await drained(res))) return;
		}
		res.end();
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const traceId = randomUUID();
		if (url.pathname.startsWith('/__double/')) {
			send(res, await orError(control(req, method, url)), traceId);
			return;
		}
		const record: RequestRecord = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			status: 0,
			hadAuth: req.headers.authorization !== undefined,
			tokenMatched: req.headers.authorization === `Bearer ${token}`,
			traceId,
		};
		requests.push(record);
		let dropped = false;
		res.on('close', () => {
			if (!res.writableFinished && !dropped && !stopping) record.aborted = true;
		});
		if (settings.latencyMs > 0 && !(await wait(settings.latencyMs, res))) return;

		// Faults act before auth and rate limiting, as a proxy or an overloaded backend would.
		const fault = faults.take(method, url.pathname);
		let reply: Reply | undefined;
		if (fault) {
			record.fault = fault.kind;
			if (fault.kind === 'drop') {
				dropped = true;
				req.socket.destroy();
				return;
			}
			if (fault.kind === 'huge') return streamHuge(res, fault.bytes, record, traceId);
			if (fault.kind === 'lost-reply') {
				// The request is served (a write is applied), then the answer never arrives.
				const served = await orError(route(req, method, url, record));
				record.status = served.status;
				dropped = true;
				req.socket.destroy();
				return;
			}
			if (fault.kind === 'delay' && !(await wait(fault.ms, res))) return;
			if (fault.kind === 'mutate') applyMutation(contacts, fault, seed);
			reply = faultReply(fault);
		}
		reply ??= await orError(route(req, method, url, record, fault?.kind === 'short' ? fault.rows : undefined));
		if (fault?.kind === 'malformed-json') reply = truncate(reply);
		record.status = reply.status;
		send(res, reply, traceId);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => send(res, apiError(500, 'INTERNAL_SERVER_ERROR', String(error)), randomUUID()));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;

	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		port,
		token,
		contacts,
		requests,
		fault: (...f) => {
			// The same checks as over HTTP: a NaN or negative count would otherwise misbehave quietly.
			const parsed = parseFaults(f);
			if (typeof parsed === 'string') throw new TypeError(`API double: ${parsed}`);
			faults.push(...parsed);
		},
		clearFaults: () => faults.clear(),
		get options() {
			return { ...settings };
		},
		setOptions: (change) => {
			const parsed = parseOptions(change);
			if (typeof parsed === 'string') throw new TypeError(`API double: ${parsed}`);
			Object.assign(settings, parsed);
		},
		close: () => {
			stopping = true;
			closing ??= new Promise<void>((resolve) => {
				for (const end of [...waits]) end();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
