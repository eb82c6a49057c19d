// HTTP client for the Periskope contacts API, on node-fetch. Every failure becomes a
// PeriskopeApiError; GETs retry transient failures; the token only ever goes into the
// Authorization header.
import type { Response } from 'node-fetch';
import { BaseUrl, parseBaseUrl } from './baseUrl';
import { PeriskopeApiError } from './errors';
import { plainServerText, traceIdOf } from './serverText';
import { abortableSleep, cancelledError, DEFAULT_RETRY_POLICY, retryDelay, RetryPolicy, serverRequestedDelay } from './retry';
import { MAX_PAGE_LIMIT, type Contact } from './types';
import { parseContact, parseContactPage, ParsedPage, ShapeError } from './validate';

// node-fetch and the Node modules under it (http, https, zlib, stream …) cost more than the rest of
// the bundle to load: they load with the first request, not with activation.
let fetchModule: Promise<typeof import('node-fetch').default> | undefined;
function loadFetch(): Promise<typeof import('node-fetch').default> {
	return (fetchModule ??= import('node-fetch').then((m) => m.default));
}

/** One finished HTTP attempt, for the log. Carries no header values. */
export interface RequestLogLine {
	method: string;
	path: string;
	status: number | 'error';
	ms: number;
	traceId?: string;
	attempt: number;
	error?: string;
}

/** The fields `PATCH /contacts/{id}` changes (labels go through setLabels). */
export interface ContactUpdate {
	contact_name?: string;
	is_internal?: boolean;
}

export interface RetryNotice {
	attempt: number;
	delayMs: number;
	error: PeriskopeApiError;
}

/** Where a request is about to go, so the token's owner can decide whether it may. */
export interface TokenTarget {
	origin: string;
	host: string;
}

/** A 2,000-contact page is ~1.2 MB; anything near this is not a page. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface PeriskopeClientOptions {
	/** e.g. https://api.periskope.app/v1; a refused URL makes every request fail with kind 'config'. */
	baseUrl: string | BaseUrl;
	/**
	 * Read on every request, so a replaced token takes effect at once. Told where the request
	 * goes; may throw (kind 'tokenWithheld') to send nothing.
	 */
	getToken: (target: TokenTarget) => string | undefined | Promise<string | undefined>;
	timeoutMs?: number;
	/** Response bodies above this fail with kind 'badResponse' and the connection is dropped. */
	maxBodyBytes?: number;
	retry?: Partial<RetryPolicy>;
	userAgent?: string;
	onRequest?: (line: RequestLogLine) => void;
	onRetry?: (notice: RetryNotice) => void;
	// Seams for tests.
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	random?: () => number;
	now?: () => number;
}

export interface RequestOptions {
	signal?: AbortSignal;
	/** Told before each retry wait, e.g. to show "rate limited, retrying in 12 s". */
	onRetry?: (notice: RetryNotice) => void;
	/** Told when a successful response starts, before its body is read (the pager reads ahead then). */
	onResponse?: (info: ResponseInfo) => void;
}

/** What the headers of a successful response say, before its body arrives. */
export interface ResponseInfo {
	/** X-RateLimit-Remaining, when the server sent a number. */
	rateLimitRemaining?: number;
}

export class PeriskopeClient {
	private readonly base: BaseUrl;
	private readonly policy: RetryPolicy;
	private readonly maxBodyBytes: number;
	private readonly timeoutMs: number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private readonly random: () => number;
	private readonly now: () => number;

	constructor(private readonly options: PeriskopeClientOptions) {
		this.base = typeof options.baseUrl === 'string' ? parseBaseUrl(options.baseUrl) : options.baseUrl;
		this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
		this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.timeoutMs = options.timeoutMs ?? 30_000;
		this.sleep = options.sleep ?? abortableSleep;
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
	}

