// The Contacts view's data: groups from the store, pages loaded lazily through the loader,
// states (loading, failed, empty) as nodes with a next step.
import * as vscode from 'vscode';
import type { PeriskopeApiError } from '../api/errors';
import { Command } from '../config';
import { ContactFilter, describeFilter, FilteredContacts, isFilterActive, partialFilterNote } from '../contacts/filter';
import { GroupBy, groupKeysOf, groupLabel } from '../contacts/grouping';
import type { ContactsSession } from '../contacts/session';
import { describeFailure, FailureAction, FailureDescription } from '../contacts/failure';
import type { ContactNode, GroupNode, MessageNode, TreeNode } from './treeModel';
import { toTreeItem } from './treeNodes';

/** Children handed to VS Code per group before a "Show more" node. */
export const GROUP_PAGE = 200;

export class ContactsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
	private readonly disposables: vscode.Disposable[] = [];
	/** `${by}\0${groupKey}` -> how many children that group shows. */
	private readonly shown = new Map<string, number>();
	private refreshTimer: ReturnType<typeof setTimeout> | undefined;
	private currentFilter: ContactFilter | undefined;
	/** The filter's result for the store as it is; dropped on every store change. */
	private filteredCache: FilteredContacts | undefined;

	readonly onDidChangeTreeData = this.changed.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly session: ContactsSession,
		private by: GroupBy,
		filter?: ContactFilter,
	) {
		this.currentFilter = isFilterActive(filter) ? filter : undefined;
		this.disposables.push(
			this.changed,
			session.store.onDidChange(() => {
				this.filteredCache = undefined;
				this.scheduleRefresh();
			}),
			session.loader.onDidChangeState(() => this.scheduleRefresh()),
			session.onDidChangeSignedIn(() => this.refresh()),
		);
	}

	private get store() {
		return this.session.store;
	}
	private get loader() {
		return this.session.loader;
	}

	get groupBy(): GroupBy {
		return this.by;
	}

	setGroupBy(by: GroupBy): void {
		if (by === this.by) return;
		this.by = by;
		this.filteredCache = undefined;
		this.refresh();
	}

	get filter(): ContactFilter | undefined {
		return this.currentFilter;
	}

	/** Narrows the tree (undefined or an empty filter shows everything). */
	setFilter(filter: ContactFilter | undefined): void {
		this.currentFilter = isFilterActive(filter) ? filter : undefined;
		this.filteredCache = undefined;
		this.shown.clear();
		this.refresh();
	}

	/** The filter's result over the loaded contacts, or undefined when no filter is set. */
	filtered(): FilteredContacts | undefined {
		const filter = this.currentFilter;
		if (!filter) return undefined;
		if (this.filteredCache?.by !== this.by || this.filteredCache.filter !== filter) this.filteredCache = new FilteredContacts(this.store, filter, this.by);
		return this.filteredCache;
	}

	/** The filter in words, with the store's names for labels and types: `vip · user`. */
	describeFilter(): string {
		const filter = this.currentFilter;
		if (!filter) return '';
		const labelNames = new Map(this.store.groups('label').map((g) => [g.key, g.label]));
		return describeFilter(filter, { label: (k) => labelNames.get(k) ?? groupLabel(k, 'label', undefined), type: (k) => groupLabel(k, 'type', undefined) });
	}

	/** Shows GROUP_PAGE more children in one group. */
	showMore(by: GroupBy, groupKey: string): void {
		const key = `${by}\0${groupKey}`;
		this.shown.set(key, (this.shown.get(key) ?? GROUP_PAGE) + GROUP_PAGE);
		this.refresh();
	}

	/** Re-renders now (store changes are batched; this is for explicit UI actions). */
	refresh(): void {
		if (this.refreshTimer) clearTimeout(this.refreshTimer);
		this.refreshTimer = undefined;
		this.changed.fire(undefined);
	}

	/** Batches the bursts of events a "load all" produces into one render. */
	private scheduleRefresh(): void {
		this.refreshTimer ??= setTimeout(() => this.refresh(), 60);
	}

	getTreeItem(node: TreeNode): vscode.TreeItem {
		return toTreeItem(node, this.extensionUri);
	}

	async getChildren(node?: TreeNode): Promise<TreeNode[]> {
		if (!node) return this.rootChildren();
		if (node.kind !== 'group') return [];
		const { by } = node;
		const key = node.group.key;
		const filtered = by === this.by ? this.filtered() : undefined;
		const size = filtered ? filtered.groupSize(key) : this.store.groupSize(by, key);
		const limit = Math.min(size, this.shown.get(`${by}\0${key}`) ?? GROUP_PAGE);
		const children: TreeNode[] = (filtered ? filtered.groupContacts(key, 0, limit) : this.store.groupContacts(by, key, 0, limit)).map(
			(contact): ContactNode => ({ kind: 'contact', by, groupKey: key, contact }),
		);
		if (size > limit) children.push({ kind: 'showMore', by, groupKey: key, shown: limit, size });
		return children;
	}

	/**
	 * The node of a loaded contact in the current grouping (its first group), with that group
	 * showing enough children to hold it, for reveal(); undefined when it is not loaded.
	 */
	contactNode(contactId: string): ContactNode | undefined {
		const contact = this.store.get(contactId);
		if (!contact) return undefined;
		const by = this.by;
		const groupKey = groupKeysOf(contact, by)[0];
		const index = this.store.groupContacts(by, groupKey).indexOf(contact);
		const key = `${by}\0${groupKey}`;
		if (index >= (this.shown.get(key) ?? GROUP_PAGE)) {
			this.shown.set(key, Math.ceil((index + 1) / GROUP_PAGE) * GROUP_PAGE);
			this.refresh();
		}
		return { kind: 'contact', by, groupKey, contact };
	}

	getParent(node: TreeNode): TreeNode | undefined {
		if (node.kind !== 'contact' && node.kind !== 'showMore') return undefined;
		const filtered = node.by === this.by ? this.filtered() : undefined;
		const group = (filtered ? filtered.groups() : this.store.groups(node.by)).find((g) => g.key === node.groupKey);
		return group && { kind: 'group', by: node.by, group, complete: !this.loader.hasMore, filtered: !!filtered };
	}

	private async rootChildren(): Promise<TreeNode[]> {
		if (!this.session.signedIn) return []; // the welcome content takes over
		// Contacts cached on disk show at once; their reload runs in the background.
		await this.session.open();
		if (!this.loader.started && this.loader.state.status === 'idle') {
			// First open: load page one. Failures become the state shown below.
			await this.loader.loadNextPage().catch(() => undefined);
		}
		const state = this.loader.state;
		const nodes: TreeNode[] = [];
		if (state.status === 'loading' && state.retry) nodes.push(retryingNode(state.retry.reason, state.retry.delayMs));
		if (!this.loader.started) {
			if (state.status === 'failed') nodes.push(...errorNodes(state.error, false));
			else if (state.status === 'loading' && !state.retry) nodes.push(message('loading', 'Loading contacts…', 'loading~spin'));
			return nodes;
		}
		const complete = !this.loader.hasMore;
		const filtered = this.filtered();
		for (const group of filtered ? filtered.groups() : this.store.groups(this.by)) {
			nodes.push({ kind: 'group', by: this.by, group, complete, filtered: !!filtered } satisfies GroupNode);
		}
		if (filtered) nodes.push(...this.filterNodes(filtered, complete));
		if (this.store.size === 0 && complete) {
			nodes.push(message('empty', 'No contacts', 'info', undefined, 'this organisation has no contacts yet'));
		}
		if (this.loader.malformedRows > 0) {
			const rows = this.loader.malformedRows;
			nodes.push(message('malformed', `${rows} row${rows === 1 ? '' : 's'} skipped: no contact id`, 'warning', { command: Command.showLog, title: 'Show Log' }, 'the API sent rows without a usable contact_id'));
		}
		if (this.loader.listChanged) {
			// The walk could not prove it saw everyone (the list moved, or the count does not add up): say so, never hide it.
			const total = this.store.total;
			const reported = total !== undefined && total !== this.store.size ? `; Periskope reports ${total.toLocaleString('en-US')}` : '';
			nodes.push(
				message('changed', `Loaded ${this.store.size.toLocaleString('en-US')}${reported} — refresh`, 'sync', { command: Command.refresh, title: 'Refresh' }, 'the contact list changed on Periskope while it loaded'),
			);
		}
		if (state.status === 'failed') nodes.push(...errorNodes(state.error, true));
		else if (!complete) {
			nodes.push({ kind: 'loadMore', loaded: this.store.size, total: this.store.total, loading: state.status === 'loading' });
		}
		return nodes;
	}

	/** Under a filter: why nothing shows, and how much of the org it has looked at. */
	private filterNodes(filtered: FilteredContacts, complete: boolean): MessageNode[] {
		const nodes: MessageNode[] = [];
		const clear = { command: Command.clearFilter, title: 'Clear Filter' };
		if (filtered.matches === 0 && (complete || this.store.size > 0)) {
			const where = complete ? '' : ` in the ${filtered.loaded.toLocaleString('en-US')} loaded`;
			nodes.push(message('filter-empty', `No contacts match${where} — clear filter`, 'filter', clear, `filter: ${this.describeFilter()}`));
		}
		if (!complete && this.store.size > 0) {
			nodes.push(
				message('filter-partial', partialFilterNote(filtered.matches, filtered.loaded), 'cloud-download', { command: Command.loadAll, title: 'Load All Contacts' }, 'the filter covers loaded contacts only'),
			);
		}
		return nodes;
	}

	dispose(): void {
		if (this.refreshTimer) clearTimeout(this.refreshTimer);
		for (const d of this.disposables) d.dispose();
	}
}

