// How each node of the Contacts view looks: its TreeItem (label, description, icon, tooltip, command).
import * as vscode from 'vscode';
import type { Contact } from '../api/types';
import { Command } from '../config';
import { clip, contactFlags, displayName, formatNumber, formatUpdated, rowLabel, typeLabel } from '../contacts/format';
import { ContextValue, nodeId, type TreeNode } from './treeModel';

const KNOWN_COLOURS = new Set(
	'b4876e a5b337 06cf9c 25d366 02a698 7d9ef1 007bfc 5e47de 7f66ff 9333ea fa6533 c4532d dc2626 ff2e74 db2777'.split(' '),
);

export function toTreeItem(node: TreeNode, extensionUri: vscode.Uri): vscode.TreeItem {
	switch (node.kind) {
		case 'group': {
			const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Collapsed);
			item.description = node.complete ? `${node.group.count.toLocaleString('en-US')}` : `${node.group.count.toLocaleString('en-US')} loaded`;
			item.iconPath = new vscode.ThemeIcon(node.by === 'label' ? 'tag' : node.group.key === 'business' ? 'organization' : 'person');
			item.contextValue = ContextValue.group;
			const matching = node.filtered ? ' matching the filter' : '';
			item.tooltip = node.complete
				? `${node.group.label}: ${node.group.count} contacts${matching}`
				: `${node.group.label}: ${node.group.count} contacts${matching} loaded so far; load more pages to see the rest`;
			return withId(item, node);
		}
		case 'contact': {
			const c = node.contact;
			const named = !!c.contact_name?.trim();
			const item = new vscode.TreeItem(rowLabel(c), vscode.TreeItemCollapsibleState.None);
			item.description = named ? formatNumber(c.contact_id) : c.contact_id.endsWith('@g.us') ? 'group' : '';
			item.iconPath = contactIcon(c, extensionUri);
			item.tooltip = contactTooltip(c);
			item.contextValue = ContextValue.contact;
			item.command = { command: Command.openContact, title: 'Show Contact Details', arguments: [c.contact_id] };
			item.accessibilityInformation = { label: `${rowLabel(c)}, ${formatNumber(c.contact_id)}, ${typeLabel(c.contact_type, c.contact_id.endsWith('@g.us'))}` };
			return withId(item, node);
		}
		case 'loadMore': {
			const of = node.total !== undefined ? ` of ${node.total.toLocaleString('en-US')}` : '';
			const item = new vscode.TreeItem(node.loading ? 'Loading…' : 'Load more…');
			item.description = `${node.loaded.toLocaleString('en-US')}${of} loaded`;
			item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : 'fold-down');
			item.contextValue = ContextValue.loadMore;
			if (!node.loading) item.command = { command: Command.loadMore, title: 'Load More Contacts' };
			return withId(item, node);
		}
		case 'showMore': {
			const item = new vscode.TreeItem('Show more…');
			item.description = `${node.shown.toLocaleString('en-US')} of ${node.size.toLocaleString('en-US')} shown`;
			item.iconPath = new vscode.ThemeIcon('ellipsis');
			item.contextValue = ContextValue.showMore;
			item.command = { command: Command.showMore, title: 'Show More', arguments: [node.by, node.groupKey] };
			return withId(item, node);
		}
		case 'message': {
			const item = new vscode.TreeItem(node.label);
			item.description = node.detail;
			item.tooltip = node.detail ? `${node.label}: ${node.detail}` : node.label;
			item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
			item.contextValue = ContextValue.message;
			item.command = node.command;
			return withId(item, node);
		}
	}
}

function withId(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
	item.id = nodeId(node);
	return item;
}

function contactIcon(c: Contact, extensionUri: vscode.Uri): vscode.TreeItem['iconPath'] {
	const colour = c.contact_color?.replace('#', '').toLowerCase();
	const shape = c.contact_type === 'business' ? 'business' : 'user';
	if (colour && KNOWN_COLOURS.has(colour)) {
		return vscode.Uri.joinPath(extensionUri, 'media', 'avatars', `${shape}-${colour}.svg`);
	}
	return new vscode.ThemeIcon(c.contact_id.endsWith('@g.us') ? 'organization' : 'account');
}

/** Markdown built with appendText only: a name or label can never inject markup or links. */
function contactTooltip(c: Contact): vscode.MarkdownString {
	const md = new vscode.MarkdownString();
	md.appendMarkdown('**').appendText(clip(displayName(c), 2000)).appendMarkdown('**\n\n');
	md.appendText(`${formatNumber(c.contact_id)}  ·  ${typeLabel(c.contact_type, c.contact_id.endsWith('@g.us'))}`).appendMarkdown('\n\n');
	md.appendText(`ID: ${c.contact_id}`).appendMarkdown('\n\n');
	if (c.labels.length) md.appendText(`Labels: ${c.labels.join(', ')}`).appendMarkdown('\n\n');
	const flags = contactFlags(c);
	if (flags.length) md.appendText(flags.join(' · ')).appendMarkdown('\n\n');
	const updated = formatUpdated(c.updated_at).text;
	if (updated) md.appendText(`Updated ${updated}`);
	return md;
}