	/** `GET /contacts?offset&limit`: one page. `limit` must be 1..2000. */
	async listContacts(offset: number, limit: number, opts: RequestOptions = {}): Promise<ParsedPage> {
		if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
			throw new PeriskopeApiError('validation', `Page size must be between 1 and ${MAX_PAGE_LIMIT}, not ${limit}.`);
		}
		const path = `/contacts?offset=${Math.max(0, Math.floor(offset))}&limit=${limit}`;
		const body = await this.getJson(path, opts);
		try {
			return parseContactPage(body);
		} catch (e) {
			throw badShape(e, path);
		}
	}

	/** `GET /contacts/{id}`: one contact with its chat_ids. Accepts `919…@c.us` or the bare number. */
	async getContact(contactId: string, opts: RequestOptions = {}): Promise<Contact> {
		const bare = contactId.replace(/@c\.us$/, '');
		const path = `/contacts/${encodeURIComponent(bare)}`;
		const body = await this.getJson(path, opts);
		try {
			return parseContact(body);
		} catch (e) {
			throw badShape(e, path);
		}
	}

	/**
	 * `PATCH /contacts/labels`: replaces ALL labels of these contacts with `labels` (Periskope
	 * treats labels case-insensitively and creates unknown ones). Never retried after it may have
	 * reached the server (see `write`).
	 */
	async setLabels(contactIds: readonly string[], labels: readonly string[], opts: RequestOptions = {}): Promise<void> {
		if (contactIds.length === 0) throw new PeriskopeApiError('validation', 'No contacts to change the labels of.');
		const bad = labels.find((l) => !l.trim() || l.includes(','));
		if (bad !== undefined) throw new PeriskopeApiError('validation', `A label cannot be empty or hold a comma: "${bad}".`);
		await this.write('PATCH', '/contacts/labels', { labels: labels.map((l) => l.trim()).join(','), contact_ids: [...contactIds] }, opts);
	}

	/**
	 * `PATCH /contacts/{id}` with `contact_name` and/or `is_internal`. Resolves to the contact when
	 * the server sends it back (some answer 204 with no body). Never retried blindly (see `write`).
	 */
	async updateContact(contactId: string, fields: ContactUpdate, opts: RequestOptions = {}): Promise<Contact | undefined> {
		const body: Record<string, unknown> = {};
		if (fields.contact_name !== undefined) body.contact_name = fields.contact_name;
		if (fields.is_internal !== undefined) body.is_internal = fields.is_internal;
		if (Object.keys(body).length === 0) throw new PeriskopeApiError('validation', 'Nothing to change.');
		const path = `/contacts/${encodeURIComponent(contactId.replace(/@c\.us$/, ''))}`;
		const answer = await this.write('PATCH', path, body, opts);
		if (answer === undefined) return undefined;
		try {
			return parseContact(answer);
		} catch {
			return undefined; // the write went through; an odd echo is not a failure of it
		}
	}

	/**
	 * A write. Only a 429 is retried (the server said it did nothing); a timeout or a dropped
	 * connection may come after the server applied the change, so it is handed to the caller to
	 * re-read, never sent again here.
	 */
	private async write(method: string, path: string, body: unknown, { signal, onRetry }: RequestOptions): Promise<unknown> {
		const payload = JSON.stringify(body);
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.attempt(method, path, attempt, signal, undefined, payload);
			} catch (e) {
				const error = e as PeriskopeApiError;
				const delayMs = error.kind === 'rateLimited' ? retryDelay(error, attempt, this.policy, this.random) : undefined;
				if (delayMs === undefined || signal?.aborted) throw error;
				const notice = { attempt: attempt + 1, delayMs, error };
				this.options.onRetry?.(notice);
				onRetry?.(notice);
				await this.sleep(delayMs, signal);
			}
		}
	}

	/** A GET with retries for transient failures. */
	private async getJson(path: string, { signal, onRetry, onResponse }: RequestOptions): Promise<unknown> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.attempt('GET', path, attempt, signal, onResponse);
			} catch (e) {
				const error = e as PeriskopeApiError;
				const delayMs = retryDelay(error, attempt, this.policy, this.random);
				if (delayMs === undefined || signal?.aborted) throw error;
				const notice = { attempt: attempt + 1, delayMs, error };
				this.options.onRetry?.(notice);
				onRetry?.(notice);
				await this.sleep(delayMs, signal);
			}
		}
	}

	private async attempt(
		method: string,
		path: string,
		attempt: number,
		callerSignal?: AbortSignal,
		onResponse?: (info: ResponseInfo) => void,
		body?: string,
	): Promise<unknown> {
		if (callerSignal?.aborted) throw cancelledError();
		const base = this.base;
		if (!base.ok) throw new PeriskopeApiError('config', `Nothing was sent: ${base.reason}`);
		const token = await this.options.getToken({ origin: base.origin, host: base.host });
		if (!token) {
			throw new PeriskopeApiError('unauthorized', 'No Periskope API token is set.');
		}
		if (callerSignal?.aborted) throw cancelledError();
		const timeout = new AbortController();
		const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
		const onCallerAbort = () => timeout.abort();
		callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
		const started = this.now();
		let response: Response | undefined;
		try {
			const fetch = await loadFetch();
			response = await fetch(base.url + path, {
				method,
				headers: {
					authorization: `Bearer ${token}`,
					accept: 'application/json',
					'user-agent': this.options.userAgent ?? 'periskope-contacts-vscode',
					...(body === undefined ? {} : { 'content-type': 'application/json' }),
				},
				body,
				// A redirect would carry the token to wherever the server points: never follow one.
				redirect: 'manual',
				signal: timeout.signal,
			});
			// A trace id is for the log and messages: one that echoes the token is no trace id.
			const rawTrace = traceIdOf(response.headers.get('x-periskope-trace-id'));
			const traceId = rawTrace && token.length >= 4 && rawTrace.includes(token) ? undefined : rawTrace;
			if (response.status >= 300 && response.status < 400) {
				this.log({ method, path, status: response.status, ms: this.now() - started, traceId, attempt });
				response.body?.resume?.();
				throw redirectError(response, base.origin, traceId);
			}
			if (response.ok) onResponse?.({ rateLimitRemaining: headerNumber(response, 'x-ratelimit-remaining') });
			const text = await readCapped(response, this.maxBodyBytes, () => timeout.abort());
			this.log({ method, path, status: response.status, ms: this.now() - started, traceId, attempt });
			if (!response.ok) throw httpError(response, text, traceId, this.now(), token);
			// A write may answer 204, or 200 with nothing to say.
			if (method !== 'GET' && (response.status === 204 || !text.trim())) return undefined;
			return parseJson(text, response, traceId, path);
		} catch (e) {
			if (e instanceof PeriskopeApiError) throw redact(e, token);
			if (callerSignal?.aborted) throw cancelledError();
			const error = timeout.signal.aborted
				? new PeriskopeApiError('timeout', `Periskope did not answer within ${Math.round(this.timeoutMs / 1000)} s.`, { cause: e })
				: new PeriskopeApiError('network', `Could not reach Periskope at ${base.host}: ${networkReason(e)}.`, { cause: e });
			if (!response) this.log({ method, path, status: 'error', ms: this.now() - started, attempt, error: error.kind });
			throw redact(error, token);
		} finally {
			clearTimeout(timer);
			callerSignal?.removeEventListener('abort', onCallerAbort);
		}
	}

	private log(line: RequestLogLine): void {
		this.options.onRequest?.(line);
	}
}

