// The contact explorer, end to end in a real VS Code: token, tree, panel, search, copy/insert.
// The API double runs inside the extension host; the extension talks to it over real HTTP.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Contact } from '../../src/api/types';
import type { PeriskopeTestApi } from '../../src/extension';
import { groupKeysOf, GroupBy } from '../../src/contacts/grouping';
import type { TreeNode } from '../../src/views/treeNodes';
import { ApiDouble, startApiDouble } from '../double/server';
import { screenshot, waitFor } from './helpers';

const TOKEN = 'integration-token';
const TOTAL = 1200;
const PAGE = 500;
const EXTENSION_ID = 'periskope.periskope-contacts';

function expectedCounts(contacts: Contact[], by: GroupBy): Map<string, number> {
	const counts = new Map<string, number>();
	for (const c of contacts) for (const key of groupKeysOf(c, by)) counts.set(key, (counts.get(key) ?? 0) + 1);
	return counts;
}

describe('Contact explorer', function () {
	this.timeout(60_000);
	let double: ApiDouble;
	let api: PeriskopeTestApi;

	const roots = () => api.tree.getChildren() as Promise<TreeNode[]>;
	const groupCounts = async () => {
		const counts = new Map<string, number>();
		for (const n of await roots()) if (n.kind === 'group') counts.set(n.group.key, n.group.count);
		return counts;
	};

	before(async () => {
		double = await startApiDouble({ contacts: TOTAL, token: TOKEN, port: 0, seed: 42 });
		const config = vscode.workspace.getConfiguration('periskope');
		await config.update('apiBaseUrl', double.url, vscode.ConfigurationTarget.Global);
		await config.update('pageSize', PAGE, vscode.ConfigurationTarget.Global);
		const extension = vscode.extensions.getExtension<PeriskopeTestApi>(EXTENSION_ID)!;
		api = (await extension.activate())!;
		assert.ok(api, 'the extension hands its test API to tests');
		await vscode.commands.executeCommand('periskope.signOut');
		await vscode.commands.executeCommand('workbench.view.extension.periskope');
	});

	after(async () => {
		await vscode.commands.executeCommand('periskope.signOut');
		await double.close();
	});

	it('shows the welcome with a Set API Token button when signed out', async () => {
		assert.deepEqual(await roots(), [], 'an empty tree lets the welcome content show');
		assert.equal(double.requests.length, 0, 'no request without a token');
		await screenshot('welcome-signed-out');
	});

	it('refuses a wrong token with the API reason and stores nothing', async () => {
		await assert.rejects(
			Promise.resolve(vscode.commands.executeCommand('periskope.setToken', 'not-the-token')),
			/refused this token/,
		);
		assert.deepEqual(await roots(), []);
		assert.ok(double.requests.every((r) => r.status === 401));
	});

	it('stores a good token and loads the first page grouped by type with the right counts', async () => {
		await vscode.commands.executeCommand('periskope.groupByType');
		assert.equal(await vscode.commands.executeCommand('periskope.setToken', TOKEN), true);
		await waitFor(async () => (await roots()).some((n) => n.kind === 'group'), 10_000);
		assert.equal(api.store.size, PAGE);
		assert.equal(api.store.total, TOTAL);
		assert.deepEqual(await groupCounts(), expectedCounts(double.contacts.slice(0, PAGE), 'type'));
		const more = (await roots()).find((n) => n.kind === 'loadMore');
		assert.ok(more, 'a Load more node while pages remain');
		const keys = [...(await groupCounts()).keys()];
		assert.deepEqual(keys.slice(0, 2), ['user', 'business']);
		const users = (await roots()).find((n) => n.kind === 'group' && n.group.key === 'user')!;
		await api.treeView.reveal(users, { expand: true, select: false });
		await screenshot('tree-by-type');
	});

	it('loads more, then all, with counts matching the whole org', async () => {
		await vscode.commands.executeCommand('periskope.loadMore');
		assert.equal(api.store.size, 2 * PAGE);
		await vscode.commands.executeCommand('periskope.loadAll');
		assert.equal(api.store.size, TOTAL);
		assert.equal((await roots()).some((n) => n.kind === 'loadMore'), false, 'no Load more once complete');
		assert.deepEqual(await groupCounts(), expectedCounts(double.contacts, 'type'));
	});

	it('Load all, reading ahead, asks for every page once and for none past the end', async () => {
		// Five pages to go, so four are read ahead. (Whether a request overlaps the page before it
		// cannot be seen here: the double shares the extension host's thread. The unit tests show
		// the order, the bench what it buys against a double in its own process.)
		const config = vscode.workspace.getConfiguration('periskope');
		const SMALL = 200;
		const since = double.requests.length;
		const listOffsets = () => double.requests.slice(since).filter((r) => r.path === '/v1/contacts').map((r) => Number(r.query.offset));
		await config.update('pageSize', SMALL, vscode.ConfigurationTarget.Global);
		await waitFor(async () => api.store.size === SMALL && (await roots()).some((n) => n.kind === 'loadMore'), 10_000, 'page one at the new size');
		await vscode.commands.executeCommand('periskope.loadAll');
		assert.equal(api.store.size, TOTAL);
		assert.deepEqual(listOffsets(), [0, 200, 400, 600, 800, 1000]);
		assert.deepEqual(await groupCounts(), expectedCounts(double.contacts, 'type'));

		await config.update('pageSize', PAGE, vscode.ConfigurationTarget.Global);
		await waitFor(() => api.store.size === PAGE, 10_000, 'page one at the old size');
		await vscode.commands.executeCommand('periskope.loadAll');
		assert.equal(api.store.size, TOTAL);
	});

	it('groups by label, a contact with two labels in both groups', async () => {
		await vscode.commands.executeCommand('periskope.groupByLabel');
		const expected = expectedCounts(double.contacts, 'label');
		assert.deepEqual(await groupCounts(), expected);
		const twoLabels = double.contacts.find((c) => c.labels.length >= 2)!;
		for (const key of groupKeysOf(twoLabels, 'label')) {
			const group = (await roots()).find((n) => n.kind === 'group' && n.group.key === key)!;
			const children = (await api.tree.getChildren(group)) as TreeNode[];
			const all = [...children];
			// Follow "Show more" until the contact appears or the group is exhausted.
			while (!all.some((n) => n.kind === 'contact' && n.contact.contact_id === twoLabels.contact_id) && all.at(-1)?.kind === 'showMore') {
				await vscode.commands.executeCommand('periskope.showMore', 'label', key);
				all.splice(0, all.length, ...((await api.tree.getChildren(group)) as TreeNode[]));
			}
			assert.ok(all.some((n) => n.kind === 'contact' && n.contact.contact_id === twoLabels.contact_id), `in group ${key}`);
		}
		const first = (await roots()).find((n) => n.kind === 'group')!;
		await api.treeView.reveal(first, { expand: true, select: false });
		await screenshot('tree-by-label');
		await vscode.commands.executeCommand('periskope.groupByType');
	});

	it('opens the detail panel for a contact and shows its chats', async () => {
		// A named, labelled person who shares groups with the org, so every section has content.
		const detailOf = async (c: Contact) =>
			(await (await fetch(`${double.url}/contacts/${c.contact_id.replace('@c.us', '')}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Contact;
		let contact!: Contact;
		let detail!: Contact;
		for (const c of double.contacts.filter((c) => c.contact_name && /^[A-Za-z ]+$/.test(c.contact_name) && c.labels.length)) {
			detail = await detailOf(c);
			contact = c;
			if (detail.chat_ids?.some((id) => id.endsWith('@g.us'))) break;
		}
		const rendered = waitForRender(contact.contact_id, (text) => !text.includes('Loading chats'));
		await vscode.commands.executeCommand('periskope.openContact', contact.contact_id);
		const page = await rendered;
		assert.ok(page.text.includes(contact.contact_name!), 'name shown');
		assert.ok(page.text.includes(contact.contact_id), 'id shown');
		for (const label of contact.labels) assert.ok(page.text.includes(label), `label ${label} shown`);
		const groups = detail.chat_ids!.filter((id) => id.endsWith('@g.us'));
		assert.ok(groups.length > 0);
		for (const chat of groups) assert.ok(page.text.includes(chat), `chat ${chat} shown`);
		assert.equal(api.panel.visibleContactId, contact.contact_id);
		await screenshot('detail-panel');
	});

	it('restores the detail panel VS Code brings back after a reload, with fresh details', async () => {
		// What VS Code does on reload: a panel of our view type plus the state the page saved.
		const shown = api.panel.visibleContactId!;
		assert.ok(shown, 'a panel is open from the test before');
		const second = vscode.window.createWebviewPanel('periskope.contactDetail', 'Contact', vscode.ViewColumn.One, {});
		let secondClosed = false;
		second.onDidDispose(() => (secondClosed = true));
		await settleEditor(); // VS Code restores a panel once its editor is open
		api.panel.restore(second, { show: { contact: { contactId: shown } } });
		assert.equal(secondClosed, true, 'one panel at a time: a second restored panel is closed');

		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		assert.equal(api.panel.visibleContactId, undefined);
		const other = double.contacts.find((c) => c.contact_name && c.contact_id !== shown && c.contact_id.endsWith('@c.us'))!;
		const restored = vscode.window.createWebviewPanel('periskope.contactDetail', 'Contact', vscode.ViewColumn.One, {});
		const rendered = waitForRender(other.contact_id, (text) => !text.includes('Loading chats') && text.includes(other.contact_name!));
		await settleEditor();
		api.panel.restore(restored, { show: { contact: { contactId: other.contact_id } } });
		const page = await rendered;
		assert.ok(page.text.includes(other.contact_id), 'id shown');
		assert.equal(api.panel.visibleContactId, other.contact_id);
	});

	it('shows a hostile name as text, never as markup', async () => {
		const hostile = double.contacts.find((c) => c.contact_name?.includes('<img'))!;
		assert.ok(hostile, 'the double serves a contact with a hostile name');
		const rendered = waitForRender(hostile.contact_id);
		await vscode.commands.executeCommand('periskope.openContact', hostile.contact_id);
		const page = await rendered;
		assert.ok(page.text.includes(hostile.contact_name!), 'the name appears literally');
		assert.equal(page.injectedElements, 0, 'no element came from the name');
		await screenshot('detail-hostile-name');
	});

	it('finds contacts by name, number and label in the search', async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		const named = double.contacts.find((c) => c.contact_name && /^[A-Za-z]{4,}/.test(c.contact_name))!;
		const byName = named.contact_name!.slice(0, 4);
		const byNumber = named.contact_id.slice(2, 9);
		const label = double.contacts.find((c) => c.labels.length)!.labels[0];
		for (const [query, match] of [
			[byName, (c: Contact) => c.contact_id === named.contact_id],
			[byNumber, (c: Contact) => c.contact_id === named.contact_id],
			[label, (c: Contact) => c.labels.some((l) => l.toLowerCase() === label.toLowerCase())],
		] as const) {
			await vscode.commands.executeCommand('periskope.search', query);
			const search = api.lastSearch()!;
			await waitFor(() => search.resultIds.length > 0, 5000);
			const shown = search.quickPick.items;
			assert.ok(shown.length <= 50, 'never thousands of items');
			assert.ok(search.resultIds.some((id) => match(api.store.get(id)!)), `"${query}" finds the contact`);
			if (query === byName) await screenshot('search');
			search.quickPick.hide();
		}
	});

	it('copies a contact id in the chosen format', async () => {
		const id = double.contacts[1].contact_id;
		await vscode.commands.executeCommand('periskope.copyContactId', id);
		assert.equal(await vscode.env.clipboard.readText(), id);
		await vscode.workspace.getConfiguration('periskope').update('idFormat', 'number', vscode.ConfigurationTarget.Global);
		try {
			await waitFor(() => vscode.workspace.getConfiguration('periskope').get('idFormat') === 'number', 2000);
			await vscode.commands.executeCommand('periskope.copyContactId', id);
			assert.equal(await vscode.env.clipboard.readText(), id.replace('@c.us', ''));
		} finally {
			await vscode.workspace.getConfiguration('periskope').update('idFormat', undefined, vscode.ConfigurationTarget.Global);
		}
	});

	it('inserts a contact id at every selection of the active editor', async () => {
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
		double.fault({ kind: '500' }, { kind: '500' }, { kind: '500' }, { kind: '500' });
		await vscode.commands.executeCommand('periskope.refresh');
		const nodes = await roots();
		const error = nodes.find((n) => n.kind === 'message' && n.key === 'error');
		assert.ok(error && error.kind === 'message' && /server error \(500\)/.test(error.label), JSON.stringify(nodes.map((n) => n.kind)));
		assert.equal(error.command?.command, 'periskope.refresh');
		await screenshot('tree-error');
		await vscode.commands.executeCommand('periskope.refresh');
		await waitFor(async () => (await roots()).some((n) => n.kind === 'group'), 10_000);
	});

	it('says so when the list changed while paging, and when rows had no id', async () => {
		await vscode.commands.executeCommand('periskope.refresh');
		await waitFor(async () => (await roots()).some((n) => n.kind === 'group'), 10_000);
		// Contacts deleted after page one shift every later offset: some are never seen.
		double.fault({ kind: 'mutate', remove: 5, at: 0 });
		await vscode.commands.executeCommand('periskope.loadAll');
		const keys = (await roots()).flatMap((n) => (n.kind === 'message' ? [n.key] : []));
		assert.ok(keys.includes('changed'), `nodes: ${keys}`);

		// The fault is queued before the refresh, so the tree's first page is the one that gets it.
		const page = await (await fetch(`${double.url}/contacts?offset=0&limit=${PAGE}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { contacts: unknown[]; count: number };
		page.contacts.splice(0, 2, { contact_name: 'no id' }, null);
		double.fault({ kind: 'status', status: 200, body: page });
		await vscode.commands.executeCommand('periskope.refresh');
		await waitFor(async () => (await roots()).some((n) => n.kind === 'message' && n.key === 'malformed'), 10_000);
		assert.equal(api.store.size, PAGE - 2, 'the other rows of the page are kept');
		await screenshot('tree-changed-and-malformed');
	});

	it('goes back to the welcome after sign out', async () => {
		await vscode.commands.executeCommand('periskope.signOut');
		assert.deepEqual(await roots(), []);
		assert.equal(api.store.size, 0);
	});

	/** Lets the workbench finish opening an editor before the extension takes it over. */
	function settleEditor() {
		return new Promise((resolve) => setTimeout(resolve, 300));
	}

	function waitForRender(contactId: string, extra: (text: string) => boolean = () => true) {
		return new Promise<{ text: string; injectedElements: number }>((resolve, reject) => {
			const timer = setTimeout(() => {
				sub.dispose();
				reject(new Error(`panel did not render ${contactId}`));
			}, 15_000);
			const sub = api.panel.onDidRender((m) => {
				if (m.contactId === contactId && extra(m.text)) {
					clearTimeout(timer);
					sub.dispose();
					resolve(m);
				}
			});
		});
	}
});
