// The token goes only where the user sent it, in a real VS Code with workspace trust enabled:
// a workspace cannot choose the API address, a plain-http address elsewhere is refused, and a new
// address needs the user's yes in a modal ("Cancel" sends nothing). Then a sweep of everything
// the extension showed for the token.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PeriskopeTestApi } from '../../src/testApi';
import type { ApiDouble } from '../double/server';
import { allNodes, closeEditors, logText, messageKeys, panelTabs, roots, setUserSetting, signedInTo, signOutAndReset, startDouble, TOKEN, until } from './fixture';
import { screenshot, ui } from './helpers';

const tokenRequests = (d: ApiDouble) => d.requests.filter((r) => r.tokenMatched).length;

async function errorNode(api: PeriskopeTestApi) {
	const node = (await roots(api)).find((n) => n.kind === 'message' && n.key === 'error');
	return node?.kind === 'message' ? node : undefined;
}

describe('Trust: where the token may go', function () {
	this.timeout(90_000);
	let double: ApiDouble;

	before(async function () {
		ui.requireOrSkip(this, 'the trust tests (they answer modal dialogs)');
		await ui.trustWorkspace();
		assert.equal(vscode.workspace.isTrusted, true, 'a trusted workspace: the strongest case for a workspace setting');
		double = await startDouble({ contacts: 300, seed: 5 });
	});
	after(async () => {
		await signOutAndReset();
		await closeEditors();
		await double?.close();
	});

	it('a workspace .vscode/settings.json cannot point the token elsewhere', async () => {
		const attacker = await startDouble({ contacts: 3, token: 'whatever' });
		const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
		const settingsFile = path.join(folder, '.vscode', 'settings.json');
		try {
			const api = await signedInTo(double, { pageSize: 100 });
			// Read once VS Code has the file's page size: any other settings change (one an earlier
			// update still echoes) is not the file being read.
			const pageSize = () => vscode.workspace.getConfiguration('periskope').get('pageSize');
			const seen = new Promise<void>((resolve) => {
				const sub = vscode.workspace.onDidChangeConfiguration(() => {
					if (pageSize() !== 7) return;
					sub.dispose();
					resolve();
				});
			});
			fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
			fs.writeFileSync(settingsFile, JSON.stringify({ 'periskope.apiBaseUrl': `${attacker.url}`, 'periskope.pageSize': 7 }));
			await Promise.race([seen, new Promise((r) => setTimeout(r, 15_000))]);
			// VS Code read the file (the page size, a window setting, applies) but not the application-scoped URL.
			assert.equal(vscode.workspace.getConfiguration('periskope').get('pageSize'), 7, 'the workspace file was read');
			assert.equal(vscode.workspace.getConfiguration('periskope').get('apiBaseUrl'), double.url);
			await vscode.commands.executeCommand('periskope.refresh');
			await vscode.commands.executeCommand('periskope.loadAll');
			await vscode.commands.executeCommand('periskope.search', 'a');
			await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
			assert.equal(api.session.store.size, 300);
			assert.equal(attacker.requests.length, 0, 'the attacker saw no request at all');
			assert.ok(tokenRequests(double) > 0);
		} finally {
			fs.rmSync(path.join(folder, '.vscode'), { recursive: true, force: true });
			await attacker.close();
		}
	});

	it('refuses plain http to another machine, and a URL that is not one, with a node that opens the setting', async () => {
		const api = await signedInTo(double, { pageSize: 100 });
		const before = double.requests.length;
		try {
			for (const url of ['http://example.com/v1', 'not a url', `${double.url}?x=1`]) {
				await setUserSetting('apiBaseUrl', url);
				await until(
					api,
					async () => {
						await roots(api); // the view asks for page one, as VS Code does when it redraws
						return api.session.loader.state.status === 'failed';
					},
					`the refusal of ${url}`,
				);
				const node = await errorNode(api);
				assert.ok(node, `an error node for ${url}`);
				assert.match(node.label, /^API base URL refused/);
				assert.deepEqual(node.command?.arguments, ['periskope.apiBaseUrl']);
				assert.equal(node.command?.command, 'workbench.action.openSettings');
				const followUp = (await roots(api)).find((n) => n.kind === 'message' && n.key !== 'error');
				assert.equal(followUp, undefined, 'one node: its click is the next step');
				if (url.startsWith('http://example')) {
					assert.match(node.detail ?? '', /only to this machine/);
					await screenshot('trust-http-refused');
				}
			}
			assert.equal(double.requests.length, before, 'nothing was sent anywhere');
		} finally {
			await setUserSetting('apiBaseUrl', double.url);
		}
	});

	it('asks before the token goes to a new address; Cancel sends nothing, Send Token sends it', async () => {
		const api = await signedInTo(double, { pageSize: 100 });
		const other = await startDouble({ contacts: 40, seed: 8 });
		try {
			await setUserSetting('apiBaseUrl', other.url);
			// The view asks for page one of the new address: the token is not sent before the user answers.
			const loading = roots(api);
			const asked = await ui.answerDialog('Cancel', { message: /Send your Periskope API token/, screenshot: 'trust-origin-modal' });
			await loading;
			const from = new URL(double.url).host;
			const to = new URL(other.url).host;
			assert.match(asked.message, new RegExp(to.replace(/\./g, '\\.')), 'names the new host');
			assert.match(asked.detail, new RegExp(from.replace(/\./g, '\\.')), 'and the one the token was set for');
			assert.ok(asked.buttons.includes('Send Token'));
			assert.equal(other.requests.length, 0, 'Cancel: not one request reached the new address');
			await until(api, async () => /^Token not sent/.test((await errorNode(api))?.label ?? ''), 'the token-withheld node');
			assert.equal((await errorNode(api))?.command?.command, 'periskope.allowApiOrigin');
			assert.ok((await messageKeys(api)).includes('error-openSettings'));
			await screenshot('trust-token-withheld');
			// Refreshing does not nag: the answer holds until the user asks again.
			await vscode.commands.executeCommand('periskope.refresh');
			await roots(api);
			assert.equal(other.requests.length, 0);

			// The user changes their mind from the node.
			const allowing = vscode.commands.executeCommand('periskope.allowApiOrigin');
			const again = await ui.answerDialog('Send Token', { message: /Send your Periskope API token/ });
			await allowing;
			assert.equal(again.clicked, 'Send Token');
			await roots(api);
			await until(api, () => api.session.store.size === 40, 'the new org');
			assert.ok(tokenRequests(other) > 0, 'now the token went there');
			// Bound there now: back to the first address asks again.
		} finally {
			await signOutAndReset();
			await other.close();
		}
	});

	it('signing out closes the detail panel', async () => {
		await signedInTo(double, { pageSize: 100 });
		await closeEditors();
		const contact = double.contacts.find((c) => c.contact_name)!;
		await vscode.commands.executeCommand('periskope.openContact', contact.contact_id);
		await ui.webview({ waitFor: { selector: `#root[data-contact-id="${contact.contact_id}"]` } });
		assert.equal(panelTabs().length, 1);
		const closed = new Promise<void>((resolve) => {
			const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
				if (panelTabs().length === 0) {
					sub.dispose();
					resolve();
				}
			});
		});
		await vscode.commands.executeCommand('periskope.signOut');
		await closed;
		assert.equal(panelTabs().length, 0, 'no contact data stays on screen');
	});

	it('the token appears nowhere the extension wrote: log, notifications, panel, tree', async () => {
		const api = await signedInTo(double, { pageSize: 100 });
		await closeEditors();
		await ui.notifications({ clear: true });
		// Servers that echo the token back, in an error body, a trace id and a 401 reason.
		double.fault(
			{ kind: 'status', status: 422, body: { message: `bad request for token ${TOKEN} [x](command:periskope.signOut)` }, headers: { 'x-periskope-trace-id': TOKEN } },
		);
		await vscode.commands.executeCommand('periskope.refresh');
		await until(
			api,
			async () => {
				await roots(api); // the view asks for page one, and gets the 422
				return api.session.loader.state.status === 'failed';
			},
			'the 422',
		);
		const treeText = JSON.stringify((await allNodes(api)).map((n) => {
			const item = api.view.tree.getTreeItem(n);
			return [item.label, item.description, typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value];
		}));
		await vscode.commands.executeCommand('periskope.refresh');
		await roots(api);
		await until(api, () => api.session.loader.started, 'page one again');
		const contact = double.contacts.find((c) => c.contact_name)!;
		double.fault({ kind: 'status', status: 500, path: '/contacts/', body: { message: `internal: Bearer ${TOKEN}` } }, { kind: 'status', status: 500, path: '/contacts/', body: { message: `internal: Bearer ${TOKEN}` } }, { kind: 'status', status: 500, path: '/contacts/', body: { message: `internal: Bearer ${TOKEN}` } }, { kind: 'status', status: 500, path: '/contacts/', body: { message: `internal: Bearer ${TOKEN}` } });
		await vscode.commands.executeCommand('periskope.openContact', contact.contact_id);
		const page = await ui.webview({ waitFor: { selector: `#root[data-contact-id="${contact.contact_id}"][aria-busy="false"]`, timeoutMs: 30_000 } });
		assert.match(page.text, /server error/i, 'the panel shows the failure');
		double.fault({ kind: 'status', status: 401, body: { message: `token ${TOKEN} revoked` } });
		await vscode.commands.executeCommand('periskope.setToken', TOKEN);
		const notifications = JSON.stringify(await ui.allNotifications());
		const log = logText(api);
		for (const [where, text] of [
			['the log', log],
			['notifications', notifications],
			['the detail page', page.html],
			['tree items', treeText],
		] as const) {
			assert.ok(text.length > 0, `${where} has something to search`);
			assert.ok(!text.includes(TOKEN), `${where} contains the token`);
		}
		assert.match(log, /GET \/contacts\?offset=0&limit=100 200/, 'the log has request lines to search');
	});
});
