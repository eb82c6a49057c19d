// Contact suggestions while typing inside a string (or a .env/YAML/properties value): after two
// characters (suggestWhileTyping opens the list), from the search index, at most 50, marked
// incomplete so each keystroke refines them. Outside strings it answers nothing, at the cost of
// scanning the line up to the cursor.
import * as vscode from 'vscode';
import { completionQuery, contactSuggestions } from '../contacts/idCompletion';
import { stringStartAt } from '../contacts/stringContext';
import type { CodeFeatures } from './codeFeatures';

export class ContactCompletionProvider implements vscode.CompletionItemProvider {
	constructor(private readonly features: CodeFeatures) {}

	provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
		const { features } = this;
		if (!features.appliesTo(document)) return undefined;
		const line = document.lineAt(position.line).text;
		const start = stringStartAt(line, position.character, features.keyValue(document));
		if (start < 0) return undefined;
		const typed = line.slice(start, position.character);
		const query = completionQuery(typed);
		if (query === undefined) return undefined;
		features.ensureLoading();
		const from = position.character - query.length;
		const range = new vscode.Range(position.line, from, position.line, position.character);
		const store = features.session.store;
		const items = contactSuggestions((q, limit) => store.search(q, limit), query, features.settings().idFormat).map((s) => {
			const item = new vscode.CompletionItem({ label: s.label, description: s.description }, vscode.CompletionItemKind.User);
			item.detail = s.detail;
			item.insertText = s.insertText;
			// The widget filters by what is typed in the range: the index already did, keep all.
			item.filterText = query;
			item.sortText = s.sortText;
			item.range = range;
			return item;
		});
		// Incomplete: the next keystroke asks again (a narrower query, or more contacts loaded).
		return new vscode.CompletionList(items, true);
	}
}
