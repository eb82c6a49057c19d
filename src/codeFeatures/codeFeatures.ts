// Contacts in the user's code: hover, links and completion for contact ids in any text file.
// They wake up only when a token is set and `periskope.codeFeatures.enabled` holds: until then
// nothing is registered. Answers come from the store; an id it lacks is read once (ContactLookup),
// and the first use starts loading the rest of the org in the background, once per load.
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { IdFormat } from '../contacts/format';
import { ContactLookup } from '../contacts/idLookup';
import type { ContactsSession } from '../contacts/session';
import { isKeyValueDocument } from '../contacts/stringContext';
import { ContactCompletionProvider } from './contactCompletion';
import { ContactHoverProvider } from './contactHover';
import { ContactLinkProvider } from './contactLinks';
import { suggestWhileTyping } from './suggestWhileTyping';

export interface CodeFeatureSettings {
	enabled: boolean;
	excludedLanguages: readonly string[];
	idFormat: IdFormat;
}

/** Editors of files and unsaved buffers; not output channels, diffs' git side, settings UIs. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

export class CodeFeatures implements vscode.Disposable {
	readonly lookup: ContactLookup;
	private registered: vscode.Disposable[] = [];
	private readonly subscriptions: vscode.Disposable[] = [];
	/** The background load was started since the store was last emptied. */
	private loadStarted = false;

	constructor(
		readonly session: ContactsSession,
		readonly settings: () => CodeFeatureSettings,
		private readonly log: vscode.LogOutputChannel,
	) {
		this.lookup = new ContactLookup({
			fetch: (id, signal) => session.getContact(id, signal),
			isNotFound: (e) => isApiError(e, 'notFound'),
			onFailure: (id, e) => log.warn(`Hover: could not read ${id}: ${e instanceof Error ? e.message : String(e)}`),
		});
		this.subscriptions.push(
			session.onDidChangeSignedIn(() => this.update()),
			session.store.onDidChange((change) => {
				if (!change.cleared) return;
				// Signed out, another API address, a refresh: earlier answers belong to that load.
				this.lookup.clear();
				this.loadStarted = false;
			}),
		);
		this.update();
	}

	/** Registers the providers when signed in with the features on, and drops them otherwise; settings changed: re-registers (editors ask again). */
	update(): void {
		for (const d of this.registered.splice(0)) d.dispose();
		if (!this.session.signedIn || !this.settings().enabled) return;
		this.registered.push(
			vscode.languages.registerHoverProvider(SELECTOR, new ContactHoverProvider(this)),
			vscode.languages.registerDocumentLinkProvider(SELECTOR, new ContactLinkProvider(this)),
			vscode.languages.registerCompletionItemProvider(SELECTOR, new ContactCompletionProvider(this)),
			suggestWhileTyping(this),
		);
	}

	get active(): boolean {
		return this.registered.length > 0;
	}

	/** Whether the features answer in `document` (its language is not excluded). */
	appliesTo(document: vscode.TextDocument): boolean {
		return this.active && !this.settings().excludedLanguages.includes(document.languageId);
	}

	keyValue(document: vscode.TextDocument): boolean {
		return isKeyValueDocument(document.languageId, document.fileName);
	}

	/** Whether `contactId` is loaded (a bare number is an id only then). */
	readonly isKnown = (contactId: string): boolean => this.session.store.get(contactId) !== undefined;

	/** Starts loading the rest of the org, once per load; a failure is logged, not retried until the next load. */
	ensureLoading(): void {
		const loader = this.session.loader;
		if (this.loadStarted || !this.session.signedIn) return;
		this.loadStarted = true;
		// The cached contacts first (they answer at once, and revalidate in the background), then the rest.
		void this.session
			.open()
			.then(() => (loader.hasMore ? loader.loadAll() : undefined))
			.catch((e: unknown) => {
				if (!isApiError(e, 'cancelled')) this.log.warn(`Contacts in code: loading the contacts failed: ${e instanceof Error ? e.message : String(e)}`);
			});
	}

	dispose(): void {
		for (const d of this.registered.splice(0)) d.dispose();
		for (const d of this.subscriptions.splice(0)) d.dispose();
		this.lookup.dispose();
	}
}

/** An AbortSignal that aborts with `token`; dispose the listener with the returned function. */
export function signalOf(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
	const controller = new AbortController();
	if (token.isCancellationRequested) controller.abort();
	const listener = token.onCancellationRequested(() => controller.abort());
	return { signal: controller.signal, dispose: () => listener.dispose() };
}
