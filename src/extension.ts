// Wiring only: builds the services, registers the view and commands, and puts every
// disposable into context.subscriptions.
import * as vscode from 'vscode';
import { PeriskopeClient } from './api/client';
import { TokenGuard } from './auth/tokenGuard';
import { TokenStore } from './auth/tokenStore';
import { contactIdOf, copyContactId, insertContactId, LastEditorTracker, openInWhatsApp } from './commands/contactIdCommands';
import { registerCommands } from './commands/registerCommands';
import { ContactSearch, SearchAction } from './commands/searchCommand';
import { setToken, signOut } from './commands/tokenCommands';
import { affects, Command, Config, ContextKey, readConfig, Setting, VIEW_ID } from './config';
import { GroupBy } from './contacts/grouping';
import { ContactsLoader } from './contacts/loader';
import { ContactStore } from './contacts/store';
import { createLog, logRequest } from './log';
import { ContactsTreeProvider } from './views/contactsTree';
import { ContactDetailPanel, DETAIL_VIEW_TYPE } from './views/detailPanel';

const GROUPING_STATE_KEY = 'periskope.groupBy';

/** Handed to the integration tests (extensionMode Test) so they can observe what the UI shows. */
export interface PeriskopeTestApi {
	store: ContactStore;
	loader: ContactsLoader;
	tree: ContactsTreeProvider;
	treeView: vscode.TreeView<unknown>;
	panel: ContactDetailPanel;
	lastSearch(): ContactSearch | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<PeriskopeTestApi | undefined> {
	const log = createLog();
	const tokens = new TokenStore(context.secrets);
	const editors = new LastEditorTracker();
	context.subscriptions.push(log, tokens, editors);

	const guard = new TokenGuard(tokens, log);
	let config: Config = readConfig();
	const clientFor = (token?: string) =>
		new PeriskopeClient({
			baseUrl: config.apiBase,
			// An explicit token is one being checked for Set API Token, against the current URL.
			getToken: token ? () => token : (target) => guard.tokenFor(target),
			timeoutMs: config.requestTimeoutMs,
			userAgent: `periskope-contacts-vscode/${context.extension.packageJSON.version}`,
			onRequest: (line) => logRequest(log, line),
			onRetry: (n) => log.info(`Retrying in ${n.delayMs} ms (attempt ${n.attempt}): ${n.error.message}`),
		});
	let client = clientFor();

	await seedDemoToken(context, tokens, config, log);
	let signedIn = !!(await tokens.get());
	const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
	setContext(ContextKey.signedIn, signedIn);

	const store = new ContactStore();
	const loader = new ContactsLoader(store, () => client, config.pageSize, (text) => log.warn(text));
	const groupBy = context.globalState.get<GroupBy>(GROUPING_STATE_KEY) ?? config.defaultGrouping;
	setContext(ContextKey.groupBy, groupBy);
	const tree = new ContactsTreeProvider(context.extensionUri, store, loader, () => signedIn, groupBy);
	const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: false });
	context.subscriptions.push(store, loader, tree, treeView);

	const updateViewDescription = () => {
		const total = store.total;
		treeView.description = !signedIn || !loader.started
			? undefined
			: loader.hasMore
				? `${store.size.toLocaleString('en-US')} of ${total !== undefined ? total.toLocaleString('en-US') : '?'}`
				: `${store.size.toLocaleString('en-US')}`;
	};
	context.subscriptions.push(store.onDidChange(updateViewDescription), loader.onDidChangeState(updateViewDescription));

	const panel = new ContactDetailPanel(context.extensionUri, {
		listed: (id) => store.get(id),
		fetchContact: (id, signal) => client.getContact(id, { signal }),
		copyId: (c) => copyContactId(c.contact_id, config.idFormat),
		insertId: (c) => insertContactId(c.contact_id, config.idFormat, editors.editor),
		log,
	});
	context.subscriptions.push(
		panel,
		vscode.window.registerWebviewPanelSerializer(DETAIL_VIEW_TYPE, {
			// A panel from before a reload comes back only for a signed-in user.
			deserializeWebviewPanel: async (restored, state) => ((await tokens.get()) ? panel.restore(restored, state) : restored.dispose()),
		}),
	);

	let loadAllCancel: AbortController | undefined;
	/** Starts over from page one: after a token change, a settings change or Refresh. */
	const reload = () => {
		loadAllCancel?.abort();
		loader.reset(config.pageSize);
		tree.refresh();
	};

	context.subscriptions.push(
		tokens.onDidChange((nowSignedIn) => {
			signedIn = nowSignedIn;
			setContext(ContextKey.signedIn, signedIn);
			guard.reconsider();
			reload();
			// An "unauthorized" in the panel clears once the token changes; signed out, no contact stays on screen.
			if (signedIn) panel.refresh();
			else panel.close();
		}),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (!affects(e)) return;
			const before = config;
			config = readConfig();
			if (affects(e, Setting.apiBaseUrl) || affects(e, Setting.requestTimeoutSeconds)) client = clientFor();
			if (baseKey(before.apiBase) !== baseKey(config.apiBase) || before.pageSize !== config.pageSize) reload();
		}),
	);

	const loadAll = async () => {
		if (loadAllCancel) return;
		const cancel = new AbortController();
		loadAllCancel = cancel;
		setContext(ContextKey.loadingAll, true);
		try {
			await vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Loading all contacts' }, () =>
				loader.loadAll(cancel.signal, ({ loaded, total }) => {
					treeView.message = `Loading all contacts: ${loaded.toLocaleString('en-US')}${total !== undefined ? ` of ${total.toLocaleString('en-US')}` : ''}…`;
				}),
			);
		} catch (e) {
			// Cancelled by the user or by a reload; a real failure shows as a node in the tree.
			if (!cancel.signal.aborted) log.warn(`Load all stopped: ${e instanceof Error ? e.message : String(e)}`);
		} finally {
			if (loadAllCancel === cancel) loadAllCancel = undefined;
			treeView.message = undefined;
			setContext(ContextKey.loadingAll, false);
		}
	};

	let lastSearch: ContactSearch | undefined;
	const act = async (action: SearchAction, contactId: string) => {
		if (action === 'copy') return copyContactId(contactId, config.idFormat);
		if (action === 'insert') return insertContactId(contactId, config.idFormat, editors.editor);
		return vscode.commands.executeCommand(Command.openContact, contactId);
	};
	const selection = () => treeView.selection as Parameters<typeof contactIdOf>[1];
	/** The contact a command acts on; says so once (and resolves undefined) when there is none. */
	const contactArg = (arg: unknown): string | undefined => {
		const id = contactIdOf(arg, selection());
		if (!id) void vscode.window.showInformationMessage('Select a contact first.');
		return id;
	};
	const withContact = <T>(run: (id: string) => T) => (arg?: unknown) => {
		const id = contactArg(arg);
		return id === undefined ? undefined : run(id);
	};
	const setGrouping = (by: GroupBy) => {
		void context.globalState.update(GROUPING_STATE_KEY, by);
		setContext(ContextKey.groupBy, by);
		tree.setGroupBy(by);
	};

	registerCommands(context, log, {
		[Command.setToken]: (token?: unknown) => setToken({ tokens, clientFor, apiBase: () => config.apiBase }, token),
		[Command.allowApiOrigin]: () => {
			guard.reconsider();
			reload();
		},
		[Command.signOut]: () => signOut(tokens),
		[Command.refresh]: reload,
		// A failed page is shown where the user looks for it: as a node in the tree.
		[Command.loadMore]: () => loader.loadNextPage().catch(() => undefined),
		[Command.loadAll]: loadAll,
		[Command.cancelLoad]: () => loadAllCancel?.abort(),
		[Command.groupByType]: () => setGrouping('type'),
		[Command.groupByLabel]: () => setGrouping('label'),
		[Command.showMore]: (by: GroupBy, key: string) => tree.showMore(by, key),
		[Command.search]: (query?: unknown) => {
			if (!signedIn) return vscode.commands.executeCommand(Command.setToken);
			lastSearch?.dispose();
			lastSearch = new ContactSearch({ store, loader, act, log }, typeof query === 'string' ? query : '');
			return undefined;
		},
		[Command.openContact]: withContact(async (id) => panel.show(store.get(id) ?? (await client.getContact(id)))),
		[Command.copyContactId]: withContact((id) => copyContactId(id, config.idFormat)),
		[Command.insertContactId]: withContact((id) => insertContactId(id, config.idFormat, editors.editor)),
		[Command.openInWhatsApp]: withContact((id) => openInWhatsApp(id)),
		[Command.showLog]: () => log.show(),
	});

	// Surface a failed "load more" from the Load more node, which has no caller to report to.
	context.subscriptions.push(
		loader.onDidChangeState((s) => {
			if (s.status === 'failed' && s.error.kind !== 'unauthorized') log.warn(`Loading contacts failed: ${s.error.message}`);
		}),
	);

	log.info(`Periskope Contacts activated (API ${config.apiBase.ok ? config.apiBase.url : `refused: ${config.apiBase.reason}`}, ${signedIn ? 'token set' : 'no token'}).`);
	if (context.extensionMode === vscode.ExtensionMode.Test) {
		return { store, loader, tree, treeView, panel, lastSearch: () => lastSearch };
	}
	return undefined;
}

/**
 * `npm run demo` runs code-server, whose web SecretStorage is lost on every reload; in
 * development mode only, it hands the double's token in through PERISKOPE_DEMO_TOKEN.
 * It still goes into SecretStorage like any other token.
 */
async function seedDemoToken(context: vscode.ExtensionContext, tokens: TokenStore, config: Config, log: vscode.LogOutputChannel): Promise<void> {
	const demo = process.env.PERISKOPE_DEMO_TOKEN;
	if (!demo || !config.apiBase.ok || context.extensionMode !== vscode.ExtensionMode.Development || (await tokens.get())) return;
	// Bound to the demo's own API double, which the demo put in the user settings.
	await tokens.set(demo, config.apiBase.origin);
	log.info('Demo token from PERISKOPE_DEMO_TOKEN stored in secret storage (development mode).');
}

function baseKey(base: Config['apiBase']): string {
	return base.ok ? base.url : `refused:${base.raw}`;
}

export function deactivate(): void {
	// Everything is in context.subscriptions.
}
