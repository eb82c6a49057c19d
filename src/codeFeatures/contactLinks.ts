// Every contact id in a document is a link (Ctrl+click) that opens its detail panel.
import * as vscode from 'vscode';
import { Command } from '../config';
import { commandLink } from '../contacts/hoverText';
import { scanIds } from '../contacts/idScanner';
import type { CodeFeatures } from './codeFeatures';

/** Bigger documents (a data dump) get no links: the scan would be felt while typing. */
const MAX_CHARS = 5_000_000;

export class ContactLinkProvider implements vscode.DocumentLinkProvider {
	constructor(private readonly features: CodeFeatures) {}

	provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
		const { features } = this;
		if (!features.appliesTo(document)) return [];
		const text = document.getText();
		if (text.length > MAX_CHARS) return [];
		return scanIds(text, { isKnown: features.isKnown, keyValue: features.keyValue(document) }).map((m) => {
			const link = new vscode.DocumentLink(new vscode.Range(document.positionAt(m.start), document.positionAt(m.end)), vscode.Uri.parse(commandLink(Command.openContact, [m.contactId])));
			link.tooltip = 'Open contact details';
			return link;
		});
	}
}