function headerNumber(response: Response, name: string): number | undefined {
	const value = response.headers.get(name);
	if (value === null || value.trim() === '') return undefined;
	const n = Number(value);
	return Number.isFinite(n) ? n : undefined;
}

function parseJson(text: string, response: Response, traceId: string | undefined, path: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		const kind = looksLikeHtml(text, response) ? 'an HTML page' : 'malformed JSON';
		throw new PeriskopeApiError('badResponse', `Periskope sent ${kind} instead of JSON for ${pathOnly(path)} (status ${response.status}).`, {
			status: response.status,
			traceId,
		});
	}
}

function httpError(response: Response, text: string, traceId: string | undefined, now: number, token: string): PeriskopeApiError {
	const status = response.status;
	const apiMessage = apiMessageOf(text, token);
	const init = { status, traceId, apiMessage };
	const reason = apiMessage ? `: ${apiMessage}` : '';
	if (status === 401 || status === 403) {
		return new PeriskopeApiError('unauthorized', `Periskope refused the API token (${status})${reason}.`, init);
	}
	if (status === 422 || status === 400) {
		return new PeriskopeApiError('validation', `Periskope rejected the request (${status})${reason}.`, init);
	}
	if (status === 429) {
		const retryAfterMs = serverRequestedDelay(response.headers, now);
		const wait = retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.`;
		return new PeriskopeApiError('rateLimited', `Periskope's rate limit was reached.${wait}`, { ...init, retryAfterMs });
	}
	if (status === 404) {
		return new PeriskopeApiError('notFound', `Not found on Periskope (404)${reason}.`, init);
	}
	if (status >= 500) {
		const html = looksLikeHtml(text, response) ? ' (an HTML error page, probably from a proxy)' : '';
		const retryAfterMs = status === 503 ? serverRequestedDelay(response.headers, now) : undefined;
		return new PeriskopeApiError('server', `Periskope had a server error (${status})${html}${reason}.`, { ...init, retryAfterMs });
	}
	return new PeriskopeApiError('http', `Periskope answered ${status}${reason}.`, init);
}

