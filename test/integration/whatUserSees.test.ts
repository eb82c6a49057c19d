// What a user sees with messy data: a 10,000-character name, a name hiding a right-to-left
// override, Insert ID with the panel covering the editor, the total, the log. Read from the
// workbench's DOM through the runner, as a person would see it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cleanText } from '../../src/contacts/format';
import type { ApiDouble } from '../double/server';
import { BIDI_OVERRIDE_NAME, FIXED_IDS, LONG_NAME } from '../double/generator';
import { closeEditors, logContains, roots, signedInTo, signOutAndReset, startDouble } from './fixture';
import { screenshot, ui } from './helpers';

const detailPage = (contactId: string, extra: Parameters<typeof ui.webview>[0] = {}) =>
	ui.webview({ ...extra, waitFor: { selector: `#root[data-contact-id="${contactId}"][aria-busy="false"]`, timeoutMs: 15_000 } });

describe('What a user sees', function () {
	this.timeout(60_000);
	let double: ApiDouble;

	before(async function () {
		ui.requireOrSkip(this, 'reading what the workbench shows');
		double = await startDouble({ contacts: 600, seed: 21 });
		await ui.trustWorkspace().catch(() => undefined);
	});
	after(async () => {
		await signOutAndReset();
		await closeEditors();
		await double?.close();
	});

	it('a 10,000-character name keeps the tab, the heading, the tree and the search usable', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		await closeEditors();
		await vscode.commands.executeCommand('periskope.openContact', FIXED_IDS.longName);
		const page = await detailPage(FIXED_IDS.longName, {
			rects: ['h1.name', 'button[data-key="copy"]', '.actions'],
			styles: [{ selector: 'h1.name', properties: ['-webkit-line-clamp', 'overflow'] }],
		});
		// The heading is clamped; Copy ID stays in view, right under it.
		const heading = page.rects['h1.name'];
		const copy = page.rects['button[data-key="copy"]'] ?? page.rects['.actions'];
		assert.ok(heading && copy, JSON.stringify(page.rects));
		assert.ok(heading.height < 200, `heading ${heading.height}px tall`);
		assert.ok(copy.y + copy.height <= page.viewport.height, `Copy ID at y=${copy.y}, viewport ${page.viewport.height}`);
		assert.ok(page.html.includes(LONG_NAME.slice(0, 2000)), 'the whole name is still on the page (title and text)');
		// The tab title is clipped, not tens of thousands of pixels wide.
		const tabs = await ui.editorTabs();
		const active = tabs.find((t) => t.active)!;
		assert.ok(active, JSON.stringify(tabs));
		assert.ok(active.label.length <= 60, `tab title: ${active.label.length} characters`);
		assert.ok(active.width < 600, `tab ${active.width}px wide`);
		await screenshot('long-name-panel');

		// Tree and search rows are clipped the same way; the name is still found by a word deep inside it.
		await vscode.commands.executeCommand('periskope.groupByType');
		const users = (await roots(api)).find((n) => n.kind === 'group' && n.group.key === 'user')!;
		await api.view.treeView.reveal(users, { expand: true, select: false });
		const rows = await ui.treeRows('Contacts');
		const longRow = rows.find((r) => r.label.startsWith('Very Long Name'));
		assert.ok(longRow, rows.map((r) => r.label).join(' | '));
		assert.ok(longRow.label.length <= 80, `tree row: ${longRow.label.length} characters`);
		await vscode.commands.executeCommand('periskope.search', 'Very Long Name');
		const pick = await ui.quickPick({ waitFor: { minItems: 1 } });
		const hit = pick?.items.find((i) => i.label.startsWith('Very Long Name'));
		assert.ok(hit, 'found by name');
		assert.ok(hit.label.length <= 80, `search row: ${hit.label.length} characters`);
		await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
	});

	it('a name with a right-to-left override is shown as written, isolated, everywhere', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		await closeEditors();
		const shown = cleanText(BIDI_OVERRIDE_NAME);
		assert.equal(shown, 'Mallory evil Example');
		// Tree: the control is gone from the label.
		const node = (await api.view.tree.getChildren((await roots(api)).find((n) => n.kind === 'group' && n.group.key === 'user')))!.find(
			(n) => n.kind === 'contact' && n.contact.contact_id === FIXED_IDS.bidiOverride,
		)!;
		const item = api.view.tree.getTreeItem(node);
		assert.equal(item.label, shown);
		assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(JSON.stringify(item)), 'no bidi control anywhere in the tree item');
		// Panel: the same text, no control, the name isolated from what surrounds it.
		await vscode.commands.executeCommand('periskope.openContact', FIXED_IDS.bidiOverride);
		const page = await detailPage(FIXED_IDS.bidiOverride, { styles: [{ selector: 'h1.name bdi', properties: ['unicode-bidi'] }] });
		assert.ok(page.text.includes(shown), page.text.slice(0, 200));
		assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(page.text));
		assert.equal(page.computed?.['h1.name bdi']?.['unicode-bidi'], 'isolate');
		// Search row.
		await vscode.commands.executeCommand('periskope.search', 'Mallory');
		const pick = await ui.quickPick({ waitFor: { minItems: 1 } });
		assert.ok(pick?.items.some((i) => i.label === shown), JSON.stringify(pick?.items.slice(0, 3)));
		await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
		await screenshot('bidi-name');
	});

	it('Insert ID reaches the editor the panel covers', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		await closeEditors();
		await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
		const [first, second] = double.contacts.filter((c) => c.contact_name && c.contact_id.endsWith('@c.us')).slice(2, 4);
		await vscode.commands.executeCommand('periskope.openContact', first.contact_id);
		await detailPage(first.contact_id);
		// A new untitled file in the same group, typed into: the user's editor.
		await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
		const editor = vscode.window.activeTextEditor!;
		assert.ok(editor, 'the untitled editor is active');
		await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'const id = ;'));
		editor.selection = new vscode.Selection(0, 11, 0, 11);
		const doc = editor.document;
		// Show another contact: the panel comes to the front of the one group and covers the editor.
		await vscode.commands.executeCommand('periskope.openContact', second.contact_id);
		await detailPage(second.contact_id);
		const activeDoc = () => vscode.window.activeTextEditor?.document;
		assert.equal(activeDoc(), undefined, 'the panel is in front');
		assert.equal(vscode.window.visibleTextEditors.length, 0, 'the editor is hidden behind it');
		await vscode.commands.executeCommand('periskope.insertContactId', second.contact_id);
		assert.equal(doc.getText(), `const id = ${second.contact_id};`);
		assert.equal(activeDoc(), doc, 'the editor was brought to the front');
		await screenshot('insert-behind-panel');
		await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

		// With no text editor at all, it says so and inserts nothing.
		await closeEditors();
		await ui.notifications({ clear: true });
		await vscode.commands.executeCommand('periskope.openContact', first.contact_id);
		await detailPage(first.contact_id);
		const inserting = vscode.commands.executeCommand('periskope.insertContactId', first.contact_id);
		const shown = await ui.notifications({ waitFor: { message: 'no text editor', timeoutMs: 10_000 } });
		assert.ok(shown.some((n) => /no text editor/.test(n.message) && n.buttons.includes('Copy ID Instead')), JSON.stringify(shown));
		await ui.notifications({ clear: true });
		await inserting;
		void api;
	});

	it('the view says how many contacts there are, loading and loaded', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		assert.equal(api.view.treeView.description, '200 of ~600');
		assert.equal(api.view.treeView.message, '200 of ~600', 'shown above the tree too: a lone view draws no description');
		await vscode.commands.executeCommand('periskope.loadAll');
		assert.equal(api.view.treeView.description, '600 contacts');
		assert.equal(api.view.treeView.message, '600 contacts');
		await screenshot('tree-total');
	});

	it('the log has one line per request at the default level, without the token', async () => {
		const api = await signedInTo(double, { pageSize: 200 });
		await vscode.commands.executeCommand('periskope.loadAll');
		const log = await logContains(api, /GET \/contacts\?offset=400&limit=200 200 \d+ ms trace=[\w-]+/);
		for (const offset of [0, 200, 400]) assert.match(log, new RegExp(`\\[info\\] GET /contacts\\?offset=${offset}&limit=200 200`));
		assert.ok(!log.includes('integration-token'));
	});
});
