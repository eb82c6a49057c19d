// The API token lives only in SecretStorage. This wrapper caches it for requests and tells
// the rest of the extension when it changes, here or in another window.
import * as vscode from 'vscode';

const SECRET_KEY = 'periskope.apiToken';

export class TokenStore implements vscode.Disposable {
	private cached: string | undefined;
	private loaded = false;
	private readonly changed = new vscode.EventEmitter<boolean>();
	private readonly subscription: vscode.Disposable;

	/** Fires with "signed in" after the token was stored, replaced or deleted. */
	readonly onDidChange = this.changed.event;

	constructor(private readonly secrets: vscode.SecretStorage) {
		// Another window (or the Settings Sync of secrets) changed it.
		this.subscription = secrets.onDidChange(async (e) => {
			if (e.key !== SECRET_KEY) return;
			const before = this.cached;
			this.cached = await secrets.get(SECRET_KEY);
			if (before !== this.cached) this.changed.fire(!!this.cached);
		});
	}

	async get(): Promise<string | undefined> {
		if (!this.loaded) {
			this.cached = await this.secrets.get(SECRET_KEY);
			this.loaded = true;
		}
		return this.cached;
	}

	async set(token: string): Promise<void> {
		await this.secrets.store(SECRET_KEY, token);
		// The storing window gets no onDidChange of its own; update and tell listeners here.
		this.cached = token;
		this.loaded = true;
		this.changed.fire(true);
	}

	async clear(): Promise<void> {
		await this.secrets.delete(SECRET_KEY);
		this.cached = undefined;
		this.loaded = true;
		this.changed.fire(false);
	}

	dispose(): void {
		this.subscription.dispose();
		this.changed.dispose();
	}
}
