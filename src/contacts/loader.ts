// Loads contact pages into the store on demand: one page at a time for the tree, or all
// of them for "Load all" and search. One load runs at a time; reset() cancels it.
import type { PeriskopeClient, RetryNotice } from '../api/client';
import { PeriskopeApiError } from '../api/errors';
import { ContactPager } from '../api/paging';
import { cancelledError } from '../api/retry';
import { Emitter } from './emitter';
import type { ContactStore } from './store';

export type LoadState =
	| { status: 'idle' }
	| { status: 'loading'; retry?: { delayMs: number; reason: PeriskopeApiError } }
	| { status: 'failed'; error: PeriskopeApiError };

export interface LoadProgress {
	loaded: number;
	total: number | undefined;
}

export class ContactsLoader {
	private pager: ContactPager;
	private inFlight: Promise<void> | undefined;
	/** Aborted by reset(), so loads of an old generation stop and drop their results. */
	private generation = new AbortController();
	private current: LoadState = { status: 'idle' };
	private loadedOnce = false;
	private readonly stateChanged = new Emitter<LoadState>();

	readonly onDidChangeState = this.stateChanged.event;

	constructor(
		private readonly store: ContactStore,
		/** Read on every request: a client rebuilt for new settings is used from the next request on. */
		private readonly client: () => Pick<PeriskopeClient, 'listContacts'>,
		private pageSize: number,
		/** What the walk noticed about the server (its numbering, a list that moved), for the log. */
		private readonly notice: (text: string) => void = () => undefined,
	) {
		this.pager = this.newPager();
	}

	get state(): LoadState {
		return this.current;
	}
	/** More pages exist (or nothing was loaded yet). */
	get hasMore(): boolean {
		return !this.pager.done;
	}
	/** At least one page came back since the last reset. */
	get started(): boolean {
		return this.loadedOnce;
	}
	get malformedRows(): number {
		return this.pager.malformed;
	}
	/** Contacts were added or removed while paging: what is loaded may be off until a refresh. */
	get listChanged(): boolean {
		return this.pager.listChanged;
	}

	/** Loads the next page. Joins the page already loading, if any. */
	loadNextPage(signal?: AbortSignal, readAhead = false): Promise<void> {
		if (!this.inFlight) {
			this.inFlight = this.fetchPage(signal, readAhead).finally(() => {
				this.inFlight = undefined;
			});
		}
		return this.inFlight;
	}

	/** Loads every remaining page, reporting progress; stops early when `signal` aborts. */
	async loadAll(signal?: AbortSignal, onProgress?: (p: LoadProgress) => void): Promise<void> {
		while (this.hasMore) {
			if (signal?.aborted) throw cancelledError();
			const generation = this.generation.signal;
			// Reading ahead keeps the server busy with the next page while this one is stored.
			await this.loadNextPage(signal, true);
			if (generation.aborted) throw cancelledError();
			onProgress?.({ loaded: this.store.size, total: this.store.total });
		}
	}

	/** Forgets everything loaded and cancels what is loading; the next load starts from page one. */
	reset(pageSize = this.pageSize): void {
		this.generation.abort();
		this.generation = new AbortController();
		this.inFlight = undefined;
		this.pager.cancel();
		this.pageSize = pageSize;
		this.pager = this.newPager();
		this.loadedOnce = false;
		this.store.clear();
		this.setState({ status: 'idle' });
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
				return this.store.ingest(rows);
			},
		});
	}

	private async fetchPage(signal: AbortSignal | undefined, readAhead: boolean): Promise<void> {
		const generation = this.generation.signal;
		const pager = this.pager;
		const combined = signal ? AbortSignal.any([signal, generation]) : generation;
		this.setState({ status: 'loading' });
		try {
			await pager.next({
				signal: combined,
				readAhead,
				onRetry: (n: RetryNotice) => this.setState({ status: 'loading', retry: { delayMs: n.delayMs, reason: n.error } }),
			});
			if (generation.aborted) return;
			this.loadedOnce = true;
			this.setState({ status: 'idle' });
		} catch (e) {
			if (generation.aborted) return;
			const error = e instanceof PeriskopeApiError ? e : new PeriskopeApiError('badResponse', String(e));
			// A load the user cancelled is not a failure of the view.
			this.setState(error.kind === 'cancelled' ? { status: 'idle' } : { status: 'failed', error });
			throw error;
		}
	}

	private setState(state: LoadState): void {
		this.current = state;
		this.stateChanged.fire(state);
	}

	dispose(): void {
		this.generation.abort();
		this.pager.cancel();
		this.stateChanged.dispose();
	}
}
