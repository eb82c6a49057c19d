// Typed API failures a UI can act on. Messages are written for people and never
// contain the token: they are built only from status, API message and trace id.

export type ApiErrorKind =
	| 'unauthorized' // 401/403: bad or revoked token
	| 'validation' // 422: the API's own message
	| 'rateLimited' // 429: wait retryAfterMs
	| 'notFound' // 404
	| 'server' // 5xx
	| 'network' // connection refused, reset, dropped
	| 'timeout' // no answer within the per-request timeout
	| 'badResponse' // non-JSON, HTML error page, wrong shape
	| 'cancelled' // the caller aborted
	| 'config' // the API base URL setting is refused; nothing was sent
	| 'tokenWithheld' // the user did not allow the token to go to this origin; nothing was sent
	| 'http'; // any other non-2xx, redirects included

export interface ApiErrorInit {
	status?: number;
	traceId?: string;
	/** For rateLimited: how long the API asked us to wait. */
	retryAfterMs?: number;
	/** The API's own error body message, when it sent one. */
	apiMessage?: string;
	cause?: unknown;
}

export class PeriskopeApiError extends Error {
	readonly kind: ApiErrorKind;
	readonly status?: number;
	readonly traceId?: string;
	readonly retryAfterMs?: number;
	readonly apiMessage?: string;

	constructor(kind: ApiErrorKind, message: string, init: ApiErrorInit = {}) {
		super(init.traceId ? `${message} (trace ${init.traceId})` : message);
		this.name = 'PeriskopeApiError';
		this.kind = kind;
		this.status = init.status;
		this.traceId = init.traceId;
		this.retryAfterMs = init.retryAfterMs;
		this.apiMessage = init.apiMessage;
		if (init.cause !== undefined) {
			Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false });
		}
	}

	/** Transient failures a GET may retry. */
	get retryable(): boolean {
		return this.kind === 'rateLimited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
	}
}

/** A 422 that names `limit`: the server refused the page size (not some other field of a request). */
export function refusesPageSize(e: unknown): e is PeriskopeApiError {
	return e instanceof PeriskopeApiError && e.kind === 'validation' && /limit/i.test(e.apiMessage ?? e.message);
}

export function isApiError(e: unknown, kind?: ApiErrorKind): e is PeriskopeApiError {
	return e instanceof PeriskopeApiError && (kind === undefined || e.kind === kind);
}
