// Set API Token (validated with a one-contact request before it is stored) and Sign Out.
import * as vscode from 'vscode';
import { PeriskopeClient } from '../api/client';
import { PeriskopeApiError } from '../api/errors';
import type { BaseUrl } from '../api/baseUrl';
import type { TokenStore } from '../auth/tokenStore';
import { Command } from '../config';

export interface TokenCommandDeps {
	tokens: TokenStore;
	/** A client that uses `token` instead of the stored one, and the API it talks to now. */
	clientFor(token: string): PeriskopeClient;
	apiBase(): BaseUrl;
}

/** Checks a token against the API; resolves to a reason when it is refused. */
export async function checkToken(client: PeriskopeClient, signal?: AbortSignal): Promise<string | undefined> {
	try {
		await client.listContacts(0, 1, { signal });
		return undefined;
	} catch (e) {
		if (e instanceof PeriskopeApiError && e.kind === 'unauthorized') {
			return `Periskope refused this token${e.apiMessage ? `: ${e.apiMessage}` : ''}.`;
		}
		throw e;
	}
}

/**
 * With a token argument (automation, tests) it validates and stores that token, throwing
 * when refused. Without one it asks in a password box that stays open until a token works.
 */
export async function setToken(deps: TokenCommandDeps, given?: unknown): Promise<boolean> {
	if (typeof given === 'string') {
		const token = given.trim();
		const base = deps.apiBase();
		if (!base.ok) throw new PeriskopeApiError('config', `Nothing was sent: ${base.reason}`);
		const refused = token ? await checkToken(deps.clientFor(token)) : 'The token is empty.';
		if (refused) throw new PeriskopeApiError('unauthorized', refused);
		// Bound to the origin it was just checked against: it goes nowhere else without asking.
		await deps.tokens.set(token, base.origin);
		return true;
	}
	const stored = await askForToken(deps);
	if (stored) void vscode.window.showInformationMessage('Periskope API token saved. Loading contacts…');
	return stored;
}

function askForToken(deps: TokenCommandDeps): Promise<boolean> {
	return new Promise((resolve) => {
		const box = vscode.window.createInputBox();
		const base = deps.apiBase();
		box.title = 'Periskope API Token';
		box.prompt = base.ok
			? `Paste the API token of your organisation (Periskope → Settings → API). It is kept in VS Code secret storage and sent only to ${base.host}.`
			: `The API base URL setting is refused: ${base.reason}`;
		box.placeholder = 'API token';
		box.password = true;
		box.ignoreFocusOut = true;
		let checking: AbortController | undefined;
		let done = false;
		const finish = (stored: boolean) => {
			if (done) return;
			done = true;
			checking?.abort();
			box.dispose();
			resolve(stored);
		};
		box.onDidChangeValue(() => {
			box.validationMessage = undefined;
		});
		box.onDidAccept(async () => {
			const token = box.value.trim();
			if (!token) {
				box.validationMessage = 'Enter a token.';
				return;
			}
			const target = deps.apiBase();
			if (!target.ok) {
				box.validationMessage = { message: `Fix periskope.apiBaseUrl first: ${target.reason}`, severity: vscode.InputBoxValidationSeverity.Error };
				return;
			}
			checking?.abort();
			checking = new AbortController();
			const signal = checking.signal;
			box.busy = true;
			box.enabled = false;
			try {
				const refused = await checkToken(deps.clientFor(token), signal);
				if (signal.aborted) return;
				if (refused) {
					box.validationMessage = { message: refused, severity: vscode.InputBoxValidationSeverity.Error };
					return;
				}
				await deps.tokens.set(token, target.origin);
				finish(true);
			} catch (e) {
				if (signal.aborted) return;
				const reason = e instanceof Error ? e.message : String(e);
				box.validationMessage = { message: `Could not check the token: ${reason}`, severity: vscode.InputBoxValidationSeverity.Error };
			} finally {
				if (!done) {
					box.busy = false;
					box.enabled = true;
				}
			}
		});
		box.onDidHide(() => finish(false));
		box.show();
	});
}

export async function signOut(tokens: TokenStore): Promise<void> {
	await tokens.clear();
	// The view shows the welcome where the user looks; a toast on top would only need closing.
	vscode.window.setStatusBarMessage('$(sign-out) Signed out of Periskope: the API token was removed from secret storage.', 5000);
}

/** Set API Token, Sign Out, and "Allow the new address…" (the token guard asks again on the next request). */
export function tokenCommands(deps: TokenCommandDeps & { reconsider(): void; reset(): void }): Record<string, (token?: unknown) => unknown> {
	return {
		[Command.setToken]: (token?: unknown) => setToken(deps, token),
		[Command.signOut]: () => signOut(deps.tokens),
		[Command.allowApiOrigin]: () => {
			deps.reconsider();
			deps.reset();
		},
	};
}
