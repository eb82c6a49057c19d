// "Edit Labels…", "Rename…" and "Toggle Internal": ask, confirm what Periskope will do, then let
// the ContactEditor write (optimistic, undone on failure). The outcome is reported once.
import * as vscode from 'vscode';
import { neutraliseMarkup } from '../api/serverText';
import type { Contact } from '../api/types';
import { Command } from '../config';
import type { ContactEditor, EditOutcome } from '../contacts/contactEditor';
import { clip, displayName } from '../contacts/format';
import { describePlan, LabelChoice, labelChoices, labelKey, labelProblem, planIsEmpty, planLabels } from '../contacts/labelEdits';
import type { ContactsSession } from '../contacts/session';
import type { ContactsView } from '../views/contactsView';
import type { TreeNode } from '../views/treeModel';

export interface EditCommandDeps {
	session: ContactsSession;
	view: ContactsView;
	editor: ContactEditor;
	log: vscode.LogOutputChannel;
}

/**
 * The contact ids a command acts on: an id (panel, search), the clicked node and, from a
 * multi-selection's context menu, every selected node; else the view's selection. A contact
 * under two labels is one contact.
 */
export function contactIdsOf(arg: unknown, selected: unknown, selection: readonly TreeNode[]): string[] {
	if (typeof arg === 'string' && arg) return [arg];
	const nodes = Array.isArray(selected) && selected.length ? (selected as TreeNode[]) : arg ? [arg as TreeNode] : selection;
	return [...new Set(nodes.flatMap((n) => (n?.kind === 'contact' ? [n.contact.contact_id] : [])))];
}

interface LabelItem extends vscode.QuickPickItem {
	choice?: LabelChoice;
	/** A label typed in, not known yet. */
	created?: string;
}

const count = (n: number) => `${n.toLocaleString('en-US')} contact${n === 1 ? '' : 's'}`;

/** The multi-select label picker; the picked labels' names, or undefined when cancelled. */
async function pickLabels(contacts: readonly Contact[], known: readonly string[]): Promise<string[] | undefined> {
	const total = contacts.length;
	const choices = labelChoices(contacts, known);
	const qp = vscode.window.createQuickPick<LabelItem>();
	qp.title = total === 1 ? `Labels of ${clip(displayName(contacts[0]), 50)}` : `Labels of ${count(total)}`;
	qp.placeholder = 'Pick the labels to keep or add; type a name to create a new label';
	qp.canSelectMany = true;
	const onText = (c: LabelChoice) => {
		if (total === 1 || c.on === 0) return c.on ? 'has it' : '';
		if (c.on === total) return `all ${total}`;
		return `on ${c.on} of ${total}: stays on those, unpick to remove`;
	};
	const base: LabelItem[] = choices.map((c) => ({ label: c.label, description: onText(c), iconPath: new vscode.ThemeIcon(c.on > 0 && c.on < total ? 'circle-large-filled' : 'tag'), choice: c }));
	qp.items = base;
	qp.selectedItems = base.filter((i) => i.choice!.picked);
	// What is typed, when it is no known label, is offered (and picked) as a new one; typing on replaces it.
	qp.onDidChangeValue((value) => {
		const name = value.trim();
		const keep = qp.selectedItems.filter((i) => i.choice);
		const known = !name || base.some((i) => i.choice!.key === labelKey(name));
		const typed: LabelItem[] = known ? [] : [{ label: `$(add) Create label "${name}"`, description: labelProblem(name) ?? 'new in Periskope', alwaysShow: true, created: name }];
		qp.items = [...typed, ...base];
		qp.selectedItems = [...keep, ...typed.filter((i) => !labelProblem(i.created!))];
	});
	try {
		return await new Promise<string[] | undefined>((resolve) => {
			qp.onDidAccept(() => {
				const picked = qp.selectedItems.flatMap((i) => (i.choice ? [i.choice.label] : i.created && !labelProblem(i.created) ? [i.created.trim()] : []));
				resolve(picked);
				qp.hide();
			});
			qp.onDidHide(() => resolve(undefined));
			qp.show();
		});
	} finally {
		qp.dispose();
	}
}

/** Reports an edit's outcome once: an error for a refusal or failure, a note for a lost answer that worked out, else the status bar. */
function report(outcome: EditOutcome, done: string, log: vscode.LogOutputChannel): void {
	if (!outcome.ok) {
		log.error(outcome.message);
		void vscode.window.showErrorMessage(neutraliseMarkup(outcome.message), 'Show Log').then((c) => c && vscode.commands.executeCommand(Command.showLog));
	} else if (outcome.message) {
		log.warn(outcome.message);
		void vscode.window.showInformationMessage(neutraliseMarkup(outcome.message));
	} else {
		vscode.window.setStatusBarMessage(`$(check) ${neutraliseMarkup(done)}`, 4000);
	}
}

export function editCommands(deps: EditCommandDeps): Record<string, (arg?: unknown, selected?: unknown) => unknown> {
	const { session, view, editor, log } = deps;
	/** The contacts as loaded, else read one by one (a contact shown from the search or a restored panel). */
	const contactsFor = async (ids: string[]): Promise<Contact[]> => Promise.all(ids.map(async (id) => session.store.get(id) ?? (await session.getContact(id))));
	const resolve = (arg: unknown, selected: unknown) => contactIdsOf(arg, selected, view.treeView.selection);
	const none = () => void vscode.window.showInformationMessage('Select a contact first.');

	return {
		[Command.editLabels]: async (arg?: unknown, selected?: unknown) => {
			const ids = resolve(arg, selected);
			if (!ids.length) return none();
			const contacts = await contactsFor(ids);
			const known = session.store.groups('label').flatMap((g) => (g.key.startsWith('\u0000') ? [] : [g.label]));
			const picked = await pickLabels(contacts, known);
			if (!picked) return;
			const plan = planLabels(contacts, picked, known);
			if (planIsEmpty(plan)) return void vscode.window.setStatusBarMessage('Labels unchanged', 3000);
			const { title, detail } = describePlan(plan);
			const go = await vscode.window.showWarningMessage(neutraliseMarkup(title), { modal: true, detail: neutraliseMarkup(detail) }, 'Change Labels');
			if (go !== 'Change Labels') return;
			const outcome = await editor.setLabels(plan);
			report(outcome, `Labels changed on ${count(outcome.changed.length)}`, log);
			return outcome;
		},
		[Command.renameContact]: async (arg?: unknown, selected?: unknown) => {
			const [id] = resolve(arg, selected);
			if (!id) return none();
			const [contact] = await contactsFor([id]);
			const name = await vscode.window.showInputBox({
				title: `Rename ${clip(displayName(contact), 50)}`,
				value: contact.contact_name ?? '',
				prompt: 'The name changes in Periskope, for your organisation; not on the phone and not in WhatsApp.',
				validateInput: (v) => (v.trim() ? undefined : 'A name cannot be empty.'),
			});
			if (name === undefined || name.trim() === (contact.contact_name ?? '')) return;
			const outcome = await editor.update(id, { contact_name: name.trim() });
			report(outcome, `Renamed to ${clip(name.trim(), 60)} in Periskope`, log);
			return outcome;
		},
		[Command.toggleInternal]: async (arg?: unknown, selected?: unknown) => {
			const [id] = resolve(arg, selected);
			if (!id) return none();
			const [contact] = await contactsFor([id]);
			const next = contact.is_internal !== true;
			const outcome = await editor.update(id, { is_internal: next });
			report(outcome, `${clip(displayName(contact), 50)} is ${next ? 'now' : 'no longer'} internal in Periskope`, log);
			return outcome;
		},
	};
}
