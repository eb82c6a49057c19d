// A minimal stand-in for the `vscode` module, enough to run the extension's `activate` in plain
// Node for the activation benchmark. Every API call is recorded by name; a property the stub
// does not know is recorded as `missing:<namespace>.<name>` (and is undefined), so a new API
// the extension starts using shows up in the probe's output instead of silently passing.
import http from 'node:http';
import https from 'node:https';
import Module from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface HostRecorder {
	calls: string[];
	missing: string[];
}

type Listener = (e: unknown) => unknown;

function disposable(recorder: HostRecorder, what: string): { dispose(): void } {
	return { dispose: () => void recorder.calls.push(`${what}.dispose`) };
}

/** An event that records subscriptions. */
function event(recorder: HostRecorder, name: string) {
	return (listener: Listener) => {
		recorder.calls.push(`${name}(subscribe)`);
		void listener;
		return disposable(recorder, name);
	};
}

/** Wraps a namespace so that unknown properties are recorded. */
function watched<T extends object>(recorder: HostRecorder, name: string, target: T): T {
	return new Proxy(target, {
		get(t, key, receiver) {
			if (typeof key === 'string' && !(key in t) && key !== 'then' && key !== 'toJSON') recorder.missing.push(`${name}.${key}`);
			return Reflect.get(t, key, receiver);
		},
	});
}

/** Records `name(...)` and returns `result`. */
function fn<A extends unknown[], R>(recorder: HostRecorder, name: string, result: (...args: A) => R) {
	return (...args: A): R => {
		recorder.calls.push(name);
		return result(...args);
	};
}

class Uri {
	constructor(
		readonly scheme: string,
		readonly path: string,
	) {}
	get fsPath(): string {
		return this.path;
	}
	static file(p: string): Uri {
		return new Uri('file', p);
	}
	static parse(text: string): Uri {
		const m = /^([a-z][\w+.-]*):(.*)$/i.exec(text);
		return m ? new Uri(m[1], m[2]) : new Uri('file', text);
	}
	static joinPath(base: Uri, ...parts: string[]): Uri {
		return new Uri(base.scheme, path.posix.join(base.path, ...parts));
	}
	with(change: { scheme?: string; path?: string }): Uri {
		return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
	}
	toString(): string {
		return `${this.scheme}://${this.path}`;
	}
}

