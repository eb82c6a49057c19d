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
	private readonly changed = new vscode.EventEmitter<boolean>();
	private readonly subscription: vscode.Disposable;

	/** Fires with "signed in" after the token was stored, replaced or deleted (not when only its origin moves). */
	readonly onDidChange = this.changed.event;

	constructor(private readonly secrets: vscode.SecretStorage) {
		// Another window (or the Settings Sync of secrets) changed it.
		this.subscription = secrets.onDidChange(async (e) => {
			if (e.key !== TOKEN_KEY && e.key !== ORIGIN_KEY) return;
			const before = this.cached?.token;
			this.loading = undefined;
			const now = await this.get();
			if (before !== now?.token) this.changed.fire(!!now);
		});
	}

	get(): Promise<BoundToken | undefined> {
		this.loading ??= this.read().then((t) => (this.cached = t));
		return this.loading;
	}

	/** Stores a token checked against `origin`. */
	async set(token: string, origin: string): Promise<void> {
		// Origin first: a token must never be readable without the origin it belongs to.
		await this.secrets.store(ORIGIN_KEY, origin);
		await this.secrets.store(TOKEN_KEY, token);
		// The storing window gets no onDidChange of its own; update and tell listeners here.
		this.cached = { token, origin };
		this.loading = Promise.resolve(this.cached);
		this.changed.fire(true);
	}

	/** The user allowed the token to go to another origin: it is bound there now. */
	async rebind(origin: string): Promise<void> {
		const current = await this.get();
		if (!current) return;
		await this.secrets.store(ORIGIN_KEY, origin);
		this.cached = { token: current.token, origin };
		this.loading = Promise.resolve(this.cached);
	}

	async clear(): Promise<void> {
		await this.secrets.delete(TOKEN_KEY);
		await this.secrets.delete(ORIGIN_KEY);
		this.cached = undefined;
		this.loading = Promise.resolve(undefined);
		this.changed.fire(false);
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
