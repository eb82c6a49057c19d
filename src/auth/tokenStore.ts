// The API token lives only in SecretStorage, bound to the API origin it was checked against.
// This wrapper caches both for requests and tells the rest of the extension when the token
// changes, here or in another window.
import * as vscode from 'vscode';

const TOKEN_KEY = 'periskope.apiToken';
/** The origin (scheme://host:port) the token was checked against when it was set. */
const ORIGIN_KEY = 'periskope.apiTokenOrigin';

export interface BoundToken {
	token: string;
	/** Undefined for a token stored before tokens were bound (bound on first use). */
	origin: string | undefined;
}

export class TokenStore implements vscode.Disposable {
	private cached: BoundToken | undefined;
	private loading: Promise<BoundToken | undefined> | undefined;
	/** The token listeners were last told about (null: not read yet): each change is told once. */
	private announced: string | undefined | null = null;
	/** Bumped before and after every write here: a read that overlapped one is stale and dropped. */
	private version = 0;
	private readonly changed = new vscode.EventEmitter<boolean>();
	private readonly subscription: vscode.Disposable;

	/**
	 * Fires with "signed in" after the token was stored, replaced or deleted (not when only its
	 * origin moves), once per change: storing writes two secrets, and each echoes back as an event.
	 */
	readonly onDidChange = this.changed.event;

	constructor(private readonly secrets: vscode.SecretStorage) {
		// Another window (or the Settings Sync of secrets) changed it.
		this.subscription = secrets.onDidChange(async (e) => {
			if (e.key !== TOKEN_KEY && e.key !== ORIGIN_KEY) return;
			const version = this.version;
			this.loading = undefined;
			const now = await this.get();
			// Our own write (set, clear) is under way or done: it announced what it wrote.
			if (version === this.version) this.announce(now?.token);
		});
	}

	get(): Promise<BoundToken | undefined> {
		if (this.loading) return this.loading;
		const version = this.version;
		const loading = this.read().then((t) => {
			// A write here since the read began: what it wrote is the truth, not what was read.
			if (version !== this.version) return this.cached;
			this.cached = t;
			// The first read is what everyone starts from: nothing to announce.
			if (this.announced === null) this.announced = t?.token;
			return t;
		});
		this.loading = loading;
		return loading;
	}

	private announce(token: string | undefined): void {
		if (token === this.announced) return;
		this.announced = token;
		this.changed.fire(token !== undefined);
	}

	/** Stores a token checked against `origin`. */
	async set(token: string, origin: string): Promise<void> {
		this.version++;
		// Origin first: a token must never be readable without the origin it belongs to.
		await this.secrets.store(ORIGIN_KEY, origin);
		await this.secrets.store(TOKEN_KEY, token);
		this.version++;
		// The storing window gets no onDidChange of its own; update and tell listeners here.
		this.cached = { token, origin };
		this.loading = Promise.resolve(this.cached);
		this.announce(token);
	}

	/** The user allowed the token to go to another origin: it is bound there now. */
	async rebind(origin: string): Promise<void> {
		const current = await this.get();
		if (!current) return;
		this.version++;
		await this.secrets.store(ORIGIN_KEY, origin);
		this.version++;
		this.cached = { token: current.token, origin };
		this.loading = Promise.resolve(this.cached);
	}

	async clear(): Promise<void> {
		this.version++;
		await this.secrets.delete(TOKEN_KEY);
		await this.secrets.delete(ORIGIN_KEY);
		this.version++;
		this.cached = undefined;
		this.loading = Promise.resolve(undefined);
		this.announce(undefined);
	}

	private async read(): Promise<BoundToken | undefined> {
		const token = await this.secrets.get(TOKEN_KEY);
		if (!token) return undefined;
		return { token, origin: (await this.secrets.get(ORIGIN_KEY)) || undefined };
	}

	dispose(): void {
		this.subscription.dispose();
		this.changed.dispose();
	}
}
