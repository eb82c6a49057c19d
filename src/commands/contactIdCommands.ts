// Copy a contact id to the clipboard, or insert it at every selection of the last editor the user was in.
import * as vscode from 'vscode';
import { neutraliseMarkup } from '../api/serverText';
import { formatContactId, IdFormat, whatsAppUrl } from '../contacts/format';
import type { TreeNode } from '../views/treeModel';

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
	vscode.window.setStatusBarMessage(`$(check) Copied ${neutraliseMarkup(text)}`, 3000);
	return text;
}

/**
 * Remembers the last text editor the user worked in, and where its cursors were: when Insert is
 * pressed in the detail panel or the search, the panel may be active and may even cover that
 * editor (one editor group), so `activeTextEditor` and `visibleTextEditors` do not have it.
 */
export class LastEditorTracker implements vscode.Disposable {
	private document: vscode.TextDocument | undefined;
	private selections: readonly vscode.Selection[] = [];
	private column: vscode.ViewColumn | undefined;
	private readonly subscriptions: vscode.Disposable[];

	constructor() {
		this.remember(vscode.window.activeTextEditor);
		this.subscriptions = [
			vscode.window.onDidChangeActiveTextEditor((e) => this.remember(e)),
			vscode.window.onDidChangeTextEditorSelection((e) => {
				if (e.textEditor.document === this.document) this.selections = e.selections;
			}),
		];
	}

	/** The editor to insert into, brought to the front if it was hidden; undefined when there is none. */
	async target(): Promise<vscode.TextEditor | undefined> {
		const active = vscode.window.activeTextEditor;
		if (active && isInsertable(active.document)) return active;
		const doc = this.document;
		if (!doc || doc.isClosed) return vscode.window.visibleTextEditors.find((e) => isInsertable(e.document));
		const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
		const editor = visible ?? (await vscode.window.showTextDocument(doc, { viewColumn: this.column, preserveFocus: false }));
		// Where the user left the cursors, as long as they still fit the document.
		const valid = this.selections.filter((s) => doc.validateRange(s).isEqual(s));
		if (valid.length) editor.selections = [...valid];
		return editor;
	}

	private remember(editor: vscode.TextEditor | undefined): void {
		if (!editor || !isInsertable(editor.document)) return;
		this.document = editor.document;
		this.selections = editor.selections;
		this.column = editor.viewColumn;
	}

	dispose(): void {
		for (const s of this.subscriptions) s.dispose();
	}
}

/** Text the user edits: files and untitled buffers, not the output channel or a git view. */
function isInsertable(doc: vscode.TextDocument): boolean {
	return doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote' || doc.uri.scheme === 'vscode-userdata';
}

/** Inserts at every selection (replacing selected text) of the last editor the user was in. Without one, offers to copy instead. */
export async function insertContactId(contactId: string, format: IdFormat, editors: LastEditorTracker): Promise<string | undefined> {
	const text = formatContactId(contactId, format);
	const editor = await editors.target();
	if (!editor) {
		const choice = await vscode.window.showWarningMessage('There is no text editor to insert the contact id into: open a file first.', 'Copy ID Instead');
		if (choice) await copyContactId(contactId, format);
		return undefined;
	}
	const ok = await editor.edit((edit) => {
		for (const selection of editor.selections) edit.replace(selection, text);
	});
	if (!ok) throw new Error('The editor did not accept the edit (is it read-only?).');
	vscode.window.setStatusBarMessage(`$(check) Inserted ${neutraliseMarkup(text)} into ${neutraliseMarkup(basename(editor.document.uri.path) || 'the editor')}`, 3000);
	return text;
}

function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

export async function openInWhatsApp(contactId: string): Promise<void> {
	const url = whatsAppUrl(contactId);
	if (!url) {
		void vscode.window.showInformationMessage('This contact has no phone number to open in WhatsApp (it is a group or has an unusual id).');
		return;
	}
	await vscode.env.openExternal(vscode.Uri.parse(url));
}
