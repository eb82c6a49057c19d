// Loads contact pages into the store on demand: one page at a time for the tree, or all of
// them for "Load all" and the search. The page in flight and the walk over all pages are each
// one shared task: a caller's cancel ends only its own wait; reset() cancels everything.
import type { PeriskopeClient, RetryNotice } from '../api/client';
import { PeriskopeApiError, refusesPageSize } from '../api/errors';
import { ContactPager } from '../api/paging';
import { cancelledError } from '../api/retry';
import { Emitter } from './emitter';
import { nextTurn, type CacheContents } from './cacheFormat';
import { SharedTask } from './sharedTask';
import type { ContactStore } from './store';

export type LoadState =
	| { status: 'idle' }
	| { status: 'loading'; retry?: { delayMs: number; reason: PeriskopeApiError } }
	| { status: 'failed'; error: PeriskopeApiError };

/** Cached rows ingested between two turns of the event loop. */
const RESTORE_BATCH = 25_000;

export interface LoadProgress {
	loaded: number;
	total: number | undefined;
}

/** Contacts shown from the persistent cache until a load has revalidated them. */
export interface CachedView {
	/** When they were read from the API (ms since the epoch). */
	savedAt: number;
	/** They were the whole org then: nothing to "load more" while the revalidation runs. */
	complete: boolean;
}

export class ContactsLoader {
	private pager: ContactPager;
	private page: SharedTask<void> | undefined;
	private walk: SharedTask<void> | undefined;
	/** Aborted by reset(), so loads of an old generation stop and drop their results. */
	private generation = new AbortController();
	private current: LoadState = { status: 'idle' };
	private loadedOnce = false;
	/** A page came back since the last reset (the cache does not count). */
	private pageArrived = false;
	private cached: CachedView | undefined;
	/** A restore from the cache under way: pages wait for it (a cached row must never overwrite a fresher one). */
	private restoring: Promise<void> | undefined;
	/** The page size was already stepped down once since the last reset. */
	private steppedDown = false;
	private readonly stateChanged = new Emitter<LoadState>();
	private readonly progressed = new Emitter<LoadProgress>();

	readonly onDidChangeState = this.stateChanged.event;
	/** After each page of a walk over all pages. */
	readonly onDidProgress = this.progressed.event;

	constructor(
		private readonly store: ContactStore,
		/** Read on every request: a client rebuilt for new settings is used from the next request on. */
		private readonly client: () => Pick<PeriskopeClient, 'listContacts'>,
		private pageSize: number,
		/** What the walk noticed about the server (its numbering, a list that moved), for the log. */
		private readonly notice: (text: string) => void = () => undefined,
		/** Told when the server refused the page size and a smaller one worked, so it can be remembered. */
		private readonly onPageSizeLearned: (size: number) => void = () => undefined,
	) {
		this.pager = this.newPager();
	}

	get state(): LoadState {
		return this.current;
	}
	/** More pages exist (or nothing was loaded yet); not while a complete cache is shown. */
	get hasMore(): boolean {
		return !this.pager.done && !this.cached?.complete;
	}
	/** Cached contacts are being put into the store (see restore). */
	get restoringCache(): boolean {
		return this.restoring !== undefined;
	}
	/** The contacts shown came from the persistent cache and are not yet revalidated. */
	get cache(): CachedView | undefined {
		return this.cached;
	}
	/** At least one page came back since the last reset. */
	get started(): boolean {
		return this.loadedOnce;
	}
	/** A walk over all pages is running (for whoever asked: Load all, the search). */
	get loadingAll(): boolean {
		return this.walk !== undefined;
	}
	/** The page size in use (smaller than asked when the server refused it). */
	get currentPageSize(): number {
		return this.pageSize;
	}
	get malformedRows(): number {
		return this.pager.malformed;
	}
	/** The walk ended without proving it saw every contact: what is loaded may be off until a refresh. */
	get listChanged(): boolean {
		return this.pager.listChanged;
	}

