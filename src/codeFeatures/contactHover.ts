// The hover over a contact id: name, number, type, labels, flags, and links to our own commands
// only. Known ids are answered from the store; others through the lookup (one read per id).
import * as vscode from 'vscode';
import type { Contact } from '../api/types';
import { Command } from '../config';
import { contactHoverMarkdown } from '../contacts/hoverText';
import { idAt } from '../contacts/idScanner';
import { type CodeFeatures, signalOf } from './codeFeatures';

const HOVER_COMMANDS = { open: Command.openContact, reveal: Command.revealContact, copy: Command.copyContactId };
/** The only commands a hover's links may run. */
export const HOVER_ENABLED_COMMANDS = [Command.openContact, Command.revealContact, Command.copyContactId];

export class ContactHoverProvider implements vscode.HoverProvider {
	constructor(private readonly features: CodeFeatures) {}

	async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
		const { features } = this;
		if (!features.appliesTo(document)) return undefined;
		const line = document.lineAt(position.line).text;
		const match = idAt(line, position.character, { isKnown: features.isKnown, keyValue: features.keyValue(document) });
		if (!match) return undefined;
		const range = new vscode.Range(position.line, match.start, position.line, match.end);
		const loaded = features.session.store.get(match.contactId);
		if (loaded) return hover(loaded, match.contactId, range, true);
		features.ensureLoading();
		const cancel = signalOf(token);
		try {
			const contact = await features.lookup.lookup(match.contactId, cancel.signal);
			return contact && !token.isCancellationRequested ? hover(contact, match.contactId, range, features.session.store.get(match.contactId) !== undefined) : undefined;
		} catch {
			// Cancelled with the hover: nothing to show.
			return undefined;
		} finally {
			cancel.dispose();
		}
	}
}

function hover(contact: Contact, contactId: string, range: vscode.Range, inView: boolean): vscode.Hover {
	const markdown = new vscode.MarkdownString(contactHoverMarkdown(contact, contactId, HOVER_COMMANDS, inView));
	// Our command links run; nothing else does (no other command, no HTML, no theme icons).
	markdown.isTrusted = { enabledCommands: HOVER_ENABLED_COMMANDS };
	markdown.supportHtml = false;
	markdown.supportThemeIcons = false;
	return new vscode.Hover(markdown, range);
}