function message(key: string, label: string, icon: string, command?: vscode.Command, detail?: string, iconColor?: string): MessageNode {
	return { kind: 'message', key, label, icon, command, detail, iconColor };
}

function retryingNode(reason: PeriskopeApiError, delayMs: number): MessageNode {
	const seconds = Math.max(1, Math.round(delayMs / 1000));
	const why: Record<string, string> = { rateLimited: 'Rate limited', timeout: 'Timed out', server: `Server error${reason.status ? ` (${reason.status})` : ''}` };
	return message('retrying', `${why[reason.kind] ?? 'Connection problem'}, retrying in ${seconds} s`, 'watch', undefined, reason.message);
}

/** A failure as nodes: what happened (with the first action as its command), then one node per further action. */
export function errorNodes(error: PeriskopeApiError, partial: boolean): MessageNode[] {
	const failure = describeFailure(error);
	const red = 'problemsErrorIcon.foreground';
	const [first, ...rest] = failure.actions;
	const command = (action: FailureAction | undefined) => (action ? failureCommand(action, failure, partial) : undefined);
	const nodes = [message('error', failure.title, failure.icon, command(first), failure.message, red)];
	for (const action of rest) {
		const c = command(action)!;
		nodes.push(message(`error-${action}`, c.title, ACTION_ICONS[action], c));
	}
	return nodes;
}

const ACTION_ICONS: Record<FailureAction, string> = {
	retry: 'refresh',
	setToken: 'key',
	openSettings: 'gear',
	showLog: 'output',
	allowOrigin: 'unlock',
	refresh: 'refresh',
};

function failureCommand(action: FailureAction, failure: FailureDescription, partial: boolean): vscode.Command {
	switch (action) {
		case 'retry':
			return partial ? { command: Command.loadMore, title: 'Retry' } : { command: Command.refresh, title: 'Retry' };
		case 'refresh':
			return { command: Command.refresh, title: 'Refresh' };
		case 'setToken':
			return { command: Command.setToken, title: 'Set API Token' };
		case 'openSettings':
			return { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: [failure.setting ?? 'periskope'] };
		case 'showLog':
			return { command: Command.showLog, title: 'Show Log' };
		case 'allowOrigin':
			return { command: Command.allowApiOrigin, title: 'Allow the new API address…' };
	}
}
