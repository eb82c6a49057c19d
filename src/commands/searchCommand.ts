// "Periskope: Search Contacts": a QuickPick answered from the local index, which loads
// the remaining pages in the background while the user types.
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import { neutraliseMarkup } from '../api/serverText';
import type { Contact } from '../api/types';
import { cleanText, clip, displayName, formatNumber, rowLabel, typeLabel } from '../contacts/format';
import type { ContactsSession } from '../contacts/session';

/** Results handed to the QuickPick: our own top N, never thousands of items. */
export const SEARCH_LIMIT = 50;

export type SearchAction = 'open' | 'copy' | 'insert';

export interface SearchDeps {
	session: ContactsSession;
	act(action: SearchAction, contactId: string): Thenable<unknown> | Promise<unknown>;
	log: vscode.LogOutputChannel;
}

interface ContactItem extends vscode.QuickPickItem {
	contactId?: string;
}

const COPY_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy Contact ID' };
const INSERT_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('insert'), tooltip: 'Insert Contact ID' };

/** QuickPick labels render `$(icon)` syntax; a contact's name must show as typed. */
const plain = neutraliseMarkup;

/** The handler of "Periskope: Search Contacts": one search open at a time. */
export function searchCommand(deps: SearchDeps, signIn: () => Thenable<unknown>): (query?: unknown) => unknown {
	let open: ContactSearch | undefined;
	return (query?: unknown) => {
		if (!deps.session.signedIn) return signIn();
		open?.dispose();
		open = new ContactSearch(deps, typeof query === 'string' ? query : '');
		return undefined;
	};
}

export class ContactSearch implements vscode.Disposable {
	private readonly quickPick = vscode.window.createQuickPick<ContactItem>();
	private readonly disposables: vscode.Disposable[] = [this.quickPick];
	private readonly loading = new AbortController();
	private renderTimer: ReturnType<typeof setTimeout> | undefined;
	private prepareTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly deps: SearchDeps, initialQuery = '') {
		const qp = this.quickPick;
		qp.title = 'Search Periskope Contacts';
		qp.placeholder = 'Name, number or label';
		qp.matchOnDescription = false;
		qp.matchOnDetail = false;
		qp.value = initialQuery;
		this.disposables.push(
			qp.onDidChangeValue(() => this.render()),
			qp.onDidAccept(() => {
				const item = qp.selectedItems[0];
				if (item?.contactId) void this.chooseAction(item.contactId);
			}),
			qp.onDidTriggerItemButton((e) => {
				if (!e.item.contactId) return;
				const action: SearchAction = e.button === COPY_BUTTON ? 'copy' : 'insert';
				qp.hide();
				void this.run(action, e.item.contactId);
			}),
			qp.onDidHide(() => this.dispose()),
			deps.session.store.onDidChange(() => this.scheduleRender()),
		);
		this.render();
		qp.show();
		// Index what is loaded while the user starts typing, not on the first keystroke.
		this.prepareTimer = setTimeout(() => deps.session.store.prepareSearch(), 0);
		void this.loadRest();
	}

	/** Re-runs the query against the index. */
	render(): void {
		if (this.renderTimer) clearTimeout(this.renderTimer);
		this.renderTimer = undefined;
		const query = this.quickPick.value.trim();
		const { store, loader } = this.deps.session;
		const contacts = query ? store.search(query, SEARCH_LIMIT) : store.first(SEARCH_LIMIT);
		const items: ContactItem[] = contacts.map(toItem);
		if (items.length === 0 && store.size > 0 && query) {
			const more = loader.hasMore ? ' yet (still loading contacts…)' : '';
			items.push({ label: `No contacts match “${plain(query)}”${more}`, alwaysShow: true });
		}
		this.quickPick.items = items;
		this.updateTitle();
	}

	private scheduleRender(): void {
		this.renderTimer ??= setTimeout(() => {
			this.render();
			// Pages arriving in the background are indexed as they come, a few ms each.
			this.deps.session.store.prepareSearch();
		}, 80);
	}

	private updateTitle(): void {
		const { store, loader } = this.deps.session;
		const total = store.total;
		const status = loader.hasMore
			? ` (${store.size.toLocaleString('en-US')}${total !== undefined ? ` of ${total.toLocaleString('en-US')}` : ''} loaded…)`
			: ` (${store.size.toLocaleString('en-US')} contacts)`;
		this.quickPick.title = `Search Periskope Contacts${status}`;
	}

	private async loadRest(): Promise<void> {
		const loader = this.deps.session.loader;
		// Cached contacts first (they answer at once), then whatever is still missing.
		await this.deps.session.open();
		if (this.loading.signal.aborted) return;
		this.render();
		if (!loader.hasMore) return;
		this.quickPick.busy = true;
		const progress = loader.onDidProgress(() => this.updateTitle());
		try {
			// Joins a Load all already running; closing the search ends only this wait.
			await loader.loadAll(this.loading.signal);
		} catch (e) {
			// Closed, or the list was reset (refresh, sign-out): nothing failed.
			if (this.loading.signal.aborted || isApiError(e, 'cancelled')) return;
			const reason = e instanceof Error ? e.message : String(e);
			this.deps.log.warn(`Search: loading the remaining contacts failed: ${reason}`);
			this.quickPick.placeholder = `Searching the contacts loaded so far; loading the rest failed: ${reason}`;
		} finally {
			progress.dispose();
			if (!this.loading.signal.aborted) {
				this.quickPick.busy = false;
				this.render();
			}
		}
	}

	/** After choosing a contact: what to do with it. */
	private async chooseAction(contactId: string): Promise<void> {
		const contact = this.deps.session.store.get(contactId);
		this.quickPick.hide();
		const actions: (vscode.QuickPickItem & { action: SearchAction })[] = [
			{ label: '$(open-preview) Show details', action: 'open' },
			{ label: '$(copy) Copy ID', description: contactId, action: 'copy' },
			{ label: '$(insert) Insert ID into the editor', description: contactId, action: 'insert' },
		];
		const choice = await vscode.window.showQuickPick(actions, {
			title: contact ? plain(clip(displayName(contact), 80)) : plain(contactId),
			placeHolder: 'What do you want to do with this contact?',
		});
		if (choice) await this.run(choice.action, contactId);
	}

	async run(action: SearchAction, contactId: string): Promise<void> {
		await this.deps.act(action, contactId);
	}

	dispose(): void {
		this.loading.abort();
		if (this.renderTimer) clearTimeout(this.renderTimer);
		if (this.prepareTimer) clearTimeout(this.prepareTimer);
		for (const d of this.disposables) d.dispose();
		this.disposables.length = 0;
	}
}

function toItem(c: Contact): ContactItem {
	const named = !!c.contact_name?.trim();
	const labels = c.labels.length ? `$(tag) ${plain(clip(cleanText(c.labels.join(', ')), 120))}` : '';
	return {
		label: plain(rowLabel(c)),
		description: named ? formatNumber(c.contact_id) : undefined,
		detail: [typeLabel(c.contact_type, c.contact_id.endsWith('@g.us')), labels].filter(Boolean).join('  ·  '),
		contactId: c.contact_id,
		alwaysShow: true,
		buttons: [COPY_BUTTON, INSERT_BUTTON],
	};
}
