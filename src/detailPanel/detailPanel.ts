// The contact detail panel: one webview panel, reused for whichever contact is shown.
// The page gets data only after it says `ready`; the extension builds the view model, so the
// page never sees a raw API object. Strict CSP with a crypto nonce, no data in the HTML.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { Contact } from '../api/types';
import { Command, SECTION, Setting } from '../config';
import { clip, TAB_TITLE_MAX, whatsAppUrl } from '../contacts/format';
import { ChatsState, ExtensionToWebview, isWebviewToExtension, ShowMessage, WebviewToExtension } from './protocol';
import { buildContactViewModel, chatsErrorState, chatsState, mergeContact, placeholderContact, restoredContactId } from './contactViewModel';

export const DETAIL_VIEW_TYPE = 'periskope.contactDetail';

export interface DetailPanelDeps {
	/** The list row for an id, if the store has loaded it (a restored panel starts from it). */
	listed(contactId: string): Contact | undefined;
	/** `GET /contacts/{id}`, including chat_ids; throws PeriskopeApiError. */
	fetchContact(contactId: string, signal: AbortSignal): Promise<Contact>;
	/** Results are ignored, so the command helpers (which return the text) fit as they are. */
	copyId(contact: Contact): Thenable<unknown> | Promise<unknown>;
	insertId(contact: Contact): Thenable<unknown> | Promise<unknown>;
	/** Edit Labels… / Rename… for the shown contact (the commands report their own outcome). */
	editLabels(contact: Contact): Thenable<unknown> | Promise<unknown>;
	rename(contact: Contact): Thenable<unknown> | Promise<unknown>;
	log: vscode.LogOutputChannel;
}

export class ContactDetailPanel implements vscode.Disposable {
	private panel: vscode.WebviewPanel | undefined;
	/** Listeners that live as long as the current panel. */
	private panelDisposables: vscode.Disposable[] = [];
	private disposed = false;

	/** The contact as the list gave it, and the fresher single-contact read once it arrives. */
	private listed: Contact | undefined;
	private detail: Contact | undefined;
	private chats: ChatsState = { state: 'loading' };
	private fetching: AbortController | undefined;

