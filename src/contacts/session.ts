// The contacts session owns the data's life: the client (rebuilt when settings change), whether
// we are signed in, the store, and the shared loads. The tree, the search, the commands and the
// panel subscribe to it; nothing else keeps loading state. No `vscode` import.
import type { BaseUrl } from '../api/baseUrl';
import { PeriskopeClient, RequestLogLine, RetryNotice, TokenTarget } from '../api/client';
import type { Contact } from '../api/types';
import { accountKey, CacheFiles } from './cacheFiles';
import { Emitter } from './emitter';
import { formatAge } from './format';
import { ContactsLoader } from './loader';
import { ContactStore } from './store';

export interface SessionSettings {
	apiBase: BaseUrl;
	pageSize: number;
	requestTimeoutMs: number;
	/** Keep the contacts on disk between sessions (periskope.cache.enabled). */
	cacheEnabled: boolean;
	/** A cache younger than this is shown without a reload on start; 0: always reload in the background. */
	cacheMaxAgeMs: number;
}

/** The persistent cache's side of the session: where the files are, and the token they are keyed by. */
export interface SessionCacheOptions {
	files: CacheFiles;
	/** The stored token, read without asking anyone (no request is made with it here). */
	currentToken(): Promise<string | undefined>;
	/** One line per thing worth knowing (restored, saved, ignored, deleted). */
	log(text: string): void;
	/** Quiet time after the last change before the contacts are saved, and the longest wait. */
	saveDelayMs?: number;
	saveMaxDelayMs?: number;
	now?(): number;
}

export interface SessionOptions {
	settings: SessionSettings;
	/** The token for a request to `target` (the token guard): undefined when signed out; may throw 'tokenWithheld'. */
	tokenFor(target: TokenTarget): Promise<string | undefined>;
	userAgent: string;
	onRequest?(line: RequestLogLine): void;
	onRetry?(notice: RetryNotice): void;
	/** What paging noticed about the server, for the log. */
	onNotice?(text: string): void;
	/** Page sizes that worked after the server refused a larger one, per API origin (remembered across sessions). */
	learnedPageSizes?: Record<string, number>;
	/**
	 * Told when a smaller page size worked for an origin, to remember it; `undefined` when the user
	 * changed the page size setting, to forget it (their new choice is tried first).
	 */
	onPageSizeLearned?(origin: string, size: number | undefined): void;
	/** The persistent cache; without it, every session loads from the API. */
	cache?: SessionCacheOptions;
}

export class ContactsSession {
	readonly store = new ContactStore();
	readonly loader: ContactsLoader;
	private currentClient: PeriskopeClient;
	private readonly learned: Map<string, number>;
	private current: SessionSettings;
	private signedInNow = false;
	private readonly signedInChanged = new Emitter<boolean>();
	/** This generation's restore from the cache (reset starts a new one). */
	private opening: Promise<void> | undefined;
	private generation = 0;
	/** Cache file operations, one after another: a delete is never overtaken by a save. */
	private disk: Promise<unknown> = Promise.resolve();
	private saveTimer: ReturnType<typeof setTimeout> | undefined;
	private firstUnsaved: number | undefined;
	private readonly subscriptions: { dispose(): void }[] = [];

	/** Fires when the user signs in or out (here or in another window). */
	readonly onDidChangeSignedIn = this.signedInChanged.event;

	constructor(private readonly options: SessionOptions) {
		this.current = options.settings;
		this.currentClient = this.newClient();
		this.learned = new Map(Object.entries(options.learnedPageSizes ?? {}).filter(([, v]) => Number.isInteger(v) && v >= 1));
		this.loader = new ContactsLoader(this.store, () => this.currentClient, this.pageSize(), options.onNotice, (size) => {
			const base = this.current.apiBase;
			if (!base.ok) return;
			this.learned.set(base.origin, size);
			options.onPageSizeLearned?.(base.origin, size);
		});
		if (options.cache) {
			this.subscriptions.push(
				this.store.onDidChange((change) => {
					if (!change.cleared) this.scheduleSave();
				}),
				// A walk that ends (complete, or a revalidation that changed nothing) is worth a save too.
				this.loader.onDidChangeState((state) => {
					if (state.status === 'idle' && this.loader.started && !this.loader.hasMore) this.scheduleSave();
				}),
			);
		}
	}