export function createVscodeStub(recorder: HostRecorder): Record<string, unknown> {
	const rec = (name: string) => recorder.calls.push(name);

	class EventEmitter<T> {
		private listeners = new Set<(e: T) => unknown>();
		constructor() {
			rec('EventEmitter.new');
		}
		readonly event = (listener: (e: T) => unknown) => {
			this.listeners.add(listener);
			return { dispose: () => this.listeners.delete(listener) };
		};
		fire(e: T): void {
			for (const l of [...this.listeners]) l(e);
		}
		dispose(): void {
			this.listeners.clear();
		}
	}
	class Disposable {
		constructor(private readonly onDispose: () => void) {}
		static from(...items: { dispose(): unknown }[]): Disposable {
			return new Disposable(() => items.forEach((d) => d.dispose()));
		}
		dispose(): void {
			this.onDispose();
		}
	}
	class TreeItem {
		constructor(
			readonly label: unknown,
			readonly collapsibleState?: number,
		) {}
	}
	class ThemeIcon {
		static readonly File = new ThemeIcon('file');
		static readonly Folder = new ThemeIcon('folder');
		constructor(
			readonly id: string,
			readonly color?: unknown,
		) {}
	}
	class ThemeColor {
		constructor(readonly id: string) {}
	}
	class MarkdownString {
		constructor(public value = '') {}
		appendText(t: string): this {
			this.value += t;
			return this;
		}
		appendMarkdown(t: string): this {
			this.value += t;
			return this;
		}
	}

	const logChannel = (name: string) => {
		const channel: Record<string, unknown> = { name, logLevel: 2, onDidChangeLogLevel: event(recorder, 'LogOutputChannel.onDidChangeLogLevel') };
		for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace', 'clear', 'show', 'hide', 'dispose']) {
			channel[m] = fn(recorder, `LogOutputChannel.${m}`, () => undefined);
		}
		return watched(recorder, 'LogOutputChannel', channel);
	};

	const window = watched(recorder, 'window', {
		activeTextEditor: undefined,
		visibleTextEditors: [],
		onDidChangeActiveTextEditor: event(recorder, 'window.onDidChangeActiveTextEditor'),
		onDidChangeTextEditorSelection: event(recorder, 'window.onDidChangeTextEditorSelection'),
		onDidChangeVisibleTextEditors: event(recorder, 'window.onDidChangeVisibleTextEditors'),
		createOutputChannel: fn(recorder, 'window.createOutputChannel', (name: string) => logChannel(name)),
		createTreeView: fn(recorder, 'window.createTreeView', () =>
			watched(recorder, 'TreeView', {
				description: undefined as string | undefined,
				message: undefined as string | undefined,
				title: undefined as string | undefined,
				badge: undefined,
				selection: [],
				visible: false,
				onDidChangeSelection: event(recorder, 'TreeView.onDidChangeSelection'),
				onDidChangeVisibility: event(recorder, 'TreeView.onDidChangeVisibility'),
				onDidExpandElement: event(recorder, 'TreeView.onDidExpandElement'),
				onDidCollapseElement: event(recorder, 'TreeView.onDidCollapseElement'),
				onDidChangeCheckboxState: event(recorder, 'TreeView.onDidChangeCheckboxState'),
				reveal: fn(recorder, 'TreeView.reveal', () => Promise.resolve()),
				dispose: fn(recorder, 'TreeView.dispose', () => undefined),
			}),
		),
		registerTreeDataProvider: fn(recorder, 'window.registerTreeDataProvider', () => disposable(recorder, 'treeDataProvider')),
		registerWebviewPanelSerializer: fn(recorder, 'window.registerWebviewPanelSerializer', () => disposable(recorder, 'serializer')),
		createWebviewPanel: fn(recorder, 'window.createWebviewPanel', () => {
			throw new Error('createWebviewPanel during activation');
		}),
		showInformationMessage: fn(recorder, 'window.showInformationMessage', () => Promise.resolve(undefined)),
		showWarningMessage: fn(recorder, 'window.showWarningMessage', () => Promise.resolve(undefined)),
		showErrorMessage: fn(recorder, 'window.showErrorMessage', () => Promise.resolve(undefined)),
		showQuickPick: fn(recorder, 'window.showQuickPick', () => Promise.resolve(undefined)),
		showInputBox: fn(recorder, 'window.showInputBox', () => Promise.resolve(undefined)),
		createQuickPick: fn(recorder, 'window.createQuickPick', () => {
			throw new Error('createQuickPick during activation');
		}),
		createInputBox: fn(recorder, 'window.createInputBox', () => {
			throw new Error('createInputBox during activation');
		}),
		setStatusBarMessage: fn(recorder, 'window.setStatusBarMessage', () => disposable(recorder, 'statusBarMessage')),
		withProgress: fn(recorder, 'window.withProgress', (_opts: unknown, task: (p: unknown, t: unknown) => unknown) =>
			Promise.resolve(task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: event(recorder, 'CancellationToken') })),
		),
	});

	const commands = watched(recorder, 'commands', {
		registerCommand: fn(recorder, 'commands.registerCommand', (id: string) => disposable(recorder, `command ${id}`)),
		executeCommand: (id: string) => {
			rec(`commands.executeCommand ${id}`);
			return Promise.resolve(undefined);
		},
		getCommands: fn(recorder, 'commands.getCommands', () => Promise.resolve([])),
	});

	const workspace = watched(recorder, 'workspace', {
		workspaceFolders: undefined,
		getConfiguration: fn(recorder, 'workspace.getConfiguration', () =>
			watched(recorder, 'WorkspaceConfiguration', {
				// No user settings: every read gets the extension's default.
				get: (_key: string, fallback?: unknown) => fallback,
				has: () => false,
				inspect: () => undefined,
				update: () => Promise.resolve(),
			}),
		),
		onDidChangeConfiguration: event(recorder, 'workspace.onDidChangeConfiguration'),
	});

	const env = watched(recorder, 'env', {
		appName: 'Visual Studio Code (bench stub)',
		language: 'en',
		machineId: 'bench',
		uriScheme: 'vscode',
		clipboard: { writeText: fn(recorder, 'env.clipboard.writeText', () => Promise.resolve()), readText: () => Promise.resolve('') },
		openExternal: fn(recorder, 'env.openExternal', () => Promise.resolve(true)),
	});

	return {
		EventEmitter,
		Disposable,
		TreeItem,
		ThemeIcon,
		ThemeColor,
		MarkdownString,
		Uri,
		TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
		ExtensionMode: { Production: 1, Development: 2, Test: 3 },
		ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
		InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
		ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
		StatusBarAlignment: { Left: 1, Right: 2 },
		window,
		commands,
		workspace,
		env,
		version: '1.100.0',
	};
}

