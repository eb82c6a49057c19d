// Group by type / by label (remembered across sessions) and "Show more" in a group.
import * as vscode from 'vscode';
import { Command, ContextKey } from '../config';
import type { GroupBy } from '../contacts/grouping';
import type { ContactsView } from '../views/contactsView';

const GROUPING_STATE_KEY = 'periskope.groupBy';

/** The grouping the view starts with: the one chosen last, else the setting. */
export function rememberedGrouping(state: vscode.Memento, fallback: GroupBy): GroupBy {
	const by = state.get<GroupBy>(GROUPING_STATE_KEY) ?? fallback;
	void vscode.commands.executeCommand('setContext', ContextKey.groupBy, by);
	return by;
}

export function viewCommands(view: ContactsView, state: vscode.Memento): Record<string, (...args: never[]) => unknown> {
	const setGrouping = (by: GroupBy) => {
		void state.update(GROUPING_STATE_KEY, by);
		void vscode.commands.executeCommand('setContext', ContextKey.groupBy, by);
		view.tree.setGroupBy(by);
	};
	return {
		[Command.groupByType]: () => setGrouping('type'),
		[Command.groupByLabel]: () => setGrouping('label'),
		[Command.showMore]: (by: GroupBy, key: string) => view.tree.showMore(by, key),
	};
}
