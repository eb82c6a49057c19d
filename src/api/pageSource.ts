// Fetches `GET /contacts` pages by offset, and can keep requests ahead: the pages after the
// current one are asked for as soon as the current response starts, so the server builds them
// while this one is read, parsed and stored. The pager decides where (and how far) to read
// ahead; this class owns the requests in flight, their cancellation and their hand-over.
import type { PeriskopeClient, RequestOptions, ResponseInfo } from './client';
import { cancelledError } from './retry';
import type { ParsedPage } from './validate';

export interface PageRequest extends Omit<RequestOptions, 'onResponse'> {
	/** Called when this page's response starts: the offsets to have in flight after it (none: []). */
	planAhead?: (info: ResponseInfo) => readonly number[];
}

/** Whether a response has started yet, and who to tell when it does. */
interface ResponseWatch {
	started?: ResponseInfo;
	then?: (info: ResponseInfo) => void;
}

/** A request for a page nobody asked for yet. */
interface PageAhead {
	readonly offset: number;
	readonly controller: AbortController;
	readonly page: Promise<ParsedPage>;
	readonly response: ResponseWatch;
	/** Stops listening to the signal of the call that sent it (the caller that takes it brings its own). */
	readonly unlink: () => void;
}

/** A client, or a getter for the current one (settings may rebuild it mid-walk; the next request uses the new one). */
export type ListClient = Pick<PeriskopeClient, 'listContacts'> | (() => Pick<PeriskopeClient, 'listContacts'>);

export class PageSource {
	/** Requests sent ahead, by offset, in the order they were sent. */
	private readonly ahead = new Map<number, PageAhead>();
	private readonly client: () => Pick<PeriskopeClient, 'listContacts'>;

	constructor(
		client: ListClient,
		readonly limit: number,
	) {
		this.client = typeof client === 'function' ? client : () => client;
	}

	/** The page at `offset`: the one read ahead if it is that page, else a new request. */
	async get(offset: number, opts: PageRequest = {}): Promise<ParsedPage> {
		const planAhead = opts.planAhead ? (info: ResponseInfo) => this.readAhead(opts.planAhead!(info), opts) : undefined;
		const ahead = this.ahead.get(offset);
		this.ahead.delete(offset);
		ahead?.unlink();
		if (ahead?.offset !== offset || ahead.controller.signal.aborted) {
			ahead?.controller.abort();
			return this.client().listContacts(offset, this.limit, { signal: opts.signal, onRetry: opts.onRetry, onResponse: planAhead });
		}
		// The read-ahead request is the caller's now: their cancel stops it.
		if (opts.signal?.aborted) {
			ahead.controller.abort();
			throw cancelledError();
		}
		if (planAhead) {
			if (ahead.response.started) planAhead(ahead.response.started);
			else ahead.response.then = planAhead;
		}
		const stop = () => ahead.controller.abort();
		opts.signal?.addEventListener('abort', stop, { once: true });
		try {
			return await ahead.page;
		} finally {
			opts.signal?.removeEventListener('abort', stop);
		}
	}

	/** Offsets of the pages read ahead and not yet taken. */
	get aheadOffsets(): number[] {
		return [...this.ahead.keys()];
	}

	/** Stops the pages read ahead (all, or those whose offset `keep` rejects). */
	cancel(keep: (offset: number) => boolean = () => false): void {
		for (const [offset, ahead] of this.ahead) {
			if (keep(offset)) continue;
			ahead.unlink();
			ahead.controller.abort();
			this.ahead.delete(offset);
		}
	}

	private readAhead(offsets: readonly number[], opts: PageRequest): void {
		for (const offset of offsets) this.sendAhead(offset, opts);
	}

	private sendAhead(offset: number, opts: PageRequest): void {
		if (this.ahead.has(offset) || opts.signal?.aborted) return;
		const controller = new AbortController();
		const response: ResponseWatch = {};
		const page = this.client().listContacts(offset, this.limit, {
			signal: controller.signal,
			onRetry: opts.onRetry,
			onResponse: (started) => {
				response.started = started;
				response.then?.(started);
			},
		});
		// Awaited by the next call, or dropped with cancel(): never an unhandled rejection.
		page.catch(() => undefined);
		// Until the next call takes it, cancelling the walk that sent it stops it.
		const stop = () => controller.abort();
		opts.signal?.addEventListener('abort', stop, { once: true });
		const unlink = () => opts.signal?.removeEventListener('abort', stop);
		this.ahead.set(offset, { offset, controller, page, response, unlink });
	}
}
