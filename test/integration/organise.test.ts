// Organising contacts in a real VS Code: the tree's filter (text, labels, types, with counts),
// editing labels of several contacts selected in the tree, a refused write undone, rename.
// Each test sets up its own state and clears the filter it set (it is remembered per workspace).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Contact } from '../../src/api/types';
import type { GroupBy } from '../../src/contacts/grouping';
import type { PeriskopeTestApi } from '../../src/testApi';
import type { GroupNode, MessageNode, TreeNode } from '../../src/views/treeModel';
import type { ApiDouble } from '../double/server';
import { closeEditors, expectedCounts, groupCounts, roots, signedInTo, signOutAndReset, startDouble, until, revealWhenShown } from './fixture';
import { screenshot, ui, waitFor } from './helpers';

const TOTAL = 600;

async function message(api: PeriskopeTestApi, key: string): Promise<MessageNode | undefined> {
	return (await roots(api)).find((n): n is MessageNode => n.kind === 'message' && n.key === key);
}

/** Types text into whatever has keyboard focus (the quick input), key by key, as a user does. */
async function typeText(text: string): Promise<void> {
	for (const ch of text) await ui.press(ch);
}

const hasLabel = (c: Contact, label: string) => c.labels.some((l) => l.toLowerCase() === label);
const filterOf = (api: PeriskopeTestApi) => api.view.tree.filter;

