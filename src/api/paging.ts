// Walks `GET /contacts` so that no contact goes missing without a word. Periskope lists newest
// first and the list changes while a big org pages through it, so:
// - the walk ends on an empty page (or a short one at or past the count), never on the count alone;
// - offsets follow the server's own row numbering (`from`/`to`), so a 1-based server loses nobody;
// - when the list moved (rows repeated, count changed) or fewer distinct contacts arrived than the
//   count, the head is read again until its rows repeat what the walk saw (edited and new contacts
//   go to the head); only then is the walk complete, else it says it is not.
import type { ResponseInfo } from './client';
import { ListClient, PageSource, type PageRequest } from './pageSource';
import { cancelledError } from './retry';
import type { Contact } from './types';
import type { ParsedPage } from './validate';

export interface PageResult {
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

/** What a sink says about the rows it took. */
export interface SinkResult {
	/** Rows whose id it did not hold. */
	added: number;
	/** Rows it held with the same updated_at: they have not changed since the walk read them. */
	unchanged: number;
}

/**
 * Takes each page's rows. The loader's store is the sink: it already knows every id it holds, so
 * 100,000 ids are neither kept twice nor looked up twice per load.
 */
export type PageSink = (rows: readonly Contact[], total: number) => SinkResult;

export interface PagerOptions {
	/** Hard stop for a server that never ends a walk (endless full pages of new rows). */
	maxPages?: number;
	/** Where rows go (the store); it dedupes them. */
	sink: PageSink;
	/** Told what the walk noticed about the server (numbering, a list that moved), for the log. */
	onNotice?: (text: string) => void;
}

export interface NextPageOptions extends Omit<PageRequest, 'planAhead'> {
	/**
	 * Ask for the page after this one as soon as this one's response starts. For "Load all" only:
	 * the tree's "load more" must not fetch a page nobody asked for.
	 */
	readAhead?: boolean;
}

/** Below this many requests left in the rate-limit window, pages are asked for one at a time. */
const READ_AHEAD_MIN_REMAINING = 10;
/** Requests in flight during Load all: start here, grow while the rate limit has room, at most MAX. */
const START_IN_FLIGHT = 2;
const MAX_IN_FLIGHT = 4;
/** Room in the rate-limit window needed to grow the number in flight. */
const GROW_MIN_REMAINING = 100;
/** Pages in a row that bring nothing new before the walk concludes the server ignores `offset`. */
const MAX_REPEAT_PAGES = 3;

export class ContactPager {
	private readonly source: PageSource;
	/** Offset of the next request, in the server's own terms. */
	private offset = 0;
	/** offset minus the 0-based index of the row it returns first (1 for a server counting offsets from 1). */
	private skew = 0;
	/** Rows the last page brought (a server may cap `limit` below what was asked). */
	private stride: number;
	private pages = 0;
	private repeatPages = 0;
	private seenTotal = 0;
	private readonly maxPages: number;
	private readonly sink: PageSink;
	private total = -1;
	private countMoved = false;
	private shrank = false;
	private rowsRepeated = false;
	private finished = false;
	private shortfall = false;
	private malformedRows = 0;
	/** Requests Load all keeps in flight (this page and those read ahead); 1 after a 429. */
	private inFlight = START_IN_FLIGHT;
	private throttled = false;

