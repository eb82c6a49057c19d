// The contacts session owns the data's life: the client (rebuilt when settings change), whether
// we are signed in, the store, and the shared loads. The tree, the search, the commands and the
// panel subscribe to it; nothing else keeps loading state. No `vscode` import.
import type { BaseUrl } from '../api/baseUrl';
import { PeriskopeClient, RequestLogLine, RetryNotice, TokenTarget } from '../api/client';
import type { Contact } from '../api/types';
import { Emitter } from './emitter';
import { ContactsLoader } from './loader';
import { ContactStore } from './store';

export interface SessionSettings {
	apiBase: BaseUrl;
	pageSize: number;
	requestTimeoutMs: number;
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
	/** Told when a smaller page size worked for an origin, to remember it. */
	onPageSizeLearned?(origin: string, size: number): void;
}

export class ContactsSession {
	readonly store = new ContactStore();
	readonly loader: ContactsLoader;
	private currentClient: PeriskopeClient;
	private readonly learned: Map<string, number>;
	private current: SessionSettings;
	private signedInNow = false;
	private readonly signedInChanged = new Emitter<boolean>();

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

	/** Told by the token store; signing in or out starts over from page one. */
	setSignedIn(signedIn: boolean): void {
		if (signedIn === this.signedInNow) return;
		this.signedInNow = signedIn;
		this.reset();
		this.signedInChanged.fire(signedIn);
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
		if (baseChanged || before.pageSize !== next.pageSize) this.reset();
	}

	/** A client that sends `token` (being checked for Set API Token) to the current API address. */
	clientWithToken(token: string): PeriskopeClient {
		return this.newClient(() => token);
	}

	/** Forgets what is loaded and stops what is loading; the next load starts from page one. */
	reset(): void {
		this.loader.reset(this.pageSize());
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