describe('Organise contacts', function () {
	this.timeout(90_000);
	let double: ApiDouble;

	before(async () => {
		double = await startDouble({ contacts: TOTAL, seed: 42 });
		await ui.trustWorkspace().catch(() => undefined);
	});
	afterEach(async () => {
		await vscode.commands.executeCommand('periskope.clearFilter');
		double.clearFaults();
	});
	after(async () => {
		await signOutAndReset();
		await closeEditors();
		await double.close();
	});

	/** Signed in, every contact loaded, grouped as asked, no filter. */
	async function loaded(by: GroupBy): Promise<PeriskopeTestApi> {
		const api = await signedInTo(double, { pageSize: 200 });
		await vscode.commands.executeCommand('periskope.clearFilter');
		await vscode.commands.executeCommand('periskope.loadAll');
		await vscode.commands.executeCommand(by === 'label' ? 'periskope.groupByLabel' : 'periskope.groupByType');
		assert.equal(api.session.store.size, TOTAL);
		return api;
	}

	it('filters by label, by type and by text typed in the picker, with filtered counts and the description saying so', async () => {
		const api = await loaded('label');
		// By label: only vip contacts; every group they are in, with their counts; no empty group.
		await vscode.commands.executeCommand('periskope.filter', { labels: ['vip'] });
		const vips = double.contacts.filter((c) => hasLabel(c, 'vip'));
		assert.ok(vips.length > 10 && vips.length < TOTAL, `the seed gives some vip contacts (${vips.length})`);
		assert.deepEqual(await groupCounts(api), expectedCounts(vips, 'label'));
		assert.equal(api.view.treeView.description, `filter: vip · ${vips.length} of 600`);
		assert.equal(api.view.treeView.message, `filter: vip · ${vips.length} of 600`);
		const vipGroup = (await roots(api)).find((n): n is GroupNode => n.kind === 'group' && n.group.key === 'vip')!;
		const children = (await api.view.tree.getChildren(vipGroup)) as TreeNode[];
		assert.deepEqual(
			children.flatMap((n) => (n.kind === 'contact' ? [n.contact.contact_id] : [])),
			vips.slice(0, 200).map((c) => c.contact_id),
		);
		await api.view.treeView.reveal(vipGroup, { expand: true, select: false });
		await screenshot('filter-by-label');
		if (ui.available) {
			const rows = await ui.treeRows('Contacts', { minRows: 2 });
			const vipRow = rows.find((r) => r.label === 'vip' && r.level === 1);
			assert.equal(vipRow?.description, String(expectedCounts(vips, 'label').get('vip')), JSON.stringify(rows.slice(0, 5)));
		}

		// By type, combined with a label.
		await vscode.commands.executeCommand('periskope.groupByType');
		await vscode.commands.executeCommand('periskope.filter', { labels: ['vip'], types: ['business'] });
		const vipBusinesses = vips.filter((c) => c.contact_type === 'business');
		assert.deepEqual(await groupCounts(api), new Map([['business', vipBusinesses.length]]));
		assert.equal(api.view.treeView.description, `filter: vip · Businesses · ${vipBusinesses.length} of 600`);

		// By text, typed into the Filter Contacts picker (where a runner can type; the command with an argument above otherwise).
		if (!ui.available) return;
		await vscode.commands.executeCommand('periskope.clearFilter');
		const word = 'patel';
		const expected = double.contacts.filter((c) => (c.contact_name ?? '').toLowerCase().includes(word) || c.labels.some((l) => l.toLowerCase().includes(word)));
		assert.ok(expected.length > 0, `some contact is named like ${word}`);
		const picking = vscode.commands.executeCommand('periskope.filter');
		const pick = await ui.quickPick({ waitFor: { titleIncludes: 'Filter Contacts', minItems: 3 } });
		assert.ok(pick?.items.some((i) => i.label === 'vip'), 'labels to pick');
		await typeText(word);
		await ui.press('Enter');
		await picking;
		assert.deepEqual(filterOf(api), { text: word, labels: [], types: [] });
		assert.deepEqual(await groupCounts(api), expectedCounts(expected, 'type'));
		assert.equal(api.view.treeView.description, `filter: "${word}" · ${expected.length} of 600`);
		await screenshot('filter-by-text');
	});

	it('on a partly loaded org says how much it has looked at and loads the rest; an empty result says why with Clear Filter', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		await vscode.commands.executeCommand('periskope.groupByLabel');
		await vscode.commands.executeCommand('periskope.filter', { labels: ['lead'] });
		const inFirst = double.contacts.slice(0, 200).filter((c) => hasLabel(c, 'lead')).length;
		const partial = await message(api, 'filter-partial');
		assert.equal(partial?.label, `${inFirst} matches in 200 loaded — load all`);
		assert.equal(api.view.treeView.description, `filter: lead · ${inFirst} of 600`);
		await screenshot('filter-partial');
		await vscode.commands.executeCommand(partial!.command!.command);
		await until(api, async () => !(await message(api, 'filter-partial')), 'the partial note to go once all is loaded');
		const all = double.contacts.filter((c) => hasLabel(c, 'lead')).length;
		assert.equal((await groupCounts(api)).get('lead'), all);

		await vscode.commands.executeCommand('periskope.filter', { text: 'qqzzxxnothing' });
		const empty = await message(api, 'filter-empty');
		assert.equal(empty?.label, 'No contacts match — clear filter');
		assert.equal(empty?.command?.command, 'periskope.clearFilter');
		assert.equal((await roots(api)).filter((n) => n.kind === 'group').length, 0, 'no empty groups');
		await vscode.commands.executeCommand(empty!.command!.command);
		assert.equal(filterOf(api), undefined);
		assert.equal(api.view.treeView.description, '600 contacts');
	});

	it('edits the labels of two contacts selected in the tree: confirmation, request, double and tree grouped by label', async function () {
		ui.requireOrSkip(this, 'selecting two rows and answering the picker');
		const api = await loaded('label');
		await closeEditors();
		const leadGroup = (await roots(api)).find((n): n is GroupNode => n.kind === 'group' && n.group.key === 'lead')!;
		const [first, second] = ((await api.view.tree.getChildren(leadGroup)) as TreeNode[]).filter((n) => n.kind === 'contact');
		assert.ok(first?.kind === 'contact' && second?.kind === 'contact');
		const a = first.contact;
		const b = second.contact;
		const beforeA = [...a.labels];
		const beforeB = [...b.labels];
		// Select the first with the mouse's equivalent, then extend the selection with Shift+Down.
		await api.view.treeView.reveal(first, { select: true, focus: true, expand: true });
		await ui.press('Shift+ArrowDown', { focus: 'tree:periskope.contacts' });
		await waitFor(() => api.view.treeView.selection.length === 2, 5000, 'two rows selected');
		assert.deepEqual(api.view.treeView.selection.map((n) => (n.kind === 'contact' ? n.contact.contact_id : n.kind)), [a.contact_id, b.contact_id]);

		const since = double.requests.length;
		const editing = vscode.commands.executeCommand<{ ok: boolean }>('periskope.editLabels');
		const picker = await ui.quickPick({ waitFor: { titleIncludes: 'Labels of 2 contacts', minItems: 2 } });
		const lead = picker?.items.find((i) => i.label.includes('lead'));
		assert.equal(lead?.checked, true, `their common label is picked: ${JSON.stringify(picker?.items.slice(0, 4))}`);
		const mixed = picker?.items.filter((i) => /on 1 of 2/.test(i.description)) ?? [];
		assert.ok(mixed.every((i) => i.checked), 'labels only one of them has are shown as such, picked (kept as they are)');
		await screenshot('label-picker');
		await typeText('Renewal');
		await waitFor(async () => !!(await ui.quickPick())?.items.some((i) => /Create label "Renewal"/.test(i.label) && i.checked), 5000, 'the new label offered, picked');
		await screenshot('label-picker-new');
		await ui.press('Enter');
		const dialog = await ui.answerDialog('Change Labels', { message: /2 contacts/, screenshot: 'label-confirm' });
		assert.match(dialog.message, /^2 contacts/);
		assert.match(dialog.detail, /replaces all labels of each contact/);
		assert.match(dialog.detail, /New labels are created: Renewal/);
		const outcome = await editing;
		assert.equal(outcome?.ok, true);

		// The requests: one per distinct result, each body exactly the contact's labels plus Renewal.
		const patches = double.requests.slice(since).filter((r) => r.method === 'PATCH');
		const sent = new Map<string, string>();
		for (const p of patches) for (const id of (p.body as { contact_ids: string[] }).contact_ids) sent.set(id, (p.body as { labels: string }).labels);
		assert.deepEqual(Object.fromEntries(sent), { [a.contact_id]: [...beforeA, 'Renewal'].join(','), [b.contact_id]: [...beforeB, 'Renewal'].join(',') });
		// The double's data and the tree.
		const inDouble = (id: string) => double.contacts.find((c) => c.contact_id === id)!.labels;
		assert.deepEqual(inDouble(a.contact_id), [...beforeA, 'Renewal']);
		assert.deepEqual(inDouble(b.contact_id), [...beforeB, 'Renewal']);
		await until(api, async () => (await groupCounts(api)).get('renewal') === 2, 'a Renewal group of two');
		const renewal = (await roots(api)).find((n): n is GroupNode => n.kind === 'group' && n.group.key === 'renewal')!;
		const members = ((await api.view.tree.getChildren(renewal)) as TreeNode[]).flatMap((n) => (n.kind === 'contact' ? [n.contact.contact_id] : []));
		assert.deepEqual(members.sort(), [a.contact_id, b.contact_id].sort());
		await revealWhenShown(api, renewal, { expand: true, select: false });
		await screenshot('labels-edited');
	});

	it('a refused write is undone in the tree and the store, and says so once', async function () {
		ui.requireOrSkip(this, 'answering the picker and the confirmation');
		const api = await loaded('label');
		await ui.notifications({ clear: true });
		const target = api.session.store.first(1)[0];
		const before = [...target.labels];
		double.fault({ kind: 'status', status: 422, method: 'PATCH', path: '/contacts/labels', body: { code: 'VALIDATION_ERROR', message: 'Label limit reached', status: 422 } });
		const seen: string[][] = [];
		const sub = api.editor.onDidEdit((cs) => seen.push([...cs[0].labels]));
		try {
			const editing = vscode.commands.executeCommand<{ ok: boolean; message: string }>('periskope.editLabels', target.contact_id);
			await ui.quickPick({ waitFor: { titleIncludes: 'Labels of', minItems: 1 } });
			await typeText('Refused');
			await waitFor(async () => !!(await ui.quickPick())?.items.some((i) => /Create label "Refused"/.test(i.label) && i.checked), 5000, 'the new label picked');
			await ui.press('Enter');
			await ui.answerDialog('Change Labels');
			const outcome = await editing;
			assert.equal(outcome?.ok, false);
			assert.deepEqual(seen, [[...before, 'Refused'], before], 'shown at once, then undone');
			assert.deepEqual(api.session.store.get(target.contact_id)!.labels, before);
			assert.equal((await groupCounts(api)).has('refused'), false, 'no Refused group left in the tree');
			assert.deepEqual(double.contacts.find((c) => c.contact_id === target.contact_id)!.labels, before);
			const shown = await ui.notifications({ waitFor: { message: /Labels not changed/, timeoutMs: 10_000 } });
			const refused = shown.filter((n) => /Labels not changed/.test(n.message));
			assert.equal(refused.length, 1, JSON.stringify(shown));
			assert.match(refused[0].message, /Periskope refused the change \(422\): Label limit reached/);
			await screenshot('labels-refused');
			await ui.notifications({ clear: true });
		} finally {
			sub.dispose();
		}
	});

	it('renames in Periskope, saying the phone keeps its name; toggles internal', async () => {
		const api = await loaded('type');
		const target = api.session.store.first(3)[2];
		const since = double.requests.length;
		if (ui.available) {
			await vscode.commands.executeCommand('periskope.openContact', target.contact_id);
			await ui.webview({ waitFor: { selector: `#root[data-contact-id="${target.contact_id}"][aria-busy="false"]`, timeoutMs: 15_000 } });
			const renaming = vscode.commands.executeCommand<{ ok: boolean }>('periskope.renameContact', target.contact_id);
			const box = await ui.quickPick({ waitFor: { titleIncludes: 'Rename' } });
			assert.match(box?.message ?? '', /changes in Periskope.*not on the phone/);
			await ui.press('Control+a');
			await typeText('Quillon');
			await ui.press('Enter');
			assert.equal((await renaming)?.ok, true);
			// The open detail panel shows the new name too.
			await waitFor(async () => /Quillon/.test((await ui.webview({ waitFor: { selector: `#root[data-contact-id="${target.contact_id}"]` } })).text), 10_000, 'the panel to show the new name');
			await screenshot('renamed-panel');
			await closeEditors();
		} else {
			// No runner to type: the command's input box cannot be answered here.
			await api.editor.update(target.contact_id, { contact_name: 'Quillon' });
		}
		const patch = double.requests.slice(since).find((r) => r.method === 'PATCH')!;
		assert.equal(patch.path, `/v1/contacts/${target.contact_id.replace(/@c\.us$/, '')}`);
		assert.deepEqual(patch.body, { contact_name: 'Quillon' });
		assert.equal(double.contacts.find((c) => c.contact_id === target.contact_id)!.contact_name, 'Quillon');
		assert.equal(api.session.store.get(target.contact_id)!.contact_name, 'Quillon');
		assert.deepEqual(api.session.store.search('quillon', 5).map((c) => c.contact_id), [target.contact_id]);

		const wasInternal = api.session.store.get(target.contact_id)!.is_internal === true;
		await vscode.commands.executeCommand('periskope.toggleInternal', target.contact_id);
		assert.equal(api.session.store.get(target.contact_id)!.is_internal, !wasInternal);
		assert.equal(double.contacts.find((c) => c.contact_id === target.contact_id)!.is_internal, !wasInternal);
		assert.deepEqual(double.requests.slice(since).filter((r) => r.method === 'PATCH').map((r) => r.body), [{ contact_name: 'Quillon' }, { is_internal: !wasInternal }]);
	});
});