	get client(): PeriskopeClient {
		return this.currentClient;
	}
	get settings(): SessionSettings {
		return this.current;
	}
	/** The one place that says whether a token is set. */
	get signedIn(): boolean {
		return this.signedInNow;
	}

	/**
	 * Told by the token store when the token was set, replaced or deleted: starts over from page
	 * one. Contacts on disk belong to the token that loaded them: signed out, none stay; with
	 * another token, only its own.
	 */
	setSignedIn(signedIn: boolean): void {
		const changed = signedIn !== this.signedInNow;
		this.signedInNow = signedIn;
		this.reset();
		void this.deleteCacheFiles(signedIn ? 'otherAccounts' : 'all');
		if (changed) this.signedInChanged.fire(signedIn);
	}

	/**
	 * New settings apply to the next request: the client is rebuilt at once. A new API address
	 * or page size starts over from page one (the loaded rows belong to the old ones).
	 */
	applySettings(next: SessionSettings): void {
		const before = this.current;
		this.current = next;
		const baseChanged = baseKey(before.apiBase) !== baseKey(next.apiBase);
		if (baseChanged || before.requestTimeoutMs !== next.requestTimeoutMs) this.currentClient = this.newClient();
		if (before.pageSize !== next.pageSize && next.apiBase.ok && this.learned.delete(next.apiBase.origin)) {
			this.options.onPageSizeLearned?.(next.apiBase.origin, undefined);
		}
		if (baseChanged || before.pageSize !== next.pageSize) this.reset();
		if (before.cacheEnabled && !next.cacheEnabled) void this.deleteCacheFiles('all');
	}

	/** A client that sends `token` (being checked for Set API Token) to the current API address. */
	clientWithToken(token: string): PeriskopeClient {
		return this.newClient(() => token);
	}

	/** Forgets what is loaded and stops what is loading; the next load starts from page one (or the cache). */
	reset(): void {
		this.generation++;
		this.opening = undefined;
		this.cancelSave();
		this.loader.reset(this.pageSize());
	}

	/**
	 * Makes the contacts available as fast as possible: the first caller of a session (the tree,
	 * the search, the code features) restores the persistent cache, if there is one for this
	 * account, and starts its revalidation in the background. Resolves when the cached contacts are
	 * in the store (or there are none); never fails, never makes a request itself.
	 */
	open(): Promise<void> {
		if (!this.signedInNow || !this.options.cache || !this.current.cacheEnabled) return Promise.resolve();
		this.opening ??= this.restore(this.generation);
		return this.opening;
	}

	/** Deletes the cache files on disk ("Clear Cached Contacts"); what is loaded stays. Returns how many. */
	clearCache(): Promise<number> {
		this.cancelSave();
		return this.deleteCacheFiles('all');
	}

	/** Saves the loaded contacts now (normally a few seconds after the last change). */
	saveNow(): Promise<void> {
		this.cancelSave();
		return this.queueDisk(() => this.save(this.generation));
	}

	private async restore(generation: number): Promise<void> {
		const cache = this.options.cache!;
		const started = performance.now();
		const account = await this.account();
		if (!account || generation !== this.generation) return;
		const read = await this.queueDisk(() => cache.files.read(account)).catch((e: unknown) => ({ status: 'ignored' as const, reason: String(e) }));
		// Signed out, settings changed, or a page came first while the file was read: not these contacts.
		if (generation !== this.generation || this.loader.started || !this.signedInNow) return;
		if (read.status === 'ignored') {
			cache.log(`Ignored the contacts cache: ${read.reason}. It is replaced after the next load.`);
			return;
		}
		if (read.status === 'none') return;
		const { header, rows } = read.contents;
		await this.loader.restore(read.contents);
		if (generation !== this.generation) return;
		const now = this.now();
		const age = Math.max(0, now - header.savedAt);
		cache.log(
			`Restored ${rows.count.toLocaleString('en-US')} contacts from the cache (saved ${formatAge(age)} ago, ${Math.round(read.bytes / 1024)} KB, ${Math.round(performance.now() - started)} ms).`,
		);
		const fresh = header.complete && this.current.cacheMaxAgeMs > 0 && age < this.current.cacheMaxAgeMs;
		if (!fresh) void this.loader.revalidate();
	}

