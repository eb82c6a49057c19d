// Opens the suggestion list when the user has typed the second character of a contact query in
// a string. VS Code does not do it by itself: quick suggestions are off inside strings by
// default (`editor.quickSuggestions.strings`), and a letter registered as a trigger character is
// ignored while it continues a word. Once the list is open, our list is marked incomplete, so
// each further keystroke asks us again; this only opens it, once per query.
import * as vscode from 'vscode';
import { completionQuery, COMPLETION_MIN_CHARS } from '../contacts/idCompletion';
import { stringStartAt } from '../contacts/stringContext';
import type { CodeFeatures } from './codeFeatures';

export function suggestWhileTyping(features: CodeFeatures): vscode.Disposable {
	return vscode.workspace.onDidChangeTextDocument((e) => {
		// One character typed (not a paste, an undo or another extension's edit of many).
		if (e.contentChanges.length !== 1 || e.reason !== undefined) return;
		const change = e.contentChanges[0];
		if (change.text.length !== 1 || change.rangeLength !== 0) return;
		const editor = vscode.window.activeTextEditor;
		if (!editor || editor.document !== e.document || !features.appliesTo(e.document)) return;
		const position = change.range.start.translate(0, 1);
		// (The editor's selection arrives after this event: it still shows the cursor before the key.)
		if (editor.selections.length !== 1) return;
		const line = e.document.lineAt(position.line).text;
		const start = stringStartAt(line, position.character, features.keyValue(e.document));
		if (start < 0) return;
		const query = completionQuery(line.slice(start, position.character));
		// Exactly the threshold: later keystrokes refine the open list (or the user closed it).
		if (query === undefined || query.trim().length !== COMPLETION_MIN_CHARS) return;
		if (quickSuggestionsInStrings(e.document)) return; // VS Code opens it itself
		features.ensureLoading();
		if (features.session.store.search(query, 1).length === 0) return;
		void vscode.commands.executeCommand('editor.action.triggerSuggest');
	});
}

function quickSuggestionsInStrings(document: vscode.TextDocument): boolean {
	const value = vscode.workspace.getConfiguration('editor', document).get<unknown>('quickSuggestions');
	if (value === true) return true;
	return typeof value === 'object' && value !== null && (value as { strings?: unknown }).strings === 'on';
}