/** A minimal ExtensionContext: no token in secret storage, empty state, production mode. */
export function createContext(recorder: HostRecorder, extensionPath: string, packageJSON: unknown): Record<string, unknown> {
	const memento = () => ({
		get: (_key: string, fallback?: unknown) => fallback,
		update: fn(recorder, 'Memento.update', () => Promise.resolve()),
		keys: () => [],
		setKeysForSync: () => undefined,
	});
	const extensionUri = Uri.file(extensionPath);
	return watched(recorder, 'ExtensionContext', {
		subscriptions: [] as { dispose(): unknown }[],
		secrets: watched(recorder, 'SecretStorage', {
			get: fn(recorder, 'secrets.get', () => Promise.resolve(undefined)),
			store: fn(recorder, 'secrets.store', () => Promise.resolve()),
			delete: fn(recorder, 'secrets.delete', () => Promise.resolve()),
			onDidChange: event(recorder, 'secrets.onDidChange'),
		}),
		globalState: memento(),
		workspaceState: memento(),
		extensionUri,
		extensionPath,
		extension: { id: 'periskope.periskope-contacts', extensionUri, extensionPath, packageJSON, isActive: false, extensionKind: 2 },
		extensionMode: 1,
		asAbsolutePath: (p: string) => path.join(extensionPath, p),
		storageUri: undefined,
		globalStorageUri: Uri.file(path.join(extensionPath, '.bench-global-storage')),
		logUri: Uri.file(path.join(extensionPath, '.bench-log')),
	});
}

/** Makes `require('vscode')` return `stub` in this process. */
export function installVscodeModule(stub: Record<string, unknown>): void {
	const M = Module as unknown as {
		_resolveFilename: (request: string, ...rest: unknown[]) => string;
		_cache: Record<string, unknown>;
	};
	const original = M._resolveFilename;
	M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
		if (request === 'vscode') return 'vscode';
		return original.call(this, request, ...rest);
	};
	M._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub, children: [], paths: [] };
}

export interface NetworkCounts {
	fetch: number;
	httpRequest: number;
	socketConnect: number;
	urls: string[];
}

/** Counts every way out of the process: global fetch, http(s).request/get, and raw socket connects. */
export function countNetwork(): NetworkCounts {
	const counts: NetworkCounts = { fetch: 0, httpRequest: 0, socketConnect: 0, urls: [] };
	const g = globalThis as { fetch?: (...args: unknown[]) => unknown };
	const realFetch = g.fetch;
	g.fetch = (...args: unknown[]) => {
		counts.fetch++;
		counts.urls.push(String(args[0]));
		return realFetch?.(...args);
	};
	for (const mod of [http, https] as unknown as Record<string, (...a: unknown[]) => unknown>[]) {
		for (const name of ['request', 'get']) {
			const real = mod[name];
			mod[name] = (...args: unknown[]) => {
				counts.httpRequest++;
				counts.urls.push(typeof args[0] === 'string' || args[0] instanceof URL ? String(args[0]) : JSON.stringify((args[0] as { host?: string; hostname?: string } | undefined)?.hostname ?? (args[0] as { host?: string } | undefined)?.host));
				return real(...args);
			};
		}
	}
	const proto = net.Socket.prototype as unknown as { connect: (...a: unknown[]) => unknown };
	const realConnect = proto.connect;
	proto.connect = function (this: unknown, ...args: unknown[]) {
		counts.socketConnect++;
		return realConnect.apply(this, args);
	};
	return counts;
}
