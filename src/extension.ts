// Wiring only: builds the services, registers the view and commands, and puts every
// disposable into context.subscriptions.
import * as vscode from 'vscode';
import { seedDemoToken } from './auth/demoToken';
import { TokenGuard } from './auth/tokenGuard';
import { TokenStore } from './auth/tokenStore';
import { contactActions, contactCommands } from './commands/contactCommands';
import { editCommands } from './commands/editCommands';
import { filterCommands, rememberedFilter } from './commands/filterCommands';
import { LastEditorTracker } from './commands/contactIdCommands';
import { loadCommands } from './commands/loadCommands';
import { registerCommands } from './commands/registerCommands';
import { searchCommand } from './commands/searchCommand';
import { tokenCommands } from './commands/tokenCommands';
import { rememberedGrouping, viewCommands } from './commands/viewCommands';
import { cacheCommands } from './commands/cacheCommands';
import { CodeFeatures } from './codeFeatures/codeFeatures';
import { codeFeatureCommands } from './codeFeatures/codeFeatureCommands';
import { affects, Command, ContextKey, readConfig } from './config';
import { CacheFiles } from './contacts/cacheFiles';
import { pageSizeMemory } from './contacts/pageSizeMemory';
import { ContactEditor } from './contacts/contactEditor';
import { ContactsSession } from './contacts/session';
import type { PeriskopeTestApi } from './testApi';
import { createLog, logRequest } from './log';
import { ContactsView } from './views/contactsView';
import { registerDetailPanel } from './detailPanel/registerDetailPanel';

export async function activate(context: vscode.ExtensionContext): Promise<PeriskopeTestApi | undefined> {
	const log = createLog();
	const tokens = new TokenStore(context.secrets);
	const guard = new TokenGuard(tokens, log);
	const editors = new LastEditorTracker();
	context.subscriptions.push(log, tokens, editors);

	let config = readConfig();
	const session = new ContactsSession({
		settings: config,
		tokenFor: (target) => guard.tokenFor(target),
		userAgent: `periskope-contacts-vscode/${context.extension.packageJSON.version}`,
		onRequest: (line) => logRequest(log, line),
		onRetry: (n) => log.info(`Retrying in ${n.delayMs} ms (attempt ${n.attempt}): ${n.error.message}`),
		onNotice: (text) => log.warn(text),
		...pageSizeMemory(context.globalState, (text) => log.info(text)),
		// The cache needs a local folder; a host that gives none simply loads from the API each time.
		cache:
			context.globalStorageUri.scheme === 'file'
				? { files: new CacheFiles(context.globalStorageUri.fsPath), currentToken: async () => (await tokens.get())?.token, log: (text) => log.info(text) }
				: undefined,
	});
	context.subscriptions.push(session);
	const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
	context.subscriptions.push(session.onDidChangeSignedIn((signedIn) => setContext(ContextKey.signedIn, signedIn)));

	await seedDemoToken(context.extensionMode, tokens, config.apiBase, log);
	session.setSignedIn(!!(await tokens.get()));
	setContext(ContextKey.signedIn, session.signedIn);

	const filter = rememberedFilter(context.workspaceState);
	setContext(ContextKey.filtered, !!filter);
	const view = new ContactsView(context.extensionUri, session, rememberedGrouping(context.globalState, config.defaultGrouping), filter);
	const editor = new ContactEditor(session.store, () => session.client);
	context.subscriptions.push(view, editor);

	const panel = registerDetailPanel(context, {
		session,
		editor,
		signedIn: async () => !!(await tokens.get()),
		copyId: (id) => actions.copy(id),
		insertId: (id) => actions.insert(id),
		log,
	});
	// Hover, links and completion for contact ids in editors: registered only while signed in.
	const codeFeatures = new CodeFeatures(session, () => ({ ...config.codeFeatures, idFormat: config.idFormat }), log);
	context.subscriptions.push(codeFeatures);

	const contactDeps = { session, view, panel, editors, idFormat: () => config.idFormat };
	const actions = contactActions(contactDeps);
	context.subscriptions.push(
		tokens.onDidChange((signedIn) => {
			guard.reconsider();
			session.setSignedIn(signedIn);
			// An "unauthorized" in the panel clears once the token changes; signed out, no contact stays on screen.
			if (signedIn) panel.refresh();
			else panel.close();
		}),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (!affects(e)) return;
			config = readConfig();
			session.applySettings(config);
			if (affects(e, 'codeFeatures')) codeFeatures.update();
		}),
	);

	registerCommands(context, log, {
		...tokenCommands({ tokens, clientFor: (t) => session.clientWithToken(t), apiBase: () => config.apiBase, reconsider: () => guard.reconsider(), reset: () => session.reset() }),
		...loadCommands(session, view, log),
		...viewCommands(view, context.globalState),
		[Command.search]: searchCommand({ session, act: actions.act, log }, () => vscode.commands.executeCommand(Command.setToken)),
		...contactCommands(contactDeps),
		...filterCommands(session, view, context.workspaceState),
		...editCommands({ session, view, editor, log }),
		...codeFeatureCommands(view),
		...cacheCommands(session),
		[Command.showLog]: () => log.show(),
	});

	const base = config.apiBase;
	log.info(`Periskope Contacts activated (API ${base.ok ? base.url : `refused: ${base.reason}`}, ${session.signedIn ? 'token set' : 'no token'}).`);
	return context.extensionMode === vscode.ExtensionMode.Test ? { session, view, panel, editor, logUri: context.logUri } : undefined;
}

export function deactivate(): void {
	// Everything is in context.subscriptions.
}
