// Walks `GET /contacts` page by page in a way that survives a list changing underneath:
// offsets are rows to skip, rows are deduped by contact_id, and the walk ends on an empty
// or short page or a hard page bound, so it can neither loop forever nor double-count.
// Asked to, it reads one page ahead: the server builds page n+1 while page n is stored.
import type { PeriskopeClient, RequestOptions, ResponseInfo } from './client';
import { cancelledError } from './retry';
import type { Contact } from './types';
import type { ParsedPage } from './validate';

export interface PageResult {
	/** Contacts in this page not seen before in this walk (empty when a sink took the page). */
	fresh: Contact[];
	/** How many rows were new to this walk. */
	freshCount: number;
	/** Rows in the page, including duplicates of earlier pages. */
	rows: number;
	/** Rows dropped for having no usable id. */
	malformed: number;
	/** The org's total as the API last reported it (-1 when it did not say). */
	total: number;
	/** No more pages. */
	done: boolean;
}

/**
 * Takes each page's rows and says how many were new. The loader's store is the sink: it already
 * knows every id it holds, so 100,000 ids are neither kept twice nor looked up twice per load.
 */
export type PageSink = (rows: readonly Contact[], total: number) => number;

export interface PagerOptions {
	/** Hard stop for a server that never ends a walk (no count, endless full pages). */
	maxPages?: number;
	/** Where rows go; without one the pager dedupes with its own id set and returns `fresh`. */
	sink?: PageSink;
}

export interface NextPageOptions extends Omit<RequestOptions, 'onResponse'> {
	/**
	 * Ask for the page after this one as soon as this one's response starts, so the server
	 * builds it while this one is read, parsed and stored. For "Load all" only: the tree's
	 * "load more" must not fetch a page nobody asked for.
	 */
	readAhead?: boolean;
}

/** Below this many requests left in the rate-limit window, pages are asked for one at a time. */
const READ_AHEAD_MIN_REMAINING = 10;

/** Whether a response has started yet, and who to tell when it does. */
interface ResponseWatch {
	started?: ResponseInfo;
	then?: (info: ResponseInfo) => void;
}

/** A request for the page after the current one, sent before anyone asked for it. */
interface PageAhead {
	readonly offset: number;
	readonly controller: AbortController;
	readonly page: Promise<ParsedPage>;
	readonly response: ResponseWatch;
	/** Stops listening to the signal of the call that sent it (the caller that takes it brings its own). */
	readonly unlink: () => void;
}

export class ContactPager {
	private offset = 0;
	private pages = 0;
	private readonly seen = new Set<string>();
	private seenTotal = 0;
	private readonly maxPages: number;
	private readonly sink: PageSink | undefined;
	private total = -1;
	private finished = false;
	private malformedRows = 0;
	private changed = false;
	private ahead: PageAhead | undefined;

	constructor(
		private readonly client: Pick<PeriskopeClient, 'listContacts'>,
		private readonly pageSize: number,
		options: PagerOptions = {},
	) {
		this.maxPages = options.maxPages ?? 10_000;
		this.sink = options.sink;
	}

	get done(): boolean {
		return this.finished;
	}
	/** Distinct contacts seen so far. */
	get seenCount(): number {
		return this.seenTotal;
	}
	get reportedTotal(): number {
		return this.total;
	}
	get malformed(): number {
		return this.malformedRows;
	}
	/**
	 * The org's count moved between pages: contacts were added or removed while we paged, so
	 * offsets shifted and some rows may have been skipped or be stale. Only a fresh walk is exact.
	 */
	get listChanged(): boolean {
		return this.changed;
	}