	/** Loads the next page, or joins the page already loading. `signal` ends this caller's wait. */
	loadNextPage(signal?: AbortSignal): Promise<void> {
		// Revalidating a cache is one walk: it proves completeness and drops the deleted contacts.
		if (this.cached) return this.loadAll(signal);
		return this.nextPage(false).join(signal);
	}

	/**
	 * Shows cached contacts before any page (the store must be empty: call right after a reset).
	 * A walk over all pages (revalidate) then replaces them in place.
	 */
	restore(contents: CacheContents, yieldNow: () => Promise<void> = nextTurn): Promise<void> {
		if (this.loadedOnce || this.store.size > 0 || this.restoring) return this.restoring ?? Promise.resolve();
		const generation = this.generation.signal;
		const restoring = (async () => {
			const rows = contents.rows;
			// In batches, with a turn of the event loop between: 100,000 rows never block the extension host for long.
			for (let start = 0; start < rows.count && !generation.aborted; start += RESTORE_BATCH) {
				this.store.adoptCached(rows, start, Math.min(rows.count, start + RESTORE_BATCH));
				if (start + RESTORE_BATCH < rows.count) await yieldNow();
			}
			if (generation.aborted) return;
			this.store.total = contents.header.total >= 0 ? contents.header.total : undefined;
			this.cached = { savedAt: contents.header.savedAt, complete: contents.header.complete };
			this.loadedOnce = true;
			this.setState({ status: 'idle' });
		})();
		this.restoring = restoring;
		void restoring.finally(() => {
			if (this.restoring === restoring) this.restoring = undefined;
		});
		return restoring;
	}

	/**
	 * Reloads the org behind the cached contacts, in the background: edited ones update in place,
	 * new ones join, and once the walk proves it saw everyone, the ones it did not see go.
	 * Failures are the loader's state (the tree shows them); the cached contacts stay.
	 */
	revalidate(): Promise<void> {
		return this.loadAll().catch(() => undefined);
	}

	/**
	 * Loads every remaining page, or joins the walk already running. `signal` ends this caller's
	 * wait; the walk goes on while anyone else waits for it.
	 */
	loadAll(signal?: AbortSignal): Promise<void> {
		if (this.pager.done) return Promise.resolve();
		if (!this.walk) {
			const generation = this.generation.signal;
			const walk = new SharedTask((own) => this.walkAll(own, generation), generation);
			this.walk = walk;
			const clear = () => {
				if (this.walk === walk) this.walk = undefined;
				this.setState(this.current); // tells listeners that loadingAll changed
			};
			void walk.ended.then(clear);
			this.setState(this.current);
		}
		return this.walk.join(signal);
	}

	/** Forgets everything loaded and cancels what is loading; the next load starts from page one. */
	reset(pageSize = this.pageSize): void {
		this.generation.abort();
		this.generation = new AbortController();
		this.page = undefined;
		this.walk = undefined;
		this.pager.cancel();
		this.pageSize = pageSize;
		this.pager = this.newPager();
		this.loadedOnce = false;
		this.pageArrived = false;
		this.cached = undefined;
		this.restoring = undefined;
		this.steppedDown = false;
		this.store.clear();
		this.setState({ status: 'idle' });
	}

	private async walkAll(signal: AbortSignal, generation: AbortSignal): Promise<void> {
		const pager = this.pager;
		try {
			while (!this.pager.done) {
				if (signal.aborted || generation.aborted) throw cancelledError();
				// Reading ahead keeps the server busy with the next pages while this one is stored.
				await this.nextPage(true).join(signal);
				if (signal.aborted || generation.aborted) throw cancelledError();
				this.progressed.fire({ loaded: this.store.size, total: this.store.total });
			}
		} catch (e) {
			// The pages this walk read ahead belong to nobody now.
			pager.cancel();
			throw e;
		}
	}