	constructor(
		client: ListClient,
		private readonly pageSize: number,
		private readonly options: PagerOptions,
	) {
		this.source = new PageSource(client, pageSize);
		this.stride = pageSize;
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
	/** The list moved under the walk (rows repeated, or the count changed): known before the walk ends. */
	get moved(): boolean {
		return this.countMoved || this.rowsRepeated;
	}
	/**
	 * The walk ended and, even after re-reading the head, what it loaded does not add up to what
	 * the server reports (or contacts were deleted while it ran): only a fresh walk is exact.
	 */
	get listChanged(): boolean {
		return this.finished && this.shortfall;
	}

	/**
	 * Fetches the next page and hands it to the sink, if any. Throws PeriskopeApiError; the cursor
	 * does not move on failure or cancellation, so a retry resumes at the same page.
	 */
	async next(opts: NextPageOptions = {}): Promise<PageResult> {
		if (this.finished) {
			return { freshCount: 0, rows: 0, malformed: 0, total: this.total, done: true };
		}
		const requested = this.offset;
		const onRetry = this.watchRetries(opts);
		const page = await this.source.get(requested, {
			signal: opts.signal,
			onRetry,
			planAhead: opts.readAhead ? (info) => this.planAhead(requested, info) : undefined,
		});
		// Cancelled while the page was parsed: deliver nothing (the sink may belong to a reset store).
		if (opts.signal?.aborted) throw cancelledError();
		this.pages++;
		const rows = page.contacts.length + page.malformed;
		const position = this.positionAfter(page, requested, rows);
		this.offset = position + this.skew;
		if (rows > 0) this.stride = rows;
		this.noteCount(page.count);
		this.malformedRows += page.malformed;
		const { added } = this.take(page.contacts);
		let freshCount = added;
		// Rows this walk already had, on a page after the first: the list shifted under us.
		if (this.pages > 1 && added < page.contacts.length && !this.rowsRepeated) {
			this.rowsRepeated = true;
			this.options.onNotice?.(`The contact list moved while loading: page at offset ${requested} repeated ${page.contacts.length - added} row(s); the head will be read again.`);
		}
		this.repeatPages = page.contacts.length > 0 && added === 0 ? this.repeatPages + 1 : 0;
		const atEnd =
			rows === 0 ||
			(rows < this.pageSize && this.total >= 0 && position >= this.total) ||
			this.repeatPages >= MAX_REPEAT_PAGES ||
			this.pages >= this.maxPages;
		if (atEnd) {
			this.source.cancel();
			const before = this.seenTotal;
			await this.conclude(opts);
			freshCount += this.seenTotal - before;
		} else if (!this.source.aheadOffsets.includes(this.offset)) {
			// Pages read ahead for offsets this walk will not ask for (the page was short): the plan was wrong.
			this.source.cancel();
		}
		return { freshCount, rows, malformed: page.malformed, total: this.total, done: this.finished };
	}

	/** Stops a page read ahead, if any. Call when the walk is abandoned. */
	cancel(): void {
		this.source.cancel();
	}

	/**
	 * The 0-based index of the row after this page. Follows the server's numbering when its
	 * from/to agree with the rows it sent; notices (once) a server whose numbering is not ours.
	 */
	private positionAfter(page: ParsedPage, requested: number, rows: number): number {
		const counted = requested - this.skew + rows;
		const consistent = rows > 0 && page.from >= 1 && page.to >= page.from && page.to - page.from + 1 === rows;
		if (!consistent) return counted;
		const skew = requested - (page.from - 1);
		// Off by one is a numbering convention (offset counted from 1); anything more is a server we cannot follow.
		if (Math.abs(skew) > 1) return counted;
		if (skew !== this.skew) {
			this.options.onNotice?.(`Asked for offset ${requested}, the server answered rows ${page.from}–${page.to}: following its numbering from here on (offset shifted by ${skew}).`);
			this.skew = skew;
		}
		return page.to;
	}

	private noteCount(count: number): void {
		if (count < 0) return;
		if (this.total >= 0 && count !== this.total) {
			this.countMoved = true;
			if (count < this.total) this.shrank = true;
		}
		this.total = count;
	}

	private take(contacts: Contact[]): SinkResult {
		const result = this.sink(contacts, this.total);
		this.seenTotal += result.added;
		return result;
	}

	/**
	 * The walk reached its end. If the list moved or the numbers do not add up, read the head
	 * again (edited and new contacts are there) until a page repeats a row unchanged; then
	 * decide whether the walk is complete.
	 */
	private async conclude(opts: NextPageOptions): Promise<void> {
		if (this.moved || (this.total >= 0 && this.seenTotal < this.total)) {
			const bound = this.total >= 0 ? Math.ceil(this.total / Math.max(1, this.stride)) + 1 : 1;
			let offset = this.skew;
			for (let i = 0; i < bound; i++) {
				const page = await this.source.get(offset, { signal: opts.signal, onRetry: opts.onRetry });
				if (opts.signal?.aborted) throw cancelledError();
				this.noteCount(page.count);
				const { unchanged } = this.take(page.contacts);
				const rows = page.contacts.length + page.malformed;
				const position = this.positionAfter(page, offset, rows);
				if (unchanged > 0 || rows === 0 || (this.total >= 0 && position >= this.total)) break;
				offset = position + this.skew;
			}
		}
		this.finished = true;
		// Deleted contacts shift rows we had not read yet past us: a shrinking list is never proven complete.
		this.shortfall = this.total >= 0 ? this.seenTotal !== this.total || this.shrank : this.moved;
		if (this.shortfall) {
			this.options.onNotice?.(
				`Loading ended with ${this.seenTotal} distinct contacts; the server reports ${this.total < 0 ? 'no count' : this.total}${this.shrank ? ' and contacts were deleted meanwhile' : ''}. A refresh loads the list afresh.`,
			);
		}
	}

	/**
	 * Where to read ahead once the page at `requested` starts to arrive: the pages after it, as
	 * many as the walk keeps in flight, planned from the count, and only while the rate-limit
	 * window has room (fewer than READ_AHEAD_MIN_REMAINING left: one at a time).
	 */
	private planAhead(requested: number, info: ResponseInfo): number[] {
		const remaining = info.rateLimitRemaining;
		if (remaining !== undefined && remaining < READ_AHEAD_MIN_REMAINING) return [];
		if (!this.throttled && remaining !== undefined && remaining >= GROW_MIN_REMAINING) this.inFlight = Math.min(MAX_IN_FLIGHT, this.inFlight + 1);
		if (this.total < 0) return [];
		const offsets: number[] = [];
		const start = requested - this.skew;
		for (let k = 1; k < this.inFlight && this.pages + k < this.maxPages; k++) {
			const position = start + k * this.stride;
			if (position >= this.total) break;
			offsets.push(position + this.skew);
		}
		return offsets;
	}

	/** A 429 while paging: back to one request in flight for the rest of the walk. */
	private watchRetries(opts: NextPageOptions): NextPageOptions['onRetry'] {
		return (notice) => {
			if (notice.error.kind === 'rateLimited' && !this.throttled) {
				this.throttled = true;
				this.inFlight = 1;
				this.source.cancel();
				this.options.onNotice?.('Rate limited while loading: one request at a time from here on.');
			}
			opts.onRetry?.(notice);
		};
	}
}
