// The Contacts view: the tree provider, its TreeView, and what the view says above the tree
// (the count in its description, progress while everything loads).
import * as vscode from 'vscode';
import { VIEW_ID } from '../config';
import { ContactFilter, filterSummary } from '../contacts/filter';
import { countSummary, formatAge } from '../contacts/format';
import type { GroupBy } from '../contacts/grouping';
import type { ContactsSession } from '../contacts/session';
import { ContactsTreeProvider } from './contactsTree';
import type { TreeNode } from './treeModel';

export class ContactsView implements vscode.Disposable {
	readonly tree: ContactsTreeProvider;
	readonly treeView: vscode.TreeView<TreeNode>;
	private readonly disposables: vscode.Disposable[] = [];
	/** "Loading all contacts: …" while Load all runs. */
	private progressText: string | undefined;
	/** Ends the view's progress bar of a background reload of cached contacts. */
	private endRevalidationProgress: (() => void) | undefined;
	private descriptionTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		extensionUri: vscode.Uri,
		private readonly session: ContactsSession,
		groupBy: GroupBy,
		filter?: ContactFilter,
	) {
		this.tree = new ContactsTreeProvider(extensionUri, session, groupBy, filter);
		// Several contacts can be selected, to edit their labels together.
		this.treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true, canSelectMany: true });
		// Under a filter the counts cost a pass over the contacts: once per burst of changes, like the tree.
		const update = () => {
			this.showRevalidation();
			if (!this.tree.filter) return this.updateDescription();
			this.descriptionTimer ??= setTimeout(() => this.updateDescription(), 60);
		};
		this.disposables.push(
			this.tree,
			this.treeView,
			session.store.onDidChange(update),
			session.loader.onDidChangeState(update),
			session.onDidChangeSignedIn(update),
		);
	}

	/**
	 * Loads every remaining page with progress in the view. `signal` is this caller's cancel: it
	 * ends this wait (and the walk only if nobody else, e.g. the search, still waits for it).
	 */
	async loadAllWithProgress(signal: AbortSignal): Promise<void> {
		const loader = this.session.loader;
		const progress = loader.onDidProgress(({ loaded, total }) => {
			this.progressText = `Loading all contacts: ${loaded.toLocaleString('en-US')}${total !== undefined ? ` of ~${total.toLocaleString('en-US')}` : ''}…`;
			this.updateDescription();
		});
		try {
			await vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Loading all contacts' }, () => loader.loadAll(signal));
		} finally {
			progress.dispose();
			this.progressText = undefined;
			this.updateDescription();
		}
	}

	/**
	 * The count goes in the description and in the message above the tree: with the view alone in
	 * its container, VS Code merges the header into the side bar title and draws no description.
	 */
	/** Narrows the tree; the description says so with the counts. */
	setFilter(filter: ContactFilter | undefined): void {
		this.tree.setFilter(filter);
		this.updateDescription();
	}

	private updateDescription(): void {
		if (this.descriptionTimer) clearTimeout(this.descriptionTimer);
		this.descriptionTimer = undefined;
		const { store, loader } = this.session;
		const filtered = this.tree.filtered();
		const counts = filtered
			? filterSummary(this.tree.describeFilter(), filtered.matches, store.size, store.total)
			: countSummary(store.size, store.total, !loader.hasMore);
		let summary = this.session.signedIn && loader.started ? counts : undefined;
		// Until their reload ends (or when it cannot), cached contacts say how old they are.
		const cache = loader.cache;
		if (summary && cache) summary += ` · cached ${formatAge(Date.now() - cache.savedAt)} ago${loader.loadingAll ? ', updating…' : ''}`;
		this.treeView.description = summary;
		this.treeView.message = this.progressText ?? summary;
	}

	/** A progress bar on the view while cached contacts are reloaded in the background. */
	private showRevalidation(): void {
		const { loader } = this.session;
		const running = !!loader.cache && loader.loadingAll;
		if (!running) {
			this.endRevalidationProgress?.();
			this.endRevalidationProgress = undefined;
			return;
		}
		if (this.endRevalidationProgress) return;
		void vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => new Promise<void>((resolve) => (this.endRevalidationProgress = resolve)));
	}

	dispose(): void {
		this.endRevalidationProgress?.();
		if (this.descriptionTimer) clearTimeout(this.descriptionTimer);
		for (const d of this.disposables) d.dispose();
	}
}
