// The contact explorer, end to end in a real VS Code: token, tree, panel, search, copy/insert.
// Each test sets up the state it needs (see fixture.ts), so any test runs alone or in any order.
// The API double runs inside the extension host; the extension talks to it over real HTTP.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Contact } from '../../src/api/types';
import { groupKeysOf } from '../../src/contacts/grouping';
import type { TreeNode } from '../../src/views/treeModel';
import type { ApiDouble } from '../double/server';
import { closeEditors, expectedCounts, groupCounts, extensionApi, messageKeys, panelTabs, roots, signedInTo, signOutAndReset, startDouble, TOKEN, until } from './fixture';
import { screenshot, ui, waitFor } from './helpers';

const TOTAL = 1200;
const PAGE = 500;

/** The detail page once it shows `contactId` with its chats loaded, read from the browser's DOM. */
function detailPage(contactId: string) {
	return ui.webview({ waitFor: { selector: `#root[data-contact-id="${contactId}"][aria-busy="false"]`, timeoutMs: 15_000 } });
}

describe('Contact explorer', function () {
	this.timeout(60_000);
	let double: ApiDouble;

	before(async () => {
		double = await startDouble({ contacts: TOTAL, seed: 42 });
		await ui.trustWorkspace().catch(() => undefined); // pictures without the Restricted Mode banner
	});
	after(async () => {
		await signOutAndReset();
		await closeEditors();
		await double.close();
	});

	it('shows the welcome with a Set API Token button when signed out', async () => {
		const api = await extensionApi();
		await signOutAndReset();
		const before = double.requests.length;
		await vscode.commands.executeCommand('workbench.view.extension.periskope');
		assert.deepEqual(await roots(api), [], 'an empty tree lets the welcome content show');
		assert.equal(api.view.treeView.description, undefined);
		assert.equal(double.requests.length, before, 'no request without a token');
		await screenshot('welcome-signed-out');
	});

	it('refuses a wrong token once, with the API reason, and stores nothing', async () => {
		const api = await signedInTo(double);
		await vscode.commands.executeCommand('periskope.signOut');
		if (ui.available) await ui.notifications({ clear: true });
		const stored = await vscode.commands.executeCommand('periskope.setToken', 'not-the-token');
		assert.notEqual(stored, true);
		assert.equal(api.session.signedIn, false);
		assert.deepEqual(await roots(api), []);
		if (ui.available) {
			// A toast shows a moment after the command returns.
			const shown = await ui.notifications({ waitFor: { message: /refused this token/, timeoutMs: 10_000 } });
			const refused = shown.filter((n) => /refused this token/.test(n.message));
			assert.equal(refused.length, 1, `one notification, not two: ${JSON.stringify(shown)}`);
			assert.ok(refused[0].buttons.includes('Set API Token'), JSON.stringify(refused[0]));
			await ui.notifications({ clear: true });
		}
	});

	it('loads the first page grouped by type with the right counts and a Load more node', async () => {
		const api = await signedInTo(double, { pageSize: PAGE });
		await vscode.commands.executeCommand('periskope.groupByType');
		assert.equal(api.session.store.size, PAGE);
		assert.equal(api.session.store.total, TOTAL);
		assert.deepEqual(await groupCounts(api), expectedCounts(double.contacts.slice(0, PAGE), 'type'));
		assert.ok((await roots(api)).some((n) => n.kind === 'loadMore'), 'a Load more node while pages remain');
		assert.deepEqual([...(await groupCounts(api)).keys()].slice(0, 2), ['user', 'business']);
		assert.equal(api.view.treeView.description, `${PAGE} of ~${TOTAL.toLocaleString('en-US')}`);
		const users = (await roots(api)).find((n) => n.kind === 'group' && n.group.key === 'user')!;
		await api.view.treeView.reveal(users, { expand: true, select: false });
		await screenshot('tree-by-type');
	});

	it('loads more, then all, with counts matching the whole org and the total in the view', async () => {
		const api = await signedInTo(double, { pageSize: PAGE });
		await vscode.commands.executeCommand('periskope.loadMore');
		assert.equal(api.session.store.size, 2 * PAGE);
		await vscode.commands.executeCommand('periskope.loadAll');
		assert.equal(api.session.store.size, TOTAL);
		assert.equal((await roots(api)).some((n) => n.kind === 'loadMore'), false, 'no Load more once complete');
		assert.deepEqual(await groupCounts(api), expectedCounts(double.contacts, 'type'));
		assert.equal(api.view.treeView.description, '1,200 contacts');
	});

	it('Load all, with requests in flight, asks for every page once and confirms the end with one empty page', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		const since = double.requests.length;
		await vscode.commands.executeCommand('periskope.loadAll');
		const offsets = double.requests.slice(since).filter((r) => r.path === '/v1/contacts').map((r) => Number(r.query.offset));
		assert.equal(api.session.store.size, TOTAL);
		// Page one came with sign-in; each later page once. The last page is full and ends exactly at the
		// count, so one empty page confirms the end (a count alone never ends a walk).
		assert.deepEqual(offsets, [200, 400, 600, 800, 1000, 1200]);
		assert.deepEqual(await groupCounts(api), expectedCounts(double.contacts, 'type'));
	});

	it('groups by label, a contact with two labels in both groups', async () => {
		const api = await signedInTo(double, { pageSize: PAGE });
		await vscode.commands.executeCommand('periskope.loadAll');
		await vscode.commands.executeCommand('periskope.groupByLabel');
		try {
			assert.deepEqual(await groupCounts(api), expectedCounts(double.contacts, 'label'));
			const twoLabels = double.contacts.find((c) => c.labels.length >= 2)!;
			for (const key of groupKeysOf(twoLabels, 'label')) {
				const group = (await roots(api)).find((n) => n.kind === 'group' && n.group.key === key)!;
				const all: TreeNode[] = [...((await api.view.tree.getChildren(group)) as TreeNode[])];
				// Follow "Show more" until the contact appears or the group is exhausted.
				while (!all.some((n) => n.kind === 'contact' && n.contact.contact_id === twoLabels.contact_id) && all.at(-1)?.kind === 'showMore') {
					await vscode.commands.executeCommand('periskope.showMore', 'label', key);
					all.splice(0, all.length, ...((await api.view.tree.getChildren(group)) as TreeNode[]));
				}
				assert.ok(all.some((n) => n.kind === 'contact' && n.contact.contact_id === twoLabels.contact_id), `in group ${key}`);
			}
			const first = (await roots(api)).find((n) => n.kind === 'group')!;
			await api.view.treeView.reveal(first, { expand: true, select: false });
			await screenshot('tree-by-label');
		} finally {
			await vscode.commands.executeCommand('periskope.groupByType');
		}
	});

	it('opens the detail panel for a contact and shows its chats', async function () {
		ui.requireOrSkip(this, 'reading the detail page');
		await signedInTo(double, { pageSize: PAGE });
		await closeEditors();
		// A named, labelled person who shares groups with the org, so every section has content.
		let contact!: Contact;
		let detail!: Contact;
		for (const c of double.contacts.filter((c) => c.contact_name && /^[A-Za-z ]+$/.test(c.contact_name) && c.labels.length)) {
			detail = (await (await fetch(`${double.url}/contacts/${c.contact_id.replace('@c.us', '')}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Contact;
			contact = c;
			if (detail.chat_ids?.some((id) => id.endsWith('@g.us'))) break;
		}
		await vscode.commands.executeCommand('periskope.openContact', contact.contact_id);
		const page = await detailPage(contact.contact_id);
		assert.ok(page.text.includes(contact.contact_name!), 'name shown');
		assert.ok(page.text.includes(contact.contact_id), 'id shown');
		for (const label of contact.labels) assert.ok(page.text.includes(label), `label ${label} shown`);
		const groups = detail.chat_ids!.filter((id) => id.endsWith('@g.us'));
		assert.ok(groups.length > 0);
		for (const chat of groups) assert.ok(page.text.includes(chat), `chat ${chat} shown`);
		assert.equal(panelTabs().length, 1);
		await screenshot('detail-panel');
	});

	it('restores the detail panel VS Code brings back after a reload, with fresh details', async function () {
		ui.requireOrSkip(this, 'reading the detail page');
		const api = await signedInTo(double, { pageSize: PAGE });
		await closeEditors();
		const shown = double.contacts.find((c) => c.contact_name && c.contact_id.endsWith('@c.us') && /^[A-Za-z ]+$/.test(c.contact_name))!;
		await vscode.commands.executeCommand('periskope.openContact', shown.contact_id);
		await detailPage(shown.contact_id);
		// What VS Code does on reload: a panel of our view type plus the state the page saved.
		const second = vscode.window.createWebviewPanel('periskope.contactDetail', 'Contact', vscode.ViewColumn.One, {});
		let secondClosed = false;
		second.onDidDispose(() => (secondClosed = true));
		api.panel.restore(second, { show: { contact: { contactId: shown.contact_id } } });
		assert.equal(secondClosed, true, 'one panel at a time: a second restored panel is closed');

		await closeEditors();
		assert.equal(panelTabs().length, 0);
		const other = double.contacts.find((c) => c.contact_name && c.contact_id !== shown.contact_id && c.contact_id.endsWith('@c.us') && /^[A-Za-z ]+$/.test(c.contact_name))!;
		const restored = vscode.window.createWebviewPanel('periskope.contactDetail', 'Contact', vscode.ViewColumn.One, {});
		api.panel.restore(restored, { show: { contact: { contactId: other.contact_id } } });
		const page = await detailPage(other.contact_id);
		assert.ok(page.text.includes(other.contact_id), 'id shown');
		assert.ok(page.text.includes(other.contact_name!), 'fresh details: the name');
	});

	it('shows a hostile name as text, never as markup', async function () {
		ui.requireOrSkip(this, 'reading the detail page');
		await signedInTo(double, { pageSize: PAGE });
		const hostile = double.contacts.find((c) => c.contact_name?.includes('<img'))!;
		assert.ok(hostile, 'the double serves a contact with a hostile name');
		await vscode.commands.executeCommand('periskope.openContact', hostile.contact_id);
		const page = await detailPage(hostile.contact_id);
		assert.ok(page.text.includes(hostile.contact_name!), 'the name appears literally');
		assert.equal(page.injected, 0, 'no element came from the name');
		await screenshot('detail-hostile-name');
	});

	it('finds contacts by name, number and label in the search', async function () {
		ui.requireOrSkip(this, 'reading the search results');
		const api = await signedInTo(double, { pageSize: PAGE });
		await closeEditors();
		const named = double.contacts.find((c) => c.contact_name && /^[A-Za-z]{4,}/.test(c.contact_name))!;
		const byName = named.contact_name!.slice(0, 4);
		const byNumber = named.contact_id.slice(2, 9);
		const label = double.contacts.find((c) => c.labels.length)!.labels[0];
		for (const [query, expected] of [
			[byName, named.contact_name!],
			[byNumber, named.contact_name!],
			[label, label],
		] as const) {
			await vscode.commands.executeCommand('periskope.search', query);
			const pick = await ui.quickPick({ waitFor: { minItems: 1, timeoutMs: 10_000 } });
			assert.ok(pick, 'the search is showing');
			const rows = pick.items.map((i) => `${i.label} ${i.description} ${i.detail}`);
			assert.ok(rows.some((r) => r.includes(expected)), `"${query}" shows ${expected}: ${rows.slice(0, 5).join(' | ')}`);
			if (query === byName) await screenshot('search');
			await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
		}
		assert.equal(api.session.store.size, TOTAL, 'the search loaded the rest of the org while it was open');
	});

	it('copies a contact id in the chosen format', async () => {
		await signedInTo(double, { pageSize: PAGE });
		const id = double.contacts[1].contact_id;
		await vscode.commands.executeCommand('periskope.copyContactId', id);
		assert.equal(await vscode.env.clipboard.readText(), id);
		await signedInTo(double, { pageSize: PAGE, idFormat: 'number' });
		await vscode.commands.executeCommand('periskope.copyContactId', id);
		assert.equal(await vscode.env.clipboard.readText(), id.replace('@c.us', ''));
	});

	it('Ctrl+C on a group says "Select a contact first." once; on a contact it copies the id', async function () {
		ui.requireOrSkip(this, 'pressing keys in the view');
		const api = await signedInTo(double, { pageSize: PAGE });
		await vscode.commands.executeCommand('periskope.groupByType');
		const users = (await roots(api)).find((n) => n.kind === 'group' && n.group.key === 'user')!;
		await api.view.treeView.reveal(users, { select: true, focus: true, expand: true });
		await ui.press('Control+c');
		const shown = await ui.notifications({ waitFor: { message: 'Select a contact first', timeoutMs: 10_000 } });
		assert.equal(shown.filter((n) => /Select a contact first/.test(n.message)).length, 1, `reported once: ${JSON.stringify(shown)}`);
		await ui.notifications({ clear: true });

		const first = ((await api.view.tree.getChildren(users)) as TreeNode[]).find((n) => n.kind === 'contact')!;
		assert.ok(first.kind === 'contact');
		await api.view.treeView.reveal(first, { select: true, focus: true });
		await vscode.env.clipboard.writeText('');
		await ui.press('Control+c');
		// The clipboard has no change event: poll it briefly.
		await waitFor(async () => (await vscode.env.clipboard.readText()) === first.contact.contact_id, 5000, 'the id on the clipboard');
	});

	it('inserts a contact id at every selection of the active editor', async () => {
		await signedInTo(double, { pageSize: PAGE });
		await closeEditors();
		const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const a = "";\nconst b = "";\n' });
		const editor = await vscode.window.showTextDocument(doc);
		editor.selections = [new vscode.Selection(0, 11, 0, 11), new vscode.Selection(1, 11, 1, 11)];
		const id = double.contacts[2].contact_id;
		await vscode.commands.executeCommand('periskope.insertContactId', id);
		assert.equal(doc.getText(), `const a = "${id}";\nconst b = "${id}";\n`);
		await screenshot('insert-id');
		await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
	});

	it('shows a failure as a node with a next step, and recovers on retry', async () => {
		const api = await signedInTo(double, { pageSize: PAGE });
		double.fault({ kind: '500' }, { kind: '500' }, { kind: '500' }, { kind: '500' });
		await vscode.commands.executeCommand('periskope.refresh');
		await until(api, () => api.session.loader.state.status === 'failed', 'the failure');
		const nodes = await roots(api);
		const error = nodes.find((n) => n.kind === 'message' && n.key === 'error');
		assert.ok(error && error.kind === 'message' && /server error \(500\)/.test(error.label), JSON.stringify(nodes.map((n) => n.kind)));
		assert.equal(error.command?.command, 'periskope.refresh');
		await screenshot('tree-error');
		await vscode.commands.executeCommand('periskope.refresh');
		await until(api, async () => (await roots(api)).some((n) => n.kind === 'group'), 'groups after the retry');
	});

	it('says so when the list changed while paging, and when rows had no id', async () => {
		// Its own org: this test deletes contacts.
		const changing = await startDouble({ contacts: TOTAL, seed: 43 });
		const api = await signedInTo(changing, { pageSize: PAGE });
		// Contacts deleted after page one shift every later offset: the walk cannot prove it saw everyone.
		changing.fault({ kind: 'mutate', remove: 5, at: 0 });
		try {
			await vscode.commands.executeCommand('periskope.loadAll');
			assert.ok((await messageKeys(api)).includes('changed'), `nodes: ${await messageKeys(api)}`);

			// The fault is queued before the refresh, so the tree's first page is the one that gets it.
			const page = (await (await fetch(`${changing.url}/contacts?offset=0&limit=${PAGE}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { contacts: unknown[]; count: number };
			page.contacts.splice(0, 2, { contact_name: 'no id' }, null);
			changing.fault({ kind: 'status', status: 200, body: page });
			await vscode.commands.executeCommand('periskope.refresh');
			await until(api, async () => (await messageKeys(api)).includes('malformed'), 'the malformed-rows node');
			assert.equal(api.session.store.size, PAGE - 2, 'the other rows of the page are kept');
			await screenshot('tree-changed-and-malformed');
		} finally {
			await signOutAndReset();
			await changing.close();
		}
	});

	it('goes back to the welcome after sign out', async () => {
		const api = await signedInTo(double, { pageSize: PAGE });
		await vscode.commands.executeCommand('periskope.signOut');
		assert.deepEqual(await roots(api), []);
		assert.equal(api.session.store.size, 0);
		assert.equal(api.view.treeView.description, undefined);
	});
});
