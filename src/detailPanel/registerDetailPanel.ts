// The detail panel as the extension wires it: contacts from the session, its buttons as commands,
// edits shown as they land, and a panel from before a reload restored only for a signed-in user.
import * as vscode from 'vscode';
import { Command } from '../config';
import type { ContactEditor } from '../contacts/contactEditor';
import type { ContactsSession } from '../contacts/session';
import { ContactDetailPanel, DETAIL_VIEW_TYPE } from './detailPanel';

export interface DetailPanelWiring {
	session: ContactsSession;
	editor: ContactEditor;
	signedIn(): Promise<boolean>;
	copyId(contactId: string): Thenable<unknown> | Promise<unknown>;
	insertId(contactId: string): Thenable<unknown> | Promise<unknown>;
	log: vscode.LogOutputChannel;
}

export function registerDetailPanel(context: vscode.ExtensionContext, w: DetailPanelWiring): ContactDetailPanel {
	const { session } = w;
	const panel = new ContactDetailPanel(context.extensionUri, {
		listed: (id) => session.store.get(id),
		fetchContact: (id, signal) => session.getContact(id, signal),
		copyId: (c) => w.copyId(c.contact_id),
		insertId: (c) => w.insertId(c.contact_id),
		editLabels: (c) => vscode.commands.executeCommand(Command.editLabels, c.contact_id),
		rename: (c) => vscode.commands.executeCommand(Command.renameContact, c.contact_id),
		log: w.log,
	});
	context.subscriptions.push(
		panel,
		w.editor.onDidEdit((contacts) => contacts.forEach((c) => panel.contactChanged(c))),
		vscode.window.registerWebviewPanelSerializer(DETAIL_VIEW_TYPE, {
			deserializeWebviewPanel: async (restored, state) => ((await w.signedIn()) ? panel.restore(restored, state) : restored.dispose()),
		}),
	);
	return panel;
}