	private scheduleSave(): void {
		const cache = this.options.cache;
		if (!cache || !this.current.cacheEnabled || !this.signedInNow) return;
		const now = this.now();
		this.firstUnsaved ??= now;
		const delay = cache.saveDelayMs ?? 2000;
		const maxDelay = cache.saveMaxDelayMs ?? 15_000;
		// Debounced while pages arrive, but never put off for longer than maxDelay.
		const wait = Math.max(0, Math.min(delay, this.firstUnsaved + maxDelay - now));
		if (this.saveTimer) clearTimeout(this.saveTimer);
		const generation = this.generation;
		this.saveTimer = setTimeout(() => {
			this.saveTimer = undefined;
			this.firstUnsaved = undefined;
			void this.queueDisk(() => this.save(generation));
		}, wait);
	}

	private cancelSave(): void {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = undefined;
		this.firstUnsaved = undefined;
	}

	private async save(generation: number): Promise<void> {
		const cache = this.options.cache;
		if (!cache || !this.current.cacheEnabled || !this.signedInNow || generation !== this.generation) return;
		// Cached contacts not yet revalidated keep their old date in the file they came from.
		if (this.loader.cache || this.loader.restoringCache || this.store.size === 0) return;
		const account = await this.account();
		if (!account || generation !== this.generation || !this.signedInNow) return;
		const started = performance.now();
		const contacts = this.store.all();
		const complete = !this.loader.hasMore && !this.loader.listChanged;
		try {
			const bytes = await cache.files.write(account, contacts, { savedAt: this.now(), total: this.store.total ?? -1, complete });
			const took = `${Math.round(bytes / 1024)} KB, ${Math.round(performance.now() - started)} ms${complete ? '' : ', not all loaded yet'}`;
			cache.log(`Saved ${contacts.length.toLocaleString('en-US')} contacts to the cache (${took}): ${cache.files.pathOf(account)}`);
		} catch (e) {
			cache.log(`Could not save the contacts cache: ${(e as Error).message}`);
		}
	}

	private deleteCacheFiles(which: 'all' | 'otherAccounts'): Promise<number> {
		const cache = this.options.cache;
		if (!cache) return Promise.resolve(0);
		return this.queueDisk(async () => {
			const keep = which === 'otherAccounts' && this.current.cacheEnabled ? await this.account() : undefined;
			const deleted = await cache.files.deleteAll(keep);
			if (deleted) cache.log(`Deleted ${deleted} contacts cache file${deleted === 1 ? '' : 's'}${which === 'all' ? '' : ' of another account'}.`);
			return deleted;
		}).catch((e: unknown) => {
			cache.log(`Could not delete the contacts cache: ${(e as Error).message}`);
			return 0;
		});
	}

	private queueDisk<T>(op: () => Promise<T>): Promise<T> {
		const next = this.disk.then(op, op);
		this.disk = next.catch(() => undefined);
		return next;
	}

	/** Whose contacts: the configured API origin and the stored token, hashed (see accountKey). */
	private async account(): Promise<string | undefined> {
		const base = this.current.apiBase;
		const token = base.ok ? await this.options.cache?.currentToken() : undefined;
		return base.ok && token ? accountKey(base.origin, token) : undefined;
	}

	private now(): number {
		return this.options.cache?.now?.() ?? Date.now();
	}

	/** The page size to ask for: the setting, unless this API address refused it before. */
	private pageSize(): number {
		const base = this.current.apiBase;
		const learned = base.ok ? this.learned.get(base.origin) : undefined;
		return learned !== undefined ? Math.min(learned, this.current.pageSize) : this.current.pageSize;
	}

	/** One contact with its chats: the store's row is not enough (no chat_ids). */
	getContact(contactId: string, signal?: AbortSignal): Promise<Contact> {
		return this.currentClient.getContact(contactId, { signal });
	}

	dispose(): void {
		// Disk operations still queued see another generation and do nothing.
		this.generation++;
		this.cancelSave();
		for (const s of this.subscriptions) s.dispose();
		this.loader.dispose();
		this.store.dispose();
		this.signedInChanged.dispose();
	}

	private newClient(token?: () => string): PeriskopeClient {
		return new PeriskopeClient({
			baseUrl: this.current.apiBase,
			getToken: token ?? ((target) => this.options.tokenFor(target)),
			timeoutMs: this.current.requestTimeoutMs,
			userAgent: this.options.userAgent,
			onRequest: this.options.onRequest,
			onRetry: this.options.onRetry,
		});
	}
}

function baseKey(base: BaseUrl): string {
	return base.ok ? base.url : `refused:${base.raw}`;
}