	/**
	 * Fetches the next page and hands it to the sink, if any. Throws PeriskopeApiError; the cursor
	 * does not move on failure or cancellation, so a retry resumes at the same page.
	 */
	async next(opts: NextPageOptions = {}): Promise<PageResult> {
		if (this.finished) {
			return { fresh: [], freshCount: 0, rows: 0, malformed: 0, total: this.total, done: true };
		}
		const page = await this.fetch(this.offset, opts);
		// Cancelled while the page was parsed: deliver nothing (the sink may belong to a reset store).
		if (opts.signal?.aborted) throw cancelledError();
		this.pages++;
		this.offset += page.contacts.length + page.malformed;
		if (page.count >= 0) {
			if (this.total >= 0 && page.count !== this.total) this.changed = true;
			this.total = page.count;
		}
		this.malformedRows += page.malformed;
		const fresh: Contact[] = [];
		let freshCount: number;
		if (this.sink) {
			freshCount = this.sink(page.contacts, this.total);
		} else {
			for (const contact of page.contacts) {
				const before = this.seen.size;
				this.seen.add(contact.contact_id);
				if (this.seen.size > before) fresh.push(contact);
			}
			freshCount = fresh.length;
		}
		this.seenTotal += freshCount;
		const rows = page.contacts.length + page.malformed;
		// A list that grows while we page can keep adding pages; bound the walk by what the
		// API said plus slack, so a server that never returns a short page cannot trap us.
		const pageBound = this.total >= 0 ? Math.ceil(this.total / this.pageSize) + 2 : Infinity;
		this.finished =
			rows === 0 ||
			rows < this.pageSize ||
			(this.total >= 0 && this.offset >= this.total) ||
			this.pages >= Math.min(pageBound, this.maxPages) ||
			// A full page of rows we already have: the server ignores offset or replays; stop.
			(freshCount === 0 && page.contacts.length > 0);
		// A page read ahead for an offset this walk will not ask for (it ended, or the page was short).
		if (this.ahead && (this.finished || this.ahead.offset !== this.offset)) this.cancel();
		return { fresh, freshCount, rows, malformed: page.malformed, total: this.total, done: this.finished };
	}

	/** Stops a page read ahead, if any. Call when the walk is abandoned. */
	cancel(): void {
		this.ahead?.unlink();
		this.ahead?.controller.abort();
		this.ahead = undefined;
	}

	/** The page at `offset`: the one read ahead if it is that page, else a new request. */
	private async fetch(offset: number, opts: NextPageOptions): Promise<ParsedPage> {
		const readAhead = opts.readAhead ? (info: ResponseInfo) => this.readAhead(offset + this.pageSize, info, opts) : undefined;
		const ahead = this.ahead;
		this.ahead = undefined;
		ahead?.unlink();
		if (ahead?.offset !== offset || ahead.controller.signal.aborted) {
			ahead?.controller.abort();
			return this.client.listContacts(offset, this.pageSize, { signal: opts.signal, onRetry: opts.onRetry, onResponse: readAhead });
		}
		// The read-ahead request is the caller's now: their cancel stops it.
		if (opts.signal?.aborted) {
			ahead.controller.abort();
			throw cancelledError();
		}
		if (readAhead) {
			if (ahead.response.started) readAhead(ahead.response.started);
			else ahead.response.then = readAhead;
		}
		const stop = () => ahead.controller.abort();
		opts.signal?.addEventListener('abort', stop, { once: true });
		try {
			return await ahead.page;
		} finally {
			opts.signal?.removeEventListener('abort', stop);
		}
	}

	/**
	 * Sends the request for the page at `offset` while the current page arrives. Only when the
	 * last count says that page exists (so never on the first page, nor past the end), and
	 * while the rate-limit window has room to spare.
	 */
	private readAhead(offset: number, info: ResponseInfo, opts: NextPageOptions): void {
		if (this.ahead || opts.signal?.aborted) return;
		if (this.total < 0 || offset >= this.total || this.pages + 1 >= this.maxPages) return;
		if (info.rateLimitRemaining !== undefined && info.rateLimitRemaining < READ_AHEAD_MIN_REMAINING) return;
		const controller = new AbortController();
		const response: ResponseWatch = {};
		const page = this.client.listContacts(offset, this.pageSize, {
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
		this.ahead = { offset, controller, page, response, unlink };
	}
}

export interface LoadAllResult {
	contacts: Contact[];
	/** Distinct contacts loaded. */
	seen: number;
	/** What the API said the org holds (-1 if unknown): a mismatch means the list changed while paging. */
	reportedTotal: number;
	malformed: number;
	/** The list changed while paging; see ContactPager.listChanged. */
	listChanged: boolean;
}

/** Loads every page. */
export async function loadAllContacts(
	client: Pick<PeriskopeClient, 'listContacts'>,
	pageSize: number,
	opts: NextPageOptions & { maxPages?: number; onPage?: (page: PageResult, pager: ContactPager) => void } = {},
): Promise<LoadAllResult> {
	const pager = new ContactPager(client, pageSize, { maxPages: opts.maxPages });
	const contacts: Contact[] = [];
	try {
		while (!pager.done) {
			const page = await pager.next(opts);
			for (const c of page.fresh) contacts.push(c);
			opts.onPage?.(page, pager);
		}
	} finally {
		pager.cancel();
	}
	return { contacts, seen: pager.seenCount, reportedTotal: pager.reportedTotal, malformed: pager.malformed, listChanged: pager.listChanged };
}