	/** The shared task for the next page: the one in flight, or a new one. */
	private nextPage(readAhead: boolean): SharedTask<void> {
		if (!this.page || this.page.done) {
			// This generation's pager, captured now: the task starts a tick later, maybe after a reset.
			const generation = this.generation.signal;
			const pager = this.pager;
			const task = new SharedTask((signal) => this.fetchPage(pager, generation, signal, readAhead), generation);
			this.page = task;
		}
		return this.page;
	}

	/**
	 * Pages go straight into the store, which dedupes them: it holds exactly what this walk
	 * delivered (reset clears both). A row repeated by a shifted page refreshes its copy.
	 */
	private newPager(): ContactPager {
		return new ContactPager(this.client, this.pageSize, {
			onNotice: this.notice,
			sink: (rows, total) => {
				this.store.total = total >= 0 ? total : undefined;
				const change = this.store.ingest(rows);
				// New to this walk, counting cached rows it had not delivered yet: the walk's own dedupe.
				return { added: change.fresh, unchanged: change.unchanged };
			},
		});
	}

	private async fetchPage(pager: ContactPager, generation: AbortSignal, signal: AbortSignal, readAhead: boolean): Promise<void> {
		if (this.restoring) await this.restoring;
		if (generation.aborted) return;
		this.setState({ status: 'loading' });
		try {
			await pager.next({
				signal,
				readAhead,
				onRetry: (n: RetryNotice) => {
					if (!generation.aborted) this.setState({ status: 'loading', retry: { delayMs: n.delayMs, reason: n.error } });
				},
			});
			if (generation.aborted) return;
			this.loadedOnce = true;
			this.pageArrived = true;
			if (pager.done && pager === this.pager) this.concludeRevalidation(pager);
			this.setState({ status: 'idle' });
		} catch (e) {
			// A reset dropped this page: its waiters simply stop waiting.
			if (generation.aborted) return;
			const smaller = this.smallerPageSize(e, pager);
			if (smaller !== undefined) {
				this.notice(`Periskope refused a page of ${this.pageSize} contacts (${(e as Error).message}); trying ${smaller}, and remembering it for this API address if it works.`);
				this.pageSize = smaller;
				this.pager = this.newPager();
				await this.fetchPage(this.pager, generation, signal, readAhead);
				if (this.pageArrived && !generation.aborted) this.onPageSizeLearned(smaller);
				return;
			}
			const error = e instanceof PeriskopeApiError ? e : new PeriskopeApiError('badResponse', String(e));
			// Nobody waits any more: not a failure of the view.
			this.setState(error.kind === 'cancelled' ? { status: 'idle' } : { status: 'failed', error });
			throw error;
		}
	}

	/** The walk behind a cache ended: drop what it proved deleted, and the cache is current. */
	private concludeRevalidation(pager: ContactPager): void {
		if (!this.cached) return;
		if (pager.listChanged) {
			this.notice(`The contact list changed on Periskope during the reload; ${this.store.unrevalidated} cached contacts it did not see are kept until a refresh.`);
		} else {
			const removed = this.store.removeUnrevalidated();
			if (removed) this.notice(`${removed} cached contact${removed === 1 ? ' is' : 's are'} gone from Periskope: removed.`);
		}
		this.cached = undefined;
	}

	/**
	 * A 422 about `limit` on the first page of a walk: the size to step down to, once (a quarter
	 * of it, e.g. 2000 -> 500, the size that worked before the default was the API's maximum).
	 */
	private smallerPageSize(e: unknown, pager: ContactPager): number | undefined {
		if (!refusesPageSize(e) || this.pageArrived || pager !== this.pager || this.steppedDown || this.pageSize <= 1) return undefined;
		this.steppedDown = true;
		return Math.max(1, Math.floor(this.pageSize / 4));
	}

	private setState(state: LoadState): void {
		this.current = state;
		this.stateChanged.fire(state);
	}

	dispose(): void {
		this.generation.abort();
		this.pager.cancel();
		this.stateChanged.dispose();
		this.progressed.dispose();
	}
}
