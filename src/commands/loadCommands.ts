// Refresh, Load more, Load all and Cancel Loading. Failures of tree-driven work are shown in
// the tree (an error node with its next step), so these commands report nothing themselves.
import * as vscode from 'vscode';
import { Command, ContextKey } from '../config';
import type { ContactsSession } from '../contacts/session';
import type { ContactsView } from '../views/contactsView';

export function loadCommands(session: ContactsSession, view: ContactsView, log: vscode.LogOutputChannel): Record<string, () => unknown> {
	/** The user's own Load all: Cancel Loading ends this wait, not the search's. */
	let userLoadAll: AbortController | undefined;
	const setLoadingAll = (on: boolean) => void vscode.commands.executeCommand('setContext', ContextKey.loadingAll, on);

	return {
		[Command.refresh]: () => {
			session.reset();
			view.tree.refresh();
		},
		[Command.loadMore]: () => session.loader.loadNextPage().catch(() => undefined),
		[Command.loadAll]: async () => {
			if (userLoadAll) return;
			const cancel = new AbortController();
			userLoadAll = cancel;
			setLoadingAll(true);
			try {
				await view.loadAllWithProgress(cancel.signal);
			} catch (e) {
				// Cancelled by the user or a reset; a real failure is a node in the tree.
				if (!cancel.signal.aborted) log.warn(`Load all stopped: ${e instanceof Error ? e.message : String(e)}`);
			} finally {
				if (userLoadAll === cancel) userLoadAll = undefined;
				setLoadingAll(false);
			}
		},
		[Command.cancelLoad]: () => userLoadAll?.abort(),
	};
}
