// Commands of the contacts-in-code features: reveal a contact in the view (a hover link), and
// turn the features off or on, everywhere or for the current editor's language.
import * as vscode from 'vscode';
import { Command, SECTION, Setting } from '../config';
import type { ContactsView } from '../views/contactsView';

export function codeFeatureCommands(view: ContactsView): Record<string, (arg?: unknown) => unknown> {
	return {
		[Command.revealContact]: (arg?: unknown) => (typeof arg === 'string' ? revealContact(arg, view) : undefined),
		[Command.toggleCodeFeatures]: toggleCodeFeatures,
		[Command.toggleCodeFeaturesForLanguage]: toggleForLanguage,
	};
}

/** Selects the contact in the Contacts view (opening the view); says so when it is not loaded there. */
async function revealContact(contactId: string, view: ContactsView): Promise<void> {
	await vscode.commands.executeCommand('workbench.view.extension.periskope');
	const node = view.tree.contactNode(contactId);
	if (!node) {
		void vscode.window.showInformationMessage('This contact is not loaded in the Contacts view yet: use Load All, or Open Details from the hover.');
		return;
	}
	await view.treeView.reveal(node, { select: true, focus: true, expand: true });
}

async function toggleCodeFeatures(): Promise<void> {
	const config = vscode.workspace.getConfiguration(SECTION);
	const next = config.get<unknown>(Setting.codeFeaturesEnabled) === false;
	await config.update(Setting.codeFeaturesEnabled, next, vscode.ConfigurationTarget.Global);
	vscode.window.setStatusBarMessage(`Periskope contacts in code: ${next ? 'on' : 'off'}`, 3000);
}

async function toggleForLanguage(): Promise<void> {
	const language = vscode.window.activeTextEditor?.document.languageId;
	if (!language) {
		void vscode.window.showInformationMessage('Open a file first: this turns contacts in code off or on for its language.');
		return;
	}
	const config = vscode.workspace.getConfiguration(SECTION);
	const raw = config.get<unknown>(Setting.codeFeaturesExcludedLanguages);
	const current = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
	const excluded = current.includes(language);
	const next = excluded ? current.filter((l) => l !== language) : [...current, language];
	await config.update(Setting.codeFeaturesExcludedLanguages, next, vscode.ConfigurationTarget.Global);
	vscode.window.setStatusBarMessage(`Periskope contacts in code: ${excluded ? 'on' : 'off'} for ${language}`, 3000);
}
