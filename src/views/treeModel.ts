// The Contacts view's nodes: a tagged union of plain objects with ids built from raw keys
// (grouping, group key, contact id), never from display text, so refresh keeps expansion
// and a contact under two labels gets two distinct ids. No `vscode` import: unit-tested.
import type { Contact } from '../api/types';
import type { GroupBy } from '../contacts/grouping';
import type { GroupSummary } from '../contacts/store';

/** A command a node runs when clicked (the shape of vscode.Command). */
export interface NodeCommand {
	command: string;
	title: string;
	arguments?: unknown[];
}

export type TreeNode = GroupNode | ContactNode | LoadMoreNode | ShowMoreNode | MessageNode;

export interface GroupNode {
	kind: 'group';
	by: GroupBy;
	group: GroupSummary;
	/** Whether every page is loaded, so the count is final. */
	complete: boolean;
	/** The count is of the contacts matching the view's filter. */
	filtered?: boolean;
}
export interface ContactNode {
	kind: 'contact';
	by: GroupBy;
	groupKey: string;
	contact: Contact;
}
export interface LoadMoreNode {
	kind: 'loadMore';
	loaded: number;
	total: number | undefined;
	loading: boolean;
}
export interface ShowMoreNode {
	kind: 'showMore';
	by: GroupBy;
	groupKey: string;
	shown: number;
	size: number;
}
export interface MessageNode {
	kind: 'message';
	/** Stable key of the message, e.g. "error" or "empty". */
	key: string;
	label: string;
	detail?: string;
	icon: string;
	iconColor?: string;
	command?: NodeCommand;
}

export const ContextValue = {
	group: 'periskope.group',
	contact: 'periskope.contact',
	loadMore: 'periskope.loadMore',
	showMore: 'periskope.showMore',
	message: 'periskope.message',
} as const;

export function nodeId(node: TreeNode): string {
	switch (node.kind) {
		case 'group':
			return JSON.stringify(['g', node.by, node.group.key]);
		case 'contact':
			return JSON.stringify(['c', node.by, node.groupKey, node.contact.contact_id]);
		case 'loadMore':
			return '["more"]';
		case 'showMore':
			return JSON.stringify(['show', node.by, node.groupKey]);
		case 'message':
			return JSON.stringify(['msg', node.key]);
	}
}

