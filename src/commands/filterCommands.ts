// "Filter Contacts…" and "Clear Filter": one QuickPick for the text, labels and types, and the
// filter remembered per workspace.
import * as vscode from 'vscode';
import { Command, ContextKey } from '../config';
import { ContactFilter, isFilterActive, parseFilter } from '../contacts/filter';
import type { ContactsSession } from '../contacts/session';
import type { ContactsView } from '../views/contactsView';

const FILTER_STATE_KEY = 'periskope.filter';

/** The filter this workspace had last time, if any. */
export function rememberedFilter(state: vscode.Memento): ContactFilter | undefined {
	return parseFilter(state.get<unknown>(FILTER_STATE_KEY));
}

interface PartItem extends vscode.QuickPickItem {
	part?: { kind: 'label' | 'type'; key: string };
}

/** Asks for a filter, starting from `current`; undefined when the user cancels. */
async function pickFilter(session: ContactsSession, current: ContactFilter | undefined): Promise<ContactFilter | undefined> {
	const { store } = session;
	const qp = vscode.window.createQuickPick<PartItem>();
	qp.title = 'Filter Contacts';
	qp.placeholder = 'Type a name, number or label to match; pick labels and types (any one of each); Enter applies';
	qp.canSelectMany = true;
	qp.matchOnDescription = false;
	qp.value = current?.text ?? '';
	const items: PartItem[] = [];
	const section = (label: string) => items.push({ label, kind: vscode.QuickPickItemKind.Separator, alwaysShow: true });
	const loaded = (count: number) => `${count.toLocaleString('en-US')} loaded`;
	// Typing is the text part of the filter, so it must not hide the labels and types.
	section('Labels');
	for (const g of store.groups('label')) items.push({ label: g.label, description: loaded(g.count), iconPath: new vscode.ThemeIcon('tag'), alwaysShow: true, part: { kind: 'label', key: g.key } });
	section('Types');
	for (const g of store.groups('type')) items.push({ label: g.label, description: loaded(g.count), iconPath: new vscode.ThemeIcon('person'), alwaysShow: true, part: { kind: 'type', key: g.key } });
	qp.items = items;
	qp.selectedItems = items.filter((i) => i.part && (i.part.kind === 'label' ? current?.labels : current?.types)?.includes(i.part.key));
	try {
		return await new Promise<ContactFilter | undefined>((resolve) => {
			qp.onDidAccept(() => {
				const picked = qp.selectedItems.flatMap((i) => (i.part ? [i.part] : []));
				resolve({
					text: qp.value.trim(),
					labels: picked.filter((p) => p.kind === 'label').map((p) => p.key),
					types: picked.filter((p) => p.kind === 'type').map((p) => p.key),
				});
				qp.hide();
			});
			qp.onDidHide(() => resolve(undefined));
			qp.show();
		});
	} finally {
		qp.dispose();
	}
}

export function filterCommands(session: ContactsSession, view: ContactsView, state: vscode.Memento): Record<string, (arg?: unknown) => unknown> {
	const apply = async (filter: ContactFilter | undefined) => {
		const active = isFilterActive(filter) ? filter : undefined;
		view.setFilter(active);
		await vscode.commands.executeCommand('setContext', ContextKey.filtered, !!active);
		await state.update(FILTER_STATE_KEY, active);
	};
	return {
		/** With a filter object as argument (a keybinding, a test), applies it without asking. */
		[Command.filter]: async (arg?: unknown) => {
			if (arg !== undefined) return apply(parseFilter(arg));
			const picked = await pickFilter(session, view.tree.filter);
			if (picked) await apply(picked);
		},
		[Command.clearFilter]: () => apply(undefined),
	};
}
