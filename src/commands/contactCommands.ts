// Commands that act on one contact (open, copy, insert, WhatsApp), from the tree, the panel,
// the search or the keyboard; and what the search does with the contact the user picked.
import * as vscode from 'vscode';
import { Command } from '../config';
import type { IdFormat } from '../contacts/format';
import type { ContactsSession } from '../contacts/session';
import type { ContactDetailPanel } from '../detailPanel/detailPanel';
import type { ContactsView } from '../views/contactsView';
import { contactIdOf, copyContactId, insertContactId, LastEditorTracker, openInWhatsApp } from './contactIdCommands';
import type { SearchAction } from './searchCommand';

export interface ContactCommandDeps {
	session: ContactsSession;
	view: ContactsView;
	panel: ContactDetailPanel;
	editors: LastEditorTracker;
	idFormat(): IdFormat;
}

export function contactActions(deps: ContactCommandDeps) {
	const copy = (id: string) => copyContactId(id, deps.idFormat());
	const insert = (id: string) => insertContactId(id, deps.idFormat(), deps.editors);
	const open = async (id: string) => deps.panel.show(deps.session.store.get(id) ?? (await deps.session.getContact(id)));
	const act = (action: SearchAction, id: string) => (action === 'copy' ? copy(id) : action === 'insert' ? insert(id) : open(id));
	return { copy, insert, open, act };
}

export function contactCommands(deps: ContactCommandDeps): Record<string, (arg?: unknown) => unknown> {
	const { copy, insert, open } = contactActions(deps);
	/** The contact a command acts on; says so once (and does nothing) when there is none. */
	const withContact = (run: (id: string) => unknown) => (arg?: unknown) => {
		const id = contactIdOf(arg, deps.view.treeView.selection);
		if (id === undefined) return void vscode.window.showInformationMessage('Select a contact first.');
		return run(id);
	};
	return {
		[Command.openContact]: withContact(open),
		[Command.copyContactId]: withContact(copy),
		[Command.insertContactId]: withContact(insert),
		[Command.openInWhatsApp]: withContact(openInWhatsApp),
	};
}