	/** True between the page's `ready` and the page going away (hidden or disposed). */
	private pageReady = false;
	/** The latest view, re-posted to every freshly loaded page. */
	private latest: ShowMessage | undefined;
	/** Action errors posted while the page was not ready. */
	private pending: ExtensionToWebview[] = [];


	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly deps: DetailPanelDeps,
	) {}

	/** Creates the panel or reveals it without taking focus, shows this contact and fetches its details. */
	show(contact: Contact): void {
		if (this.disposed) return;
		if (this.panel) this.panel.reveal(undefined, true);
		else this.panel = this.createPanel();
		if (this.listed?.contact_id !== contact.contact_id) {
			this.detail = undefined;
			this.pending = [];
		}
		this.listed = contact;
		this.load();
	}

	/**
	 * VS Code brings back a panel that was open before the window reloaded (see `serializer`):
	 * adopt it and load its contact again. A second panel, or one with unusable state, is closed.
	 */
	restore(panel: vscode.WebviewPanel, state: unknown): void {
		const contactId = restoredContactId(state);
		if (this.disposed || this.panel || !contactId) {
			const reason = this.disposed ? 'the extension is shutting down' : this.panel ? 'a contact panel is already open' : 'its saved state names no contact';
			this.deps.log.info(`Contact panel: not restoring a panel from before the reload: ${reason}.`);
			panel.dispose();
			return;
		}
		this.panel = panel;
		this.setUp(panel);
		this.listed = this.deps.listed(contactId) ?? placeholderContact(contactId);
		this.load();
	}

	/** Registered with VS Code so the panel survives a window reload. */
	serializer(): vscode.WebviewPanelSerializer {
		return { deserializeWebviewPanel: async (panel, state) => this.restore(panel, state) };
	}

	/**
	 * A contact was edited (or the edit undone): if it is the one shown, show its new name,
	 * labels and flags at once, over the detail read too.
	 */
	contactChanged(contact: Contact): void {
		if (!this.panel || this.listed?.contact_id !== contact.contact_id) return;
		this.listed = contact;
		if (this.detail) this.detail = { ...this.detail, contact_name: contact.contact_name, labels: contact.labels, is_internal: contact.is_internal, updated_at: contact.updated_at };
		this.update();
	}

	/** Fetches the shown contact again (e.g. after the token changed). */
	refresh(): void {
		if (this.panel && this.listed) this.load();
	}

	/** Closes the panel, if open (e.g. on sign-out: no contact stays on screen). */
	close(): void {
		this.panel?.dispose(); // fires onDidDispose -> clear()
	}

	dispose(): void {
		if (this.disposed) return;
		this.disposed = true;
		this.panel?.dispose(); // fires onDidDispose -> clear()
		this.clear();
	}

	// ---- data ----

	private load(): void {
		const contact = this.listed;
		if (!contact) return;
		this.fetching?.abort();
		const controller = new AbortController();
		this.fetching = controller;
		this.chats = { state: 'loading' };
		this.update();

		const id = contact.contact_id;
		Promise.resolve()
			.then(() => this.deps.fetchContact(id, controller.signal))
			.then(
				(detail) => {
					if (controller !== this.fetching || controller.signal.aborted) return;
					this.fetching = undefined;
					this.detail = detail;
					this.chats = chatsState(id, detail?.chat_ids);
					this.update();
				},
				(error: unknown) => {
					// A newer show() or refresh aborted this one: its result no longer matters.
					if (controller !== this.fetching || controller.signal.aborted) return;
					this.fetching = undefined;
					this.deps.log.warn(`Contact details for ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
					this.chats = chatsErrorState(error);
					this.update();
				},
			);
	}

	/** The contact as best we know it: the list row overlaid with the detail read. */
	private current(): Contact | undefined {
		return this.listed && mergeContact(this.listed, this.detail);
	}

	private update(): void {
		const contact = this.current();
		if (!contact || !this.panel) return;
		const view = buildContactViewModel(contact);
		this.panel.title = clip(view.name, TAB_TITLE_MAX);
		this.latest = { type: 'show', contact: view, chats: this.chats };
		this.flush();
	}

	// ---- messages ----

	private postError(message: string): void {
		this.pending.push({ type: 'error', message });
		this.flush();
	}

	/** Posts the latest view and queued errors, only once the page is ready. */
	private flush(): void {
		const panel = this.panel;
		if (!panel || !this.pageReady) return;
		const messages: ExtensionToWebview[] = [];
		if (this.latest) messages.push(this.latest);
		messages.push(...this.pending);
		this.pending = [];
		for (const message of messages) {
			panel.webview.postMessage(message).then(
				(delivered) => {
					if (!delivered) this.deps.log.debug(`Contact panel: ${message.type} not delivered (page not live).`);
				},
				(e: unknown) => this.deps.log.warn(`Contact panel: posting ${message.type} failed: ${String(e)}`),
			);
		}
	}

	private async onMessage(message: WebviewToExtension): Promise<void> {
		switch (message.type) {
			case 'ready':
				this.pageReady = true;
				this.flush();
				return;
				return;
			case 'runAction':
				if (message.action === 'retry') this.refresh();
				else if (message.action === 'setToken') {
					await vscode.commands.executeCommand(Command.setToken);
					this.refresh();
				} else if (message.action === 'openSettings') {
					await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${Setting.apiBaseUrl}`);
				} else {
					this.deps.log.show(true);
				}
				return;
		}
		// The rest act on a contact: ignore a click from a page that still shows an older one.
		const contact = this.current();
		if (!contact || contact.contact_id !== message.contactId) {
			this.deps.log.debug(`Contact panel: ignored ${message.type} for a contact no longer shown.`);
			return;
		}
		switch (message.type) {
			case 'copyId':
				return this.runAction('copy the contact id', () => this.deps.copyId(contact));
			case 'insertId':
				return this.runAction('insert the contact id', () => this.deps.insertId(contact));
			case 'openWhatsApp':
				return this.runAction('open WhatsApp', async () => {
					const url = whatsAppUrl(contact.contact_id);
					if (!url) throw new Error('this contact has no phone number (it is a group or has an unusual id)');
					await vscode.env.openExternal(vscode.Uri.parse(url));
				});
			case 'refresh':
				this.load();
				return;
			case 'editLabels':
				return this.runAction('edit the labels', () => this.deps.editLabels(contact));
			case 'rename':
				return this.runAction('rename the contact', () => this.deps.rename(contact));
		}
	}

	private async runAction(what: string, action: () => Thenable<unknown> | Promise<unknown>): Promise<void> {
		try {
			await action();
		} catch (e) {
			const reason = e instanceof Error ? e.message : String(e);
			this.deps.log.error(`Contact panel: could not ${what}: ${reason}`);
			this.postError(`Could not ${what}: ${reason}`);
		}
	}

	// ---- panel ----

	private createPanel(): vscode.WebviewPanel {
		const panel = vscode.window.createWebviewPanel(DETAIL_VIEW_TYPE, 'Contact', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableFindWidget: true });
		this.setUp(panel);
		return panel;
	}

	/** Options, icon, listeners and page for a new or a restored panel. */
	private setUp(panel: vscode.WebviewPanel): void {
		const media = vscode.Uri.joinPath(this.extensionUri, 'media');
		panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
		panel.iconPath = vscode.Uri.joinPath(media, 'periskope.svg');
		this.pageReady = false;
		this.panelDisposables.push(
			panel.webview.onDidReceiveMessage((raw: unknown) => {
				if (!isWebviewToExtension(raw)) {
					this.deps.log.warn('Contact panel: ignored a malformed message from the page.');
					return;
				}
				this.onMessage(raw).catch((e: unknown) => this.deps.log.error(`Contact panel: ${raw.type} failed: ${e instanceof Error ? e.message : String(e)}`));
			}),
			// Without retainContextWhenHidden a hidden page is torn down; the reloaded one says `ready` again.
			panel.onDidChangeViewState((e) => {
				if (!e.webviewPanel.visible) this.pageReady = false;
			}),
			panel.onDidDispose(() => this.clear()),
		);
		panel.webview.html = this.html(panel.webview, media);
	}

	private html(webview: vscode.Webview, media: vscode.Uri): string {
		const nonce = crypto.randomBytes(16).toString('base64');
		const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'build', 'panel.js'));
		const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
		const csp = [
			`default-src 'none'`,
			`img-src ${webview.cspSource} https:`,
			`style-src ${webview.cspSource}`,
			`script-src 'nonce-${nonce}'`,
		].join('; ');
		return `<!DOCTYPE html>
<html lang="en">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${csp}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	<link rel="stylesheet" href="${style.toString()}">
	<title>Contact</title>
</head>
<body>
	<main id="root"><p class="muted">Loading contact…</p></main>
	<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
	}

	/** The panel is gone: forget everything about it. */
	private clear(): void {
		this.fetching?.abort();
		this.fetching = undefined;
		for (const d of this.panelDisposables) d.dispose();
		this.panelDisposables = [];
		this.panel = undefined;
		this.pageReady = false;
		this.listed = undefined;
		this.detail = undefined;
		this.chats = { state: 'loading' };
		this.latest = undefined;
		this.pending = [];
	}
}
