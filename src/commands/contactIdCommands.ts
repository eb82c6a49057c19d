// Copy a contact id to the clipboard, or insert it at every selection of the active editor.
import * as vscode from 'vscode';
import { formatContactId, IdFormat, whatsAppUrl } from '../contacts/format';
import type { TreeNode } from '../views/treeNodes';

/**
 * The contact id a command was invoked for: a string id (panel, search, tests), a tree node
 * (context menu, inline action), or nothing (keybinding: the view's selection).
 */
export function contactIdOf(arg: unknown, selection: readonly TreeNode[]): string | undefined {
	if (typeof arg === 'string' && arg) return arg;
	const node = (arg as TreeNode | undefined) ?? selection[0];
	return node?.kind === 'contact' ? node.contact.contact_id : undefined;
}

export async function copyContactId(contactId: string, format: IdFormat): Promise<string> {
	const text = formatContactId(contactId, format);
	await vscode.env.clipboard.writeText(text);
	vscode.window.setStatusBarMessage(`$(check) Copied ${text}`, 3000);
	return text;
}

/**
 * Remembers the last text editor the user worked in: when Insert is pressed in the detail
 * panel, the panel is the active editor and `activeTextEditor` is undefined.
 */
export class LastEditorTracker implements vscode.Disposable {
	private last: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
	private readonly subscription = vscode.window.onDidChangeActiveTextEditor((e) => {
		if (e) this.last = e;
	});

	get editor(): vscode.TextEditor | undefined {
		const active = vscode.window.activeTextEditor;
		if (active) return active;
		const visible = vscode.window.visibleTextEditors;
		return this.last && visible.includes(this.last) ? this.last : visible[0];
	}

	dispose(): void {
		this.subscription.dispose();
	}
}

/** Inserts at every selection (replacing selected text). Without an editor, offers to copy instead. */
export async function insertContactId(contactId: string, format: IdFormat, editor: vscode.TextEditor | undefined): Promise<string | undefined> {
	const text = formatContactId(contactId, format);
	if (!editor) {
		const choice = await vscode.window.showWarningMessage('Open a text editor to insert the contact id into.', 'Copy ID Instead');
		if (choice) await copyContactId(contactId, format);
		return undefined;
	}
	const ok = await editor.edit((edit) => {
		for (const selection of editor.selections) edit.replace(selection, text);
	});
	if (!ok) throw new Error('The editor did not accept the edit (is it read-only?).');
	return text;
}

export async function openInWhatsApp(contactId: string): Promise<void> {
	const url = whatsAppUrl(contactId);
	if (!url) {
		void vscode.window.showInformationMessage('This contact has no phone number to open in WhatsApp (it is a group or has an unusual id).');
		return;
	}
	await vscode.env.openExternal(vscode.Uri.parse(url));
}