/** The `message` of an API error body, if the body is one: plain text, bounded, without the token. */
function apiMessageOf(text: string, token: string): string | undefined {
	try {
		const body = JSON.parse(text) as unknown;
		if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
			return plainServerText((body as { message: string }).message, 300, token) || undefined;
		}
	} catch {
		// Not JSON: the status says enough.
	}
	return undefined;
}

function looksLikeHtml(text: string, response: Response): boolean {
	return (response.headers.get('content-type') ?? '').includes('html') || /^\s*<(!doctype|html)/i.test(text);
}

function badShape(e: unknown, path: string): unknown {
	if (e instanceof ShapeError) {
		return new PeriskopeApiError('badResponse', `Periskope sent an unexpected response for ${pathOnly(path)}: ${e.message}.`);
	}
	return e;
}

function networkReason(e: unknown): string {
	const code = (e as { code?: string }).code;
	if (code === 'ECONNREFUSED') return 'connection refused';
	if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was dropped';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
	if (code) return code;
	return 'the connection failed';
}

/** A 3xx: the token stays here, whatever the Location says. */
function redirectError(response: Response, origin: string, traceId: string | undefined): PeriskopeApiError {
	let where = 'another address';
	try {
		const to = new URL(response.headers.get('location') ?? '', origin);
		where = to.origin === origin ? 'another path' : to.host;
	} catch {
		// An unreadable Location: say no more than that it redirected.
	}
	return new PeriskopeApiError(
		'http',
		`Periskope answered with a redirect (${response.status}) to ${plainServerText(where, 80)}; it was not followed and the token was not sent there. Check periskope.apiBaseUrl.`,
		{ status: response.status, traceId },
	);
}

/** The body as text, refusing (and dropping the connection) past `max` bytes. */
async function readCapped(response: Response, max: number, drop: () => void): Promise<string> {
	const declared = headerNumber(response, 'content-length');
	const tooLarge = () =>
		new PeriskopeApiError('badResponse', `Periskope sent a response larger than ${Math.round(max / 1024 / 1024)} MB; it was cut off.`, { status: response.status });
	if (declared !== undefined && declared > max) {
		drop();
		throw tooLarge();
	}
	const body = response.body;
	if (!body) return '';
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buf.length;
		if (size > max) {
			drop();
			throw tooLarge();
		}
		chunks.push(buf);
	}
	return Buffer.concat(chunks, size).toString('utf8');
}

function pathOnly(path: string): string {
	return path.split('?')[0];
}

/** Belt and braces: no message may echo the token, whatever the server or a library put in it. */
function redact(error: PeriskopeApiError, token: string): PeriskopeApiError {
	if (token.length >= 4 && error.message.includes(token)) {
		error.message = error.message.split(token).join('***');
	}
	return error;
}
