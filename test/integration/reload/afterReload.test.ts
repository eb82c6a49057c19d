// After the window was reopened: the cached contacts show before the API has seen a single list
// request (the double is not even running yet), then revalidate; signing out deletes the file.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/views/treeModel';
import type { ApiDouble } from '../../double/server';
import { extensionApi, revealWhenShown, roots, startDouble, until } from '../fixture';
import { screenshot, ui, waitFor } from '../helpers';
import { readHandoff } from './handoff';

const listRequests = (double: ApiDouble) => double.requests.filter((r) => r.path === '/v1/contacts').length;

describe('Persistent cache across a window reload', () => {
	it('(after the reload) shows the cached contacts before any list request, revalidates them, and sign-out deletes the file', async () => {
		const handoff = readHandoff();
		assert.ok(fs.existsSync(handoff.file), 'the cache file survived the reload');
		const api = await extensionApi();
		assert.equal(api.session.signedIn, true, 'the token survived the reload (secret storage)');
		await vscode.commands.executeCommand('workbench.view.extension.periskope');
		// No API is listening yet: whatever the tree shows now came from the disk.
		await until(api, () => api.session.store.size === handoff.contacts, 'the cached contacts', 20_000);
		const groups = (await roots(api)).filter((n) => n.kind === 'group');
		assert.ok(groups.length > 0, 'the tree shows groups of cached contacts');
		assert.match(String(api.view.treeView.description), /3,000 contacts · cached (moments|\d+ min) ago/);
		// A user looking at a contact while the reload runs keeps it selected, in its expanded group.
		const group = groups[0]!;
		const [picked] = (await api.view.tree.getChildren(group)) as TreeNode[];
		assert.ok(picked?.kind === 'contact');
		await revealWhenShown(api, group, { expand: true, select: false });
		await revealWhenShown(api, picked, { select: true, focus: false });
		if (ui.available) await screenshot('cache-restored');

		let double: ApiDouble | undefined;
		try {
			double = await startDouble({ port: handoff.port, contacts: handoff.contacts, seed: handoff.seed });
			assert.equal(listRequests(double), 0, 'the API double has seen no list request');
			// Meanwhile on Periskope: one contact renamed, one deleted.
			const [renamed, deleted] = [double.contacts[3]!, double.contacts[1500]!];
			renamed.contact_name = 'Renamed After Reload';
			renamed.updated_at = new Date().toISOString();
			double.contacts.splice(1500, 1);
			// The reload may have given up while the API was away (an error node with Retry): retry, as a user would.
			const server = double;
			await until(
				api,
				() => {
					const { loader } = api.session;
					if (loader.state.status === 'failed') void vscode.commands.executeCommand('periskope.loadMore');
					return !loader.cache && loader.state.status === 'idle' && listRequests(server) > 0;
				},
				'the revalidation',
				30_000,
			);
			assert.equal(api.session.store.get(renamed.contact_id)?.contact_name, 'Renamed After Reload');
			assert.equal(api.session.store.get(deleted.contact_id), undefined, 'the contact deleted on Periskope is gone');
			assert.equal(api.session.store.size, handoff.contacts - 1);
			assert.doesNotMatch(String(api.view.treeView.description), /cached/);
			const selected = api.view.treeView.selection;
			assert.equal(selected.length, 1);
			assert.equal(selected[0]?.kind === 'contact' && selected[0].contact.contact_id, picked.contact.contact_id, 'the selection survived the swap');
			assert.equal(api.view.treeView.visible, true);
			if (ui.available) await screenshot('cache-revalidated');

			await vscode.commands.executeCommand('periskope.signOut');
			await waitFor(() => !fs.existsSync(handoff.file), 10_000, 'the cache file to be deleted on sign-out');
		} finally {
			await double?.close();
		}
	});
});
