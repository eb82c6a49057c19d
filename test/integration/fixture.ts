// What every integration test needs to set up its own state: the extension's test API, an
// API double, settings, and a signed-in session against that double. Waiting is on the
// session's events, never on fixed sleeps.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Contact } from '../../src/api/types';
import { groupKeysOf, type GroupBy } from '../../src/contacts/grouping';
import type { PeriskopeTestApi } from '../../src/testApi';
import type { TreeNode } from '../../src/views/treeModel';
import { ApiDouble, startApiDouble, type ApiDoubleOptions } from '../double/server';
import { ui } from './helpers';

export const EXTENSION_ID = 'periskope.periskope-contacts';
export const TOKEN = 'integration-token';

let cached: PeriskopeTestApi | undefined;

/** The extension's test API (activating it if the view did not yet). */
export async function extensionApi(): Promise<PeriskopeTestApi> {
	if (cached) return cached;
	const extension = vscode.extensions.getExtension<PeriskopeTestApi>(EXTENSION_ID);
	assert.ok(extension, 'the extension under development is loaded');
	const api = await extension.activate();
	assert.ok(api, 'the extension hands its test API to tests (extensionMode Test)');
	cached = api;
	return api;
}

/** A double with the suite's token; close it in `after`. */
export function startDouble(options: Partial<ApiDoubleOptions> = {}): Promise<ApiDouble> {
	return startApiDouble({ token: TOKEN, port: 0, ...options });
}

const periskope = () => vscode.workspace.getConfiguration('periskope');

/** Sets a user (global) setting and waits until VS Code reports the new value. */
export async function setUserSetting(key: string, value: unknown): Promise<void> {
	const changed = new Promise<void>((resolve) => {
		const sub = vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration(`periskope.${key}`)) {
				sub.dispose();
				resolve();
			}
		});
		// Nothing changes when the value is already there.
		if (JSON.stringify(periskope().inspect(key)?.globalValue) === JSON.stringify(value)) {
			sub.dispose();
			resolve();
		}
	});
	await periskope().update(key, value, vscode.ConfigurationTarget.Global);
	await changed;
}

/**
 * Signed out, the API base URL and page size set, then signed in with the suite's token: the
 * state most tests start from. Resolves once the first page is in the store.
 */
export async function signedInTo(double: ApiDouble, options: { pageSize?: number; idFormat?: 'full' | 'number' } = {}): Promise<PeriskopeTestApi> {
	const api = await extensionApi();
	await vscode.commands.executeCommand('periskope.signOut');
	await setUserSetting('apiBaseUrl', double.url);
	await setUserSetting('pageSize', options.pageSize ?? 500);
	await setUserSetting('idFormat', options.idFormat);
	// A filter is remembered per workspace: one an earlier test set would change every count.
	await vscode.commands.executeCommand('periskope.clearFilter');
	await vscode.commands.executeCommand('workbench.view.extension.periskope');
	assert.equal(await vscode.commands.executeCommand('periskope.setToken', TOKEN), true, 'the token is accepted');
	await until(api, () => api.session.loader.started, 'the first page');
	// The sign-out above says so in a toast; pictures and notification checks start clean.
	if (ui.available) await ui.notifications({ clear: true });
	return api;
}

/** Back to no token and default settings. */
export async function signOutAndReset(): Promise<void> {
	await vscode.commands.executeCommand('periskope.signOut');
	for (const key of ['apiBaseUrl', 'pageSize', 'idFormat', 'requestTimeoutSeconds']) await periskope().update(key, undefined, vscode.ConfigurationTarget.Global);
}

/** Resolves when `predicate` holds, re-checking on every change of the session (store, loader, sign-in). */
export function until(api: PeriskopeTestApi, predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
	const { session } = api;
	return new Promise<void>((resolve, reject) => {
		let done = false;
		const subs = [session.store.onDidChange(() => void check()), session.loader.onDidChangeState(() => void check()), session.onDidChangeSignedIn(() => void check())];
		const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
		function finish(error?: Error) {
			if (done) return;
			done = true;
			clearTimeout(timer);
			for (const s of subs) s.dispose();
			if (error) reject(error);
			else resolve();
		}
		async function check() {
			try {
				if (await predicate()) finish();
			} catch (e) {
				finish(e as Error);
			}
		}
		void check();
	});
}

/** The root nodes of the Contacts view, as VS Code asks for them. */
export function roots(api: PeriskopeTestApi): Promise<TreeNode[]> {
	return Promise.resolve(api.view.tree.getChildren()) as Promise<TreeNode[]>;
}

/** Every node of the tree (roots and the children of each group). */
export async function allNodes(api: PeriskopeTestApi): Promise<TreeNode[]> {
	const top = await roots(api);
	const out = [...top];
	for (const n of top) if (n.kind === 'group') out.push(...((await api.view.tree.getChildren(n)) as TreeNode[]));
	return out;
}

/** Message nodes' keys at the root (error, changed, malformed…). */
export async function messageKeys(api: PeriskopeTestApi): Promise<string[]> {
	return (await roots(api)).flatMap((n) => (n.kind === 'message' ? [n.key] : []));
}

/** The text of the extension's log file (the LogOutputChannel writes beside the extension's log folder). */
export function logText(api: PeriskopeTestApi): string {
	const logs = path.dirname(api.logUri.fsPath);
	const found: string[] = [];
	const walk = (dir: string, depth: number) => {
		if (depth > 3 || !fs.existsSync(dir)) return;
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full, depth + 1);
			else if (entry.name.endsWith('Periskope Contacts.log')) found.push(full);
		}
	};
	walk(logs, 0);
	assert.ok(found.length > 0, `no "Periskope Contacts.log" under ${logs}`);
	return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

/** Waits until the log contains `pattern` (the log is written asynchronously). */
export async function logContains(api: PeriskopeTestApi, pattern: RegExp, timeoutMs = 5000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = logText(api);
		if (pattern.test(text)) return text;
		if (Date.now() > deadline) assert.fail(`the log never matched ${pattern}:\n${text.slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Closes every editor (the detail panel included), so a test starts from an empty editor area. */
export async function closeEditors(): Promise<void> {
	await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The open detail-panel tabs. */
export function panelTabs(): vscode.Tab[] {
	return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('periskope.contactDetail'));
}

/**
 * Reveals `node` once VS Code has it: the store (and the provider) have a new node at once, the
 * workbench after the tree's batched refresh has reached it, so reveal is retried until then.
 */
export async function revealWhenShown(api: PeriskopeTestApi, node: TreeNode, options: { select?: boolean; focus?: boolean; expand?: boolean }, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await api.view.treeView.reveal(node, options);
			return;
		} catch (e) {
			if (Date.now() > deadline) throw e;
			await new Promise<void>((resolve) => {
				const done = () => {
					sub.dispose();
					clearTimeout(timer);
					resolve();
				};
				// The next render of the tree, or a short while when none is due.
				const sub = api.view.tree.onDidChangeTreeData(done);
				const timer = setTimeout(done, 100);
			});
		}
	}
}

/** Group key -> count, for the contacts given, as the tree groups them. */
export function expectedCounts(contacts: readonly Contact[], by: GroupBy): Map<string, number> {
	const counts = new Map<string, number>();
	for (const c of contacts) for (const key of groupKeysOf(c, by)) counts.set(key, (counts.get(key) ?? 0) + 1);
	return counts;
}

/** Group key -> count, as the tree's root shows them now. */
export async function groupCounts(api: PeriskopeTestApi): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const n of await roots(api)) if (n.kind === 'group') counts.set(n.group.key, n.group.count);
	return counts;
}
