// Small helpers for the integration suite, and `ui`: actions a user takes in the workbench
// (answering a modal dialog, granting workspace trust, a screenshot), carried out by the runner
// that drives the browser (test/runner/runCodeServer.ts) over the channel in test/runner/uiProtocol.ts.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CLEAR_TOASTS_MS, UI_DIR_ENV, UI_MARKER } from '../runner/uiProtocol';
import type {
	DialogAnswer,
	DismissedDialogs,
	EditorTab,
	HoverSnapshot,
	NotificationSnapshot,
	PressResult,
	QuickPickSnapshot,
	SuggestSnapshot,
	TextMatch,
	TreeRow,
	TrustClick,
	UiRequest,
	UiResponse,
	UiResults,
	WebviewSnapshot,
} from '../runner/uiProtocol';

export type { DialogAnswer, EditorTab, HoverSnapshot, NotificationSnapshot, SuggestSnapshot, PressResult, QuickPickItemSnapshot, QuickPickSnapshot, Rect, TreeRow, WebviewSnapshot } from '../runner/uiProtocol';

/** Polls until `predicate` holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await predicate()) return;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Resolves on the first firing of `event` (with its value), or rejects after `timeoutMs`. Subscribe before doing what fires it. */
export function nextEvent<T>(event: vscode.Event<T>, timeoutMs: number, what: string): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			subscription.dispose();
			reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
		}, timeoutMs);
		const subscription = event((value) => {
			clearTimeout(timer);
			subscription.dispose();
			resolve(value);
		});
	});
}

/** Thrown by `ui.*` when no runner can act on the workbench (under @vscode/test-electron). */
export class UiUnavailableError extends Error {
	constructor(what: string) {
		super(
			`${what} needs the code-server runner (npm run test:integration), which drives the workbench in a browser and clicks for the test. ` +
				`No runner is listening here (${UI_DIR_ENV} is not set: @vscode/test-electron?), so nothing can click.`,
		);
		this.name = 'UiUnavailableError';
	}
}

/** How long the runner waits for a dialog (or the trust UI) to show, unless told otherwise. */
const DEFAULT_UI_TIMEOUT_MS = 10_000;
/** Time the runner needs beyond the action's own bound (Playwright click, a screenshot, file I/O). */
const RUNNER_MARGIN_MS = 15_000;

function uiDir(): string | undefined {
	return process.env[UI_DIR_ENV] || undefined;
}

/** Waits for `file` to exist (it is renamed into place whole), by watching its folder. Rejects after `timeoutMs`. */
function waitForFile(file: string, timeoutMs: number, what: string): Promise<string> {
	return new Promise<string>((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | undefined, text?: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			watcher.close();
			if (error) reject(error);
			else resolve(text!);
		};
		const check = () => {
			try {
				finish(undefined, fs.readFileSync(file, 'utf8'));
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code !== 'ENOENT') finish(e as Error);
			}
		};
		const watcher = fs.watch(path.dirname(file), (_event, name) => {
			if (!name || name.toString() === path.basename(file)) check();
		});
		watcher.on('error', (e) => finish(e));
		const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for the runner to answer ${what}`)), timeoutMs);
		check(); // it may already be there
	});
}

/** Sends one request to the runner and waits (bounded) for its answer; rejects with the runner's error. */
async function ask<R extends UiRequest>(what: string, request: R, boundMs: number): Promise<UiResults[R['action']]> {
	const dir = uiDir();
	if (!dir) throw new UiUnavailableError(what);
	const id = randomUUID();
	const requestFile = path.join(dir, `${id}.request.json`);
	const responseFile = path.join(dir, `${id}.response.json`);
	fs.writeFileSync(requestFile, JSON.stringify(request));
	try {
		const answer = waitForFile(responseFile, boundMs + RUNNER_MARGIN_MS, what);
		// The runner reads the extension host's console through the workbench (codeAutomationLog).
		console.log(`${UI_MARKER}${id}`);
		const response = JSON.parse(await answer) as UiResponse<R['action']>;
		if (!response.ok) throw new Error(`${what} failed: ${response.error}`);
		return response.result;
	} finally {
		fs.rmSync(requestFile, { force: true });
		fs.rmSync(responseFile, { force: true });
	}
}

function toMatch(message: string | RegExp | undefined): TextMatch | undefined {
	if (message === undefined) return undefined;
	return typeof message === 'string' ? { substring: message } : { source: message.source, flags: message.flags };
}

export interface AnswerDialogOptions {
	/** Answer only a dialog whose message contains this text (or matches this RegExp); others are left alone. */
	message?: string | RegExp;
	/** How long the dialog may take to show (default 10 s). */
	timeoutMs?: number;
	/** Save test-results/<screenshot>.png of the dialog as the user sees it, before the click. */
	screenshot?: string;
}

export interface TrustResult {
	/** False if the workspace was trusted already (or trust is off, as under test-electron): nothing was clicked. */
	granted: boolean;
	/** What was clicked, when something was. */
	click?: TrustClick;
}

/** Elements inside the webview's #root that none of our own code puts there: anything that runs, loads or embeds, and any image but the avatar's. */
export const DEFAULT_INJECTED_SELECTOR = 'script, iframe, object, embed, frame, img:not(.avatar img)';

export interface WebviewOptions {
	/** The webview whose editor tab label contains this text (or matches this RegExp); without it, the one in the active editor group, else the first showing. */
	title?: string | RegExp;
	/** How long the webview may take to show and load its page (default 10 s). */
	timeoutMs?: number;
	/** Then wait until `selector` matches inside the page (default 10 s), e.g. `#root[data-contact-id="…"][aria-busy="false"]`. */
	waitFor?: { selector: string; timeoutMs?: number };
	/** Elements inside #root counted as `injected` (default DEFAULT_INJECTED_SELECTOR). */
	injectedSelector?: string;
	/** Selectors whose first match's bounding client rect to return in `rects` (null when nothing matches). */
	rects?: string[];
	/** Computed style properties to return in `computed`, e.g. `{ selector: 'h1.name', properties: ['-webkit-line-clamp'] }`. */
	styles?: { selector: string; properties: string[] }[];
}

export interface NotificationsOptions {
	/** After reading, close every toast with its Clear (x) button, as a user would; resolves the API call's promise with undefined. */
	clear?: boolean;
	/** First wait until a toast whose message contains this text (or matches this RegExp) shows, and/or at least `count` toasts show (default 10 s). */
	waitFor?: { message?: string | RegExp; count?: number; timeoutMs?: number };
}

export interface QuickPickOptions {
	/** Wait until a quick input shows whose title contains `titleIncludes` and that draws at least `minItems` rows (default 10 s). */
	waitFor?: { minItems?: number; titleIncludes?: string; timeoutMs?: number };
}

export interface PressOptions {
	/** Move keyboard focus first, with the workbench's own command: 'editor' (the active editor group) or 'tree:<view id>' (`<view id>.focus`). */
	focus?: 'editor' | `tree:${string}`;
}

export interface TreeRowsOptions {
	/** Wait until the view shows and draws at least this many rows (default 0: until it shows). */
	minRows?: number;
	/** Default 10 s. */
	timeoutMs?: number;
}

/** Whole, ignoring case and surrounding space, for a string (VS Code may draw view titles upper-case); a RegExp as given. */
function exactTitle(title: string | RegExp): TextMatch {
	return typeof title === 'string' ? { exact: title } : { source: title.source, flags: title.flags };
}

export const ui = {
	/** True when a runner acts on the workbench for the suite (code-server runner); false under test-electron. */
	get available(): boolean {
		return uiDir() !== undefined;
	},

	/**
	 * Skips the calling test (or suite, from a hook) with the reason printed, when no runner can click.
	 * Use in `before`/`it` of tests that answer dialogs: `ui.requireOrSkip(this)`.
	 */
	requireOrSkip(context: Mocha.Context, what = 'this test'): void {
		if (ui.available) return;
		console.log(`[suite] skipping ${what}: ${new UiUnavailableError('answering dialogs').message}`);
		context.skip();
	},

	/**
	 * Waits (bounded) for a modal dialog, clicks the button labelled `button` as a user would, and
	 * resolves to what the dialog showed. Start what shows the dialog first, without awaiting it:
	 *
	 *     const choice = vscode.window.showWarningMessage('Proof?', { modal: true }, 'Yes', 'No');
	 *     const shown = await ui.answerDialog('No');
	 *     assert.equal(await choice, 'No');
	 *
	 * Rejects if no (matching) dialog shows within the bound, or if it has no such button (the
	 * dialog is then cancelled with Escape so it does not block later tests). Modal messages get a
	 * "Cancel" button from VS Code unless an item is the close affordance.
	 */
	answerDialog(button: string, options: AnswerDialogOptions = {}): Promise<DialogAnswer> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		return ask(`ui.answerDialog(${JSON.stringify(button)})`, { action: 'answerDialog', button, message: toMatch(options.message), timeoutMs, screenshot: options.screenshot }, timeoutMs);
	},

	/**
	 * Makes the workspace trusted the way a user does: opens Manage Workspace Trust and has the
	 * runner click "Trust" (or, if the startup trust dialog is up, "Yes, I trust the authors"),
	 * then waits for `onDidGrantWorkspaceTrust` and closes the trust editor. Idempotent: resolves at
	 * once when `vscode.workspace.isTrusted` already holds.
	 */
	async trustWorkspace(options: { timeoutMs?: number; screenshot?: string } = {}): Promise<TrustResult> {
		if (vscode.workspace.isTrusted) return { granted: false };
		if (!ui.available) throw new UiUnavailableError('ui.trustWorkspace()');
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		const granted = nextEvent(vscode.workspace.onDidGrantWorkspaceTrust, timeoutMs + RUNNER_MARGIN_MS, 'onDidGrantWorkspaceTrust');
		granted.catch(() => undefined); // observed below; no unhandled rejection if the click fails first
		const tabsBefore = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs));
		await vscode.commands.executeCommand('workbench.trust.manage');
		const click = await ask('ui.trustWorkspace()', { action: 'trustWorkspace', timeoutMs, screenshot: options.screenshot }, timeoutMs);
		await granted;
		if (!vscode.workspace.isTrusted) throw new Error('onDidGrantWorkspaceTrust fired but vscode.workspace.isTrusted is false');
		// Close the Workspace Trust editor it opened (a tab that was not there before), so later screenshots do not show it.
		const opened = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => !tabsBefore.has(t) && t.label === 'Workspace Trust');
		if (opened.length) await vscode.window.tabGroups.close(opened);
		return { granted: true, click };
	},

	/** Cancels (Escape) any modal dialog still showing; what was showing. The suite runs this after every test. */
	dismissDialogs(): Promise<DismissedDialogs> {
		return ask('ui.dismissDialogs()', { action: 'dismissDialogs' }, 5000);
	},

	/**
	 * Reads the webview editor as the user sees it (VS Code web draws it in `iframe.webview`, its page
	 * in a nested `iframe#active-frame`): the page's rendered text, its HTML, how many foreign elements
	 * (`injectedSelector`) are inside #root, the page's viewport, and the rects and computed styles
	 * asked for. Rejects if no (matching) webview editor shows and loads within the bound, or if
	 * `waitFor.selector` never matches (saying what #root is).
	 *
	 *     const page = await ui.webview({ waitFor: { selector: `#root[data-contact-id="${id}"][aria-busy="false"]` }, rects: ['h1.name'] });
	 */
	webview(options: WebviewOptions = {}): Promise<WebviewSnapshot> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		const waitFor = options.waitFor ? { selector: options.waitFor.selector, timeoutMs: options.waitFor.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS } : undefined;
		return ask(
			`ui.webview(${options.title === undefined ? '' : String(options.title)})`,
			{
				action: 'webview',
				title: toMatch(options.title),
				timeoutMs,
				waitFor,
				injectedSelector: options.injectedSelector ?? DEFAULT_INJECTED_SELECTOR,
				rects: options.rects ?? [],
				styles: options.styles ?? [],
			},
			timeoutMs + (waitFor?.timeoutMs ?? 0),
		);
	},

	/** The editor tabs of every editor group as drawn: label, active, size, and the width of the group's tab bar. */
	editorTabs(): Promise<EditorTab[]> {
		return ask('ui.editorTabs()', { action: 'editorTabs' }, 0);
	},

	/**
	 * The notification toasts showing (message, source, buttons, severity), after waiting for the
	 * ones in `waitFor`; with `clear`, also closes each with its x (every toast read is returned,
	 * also those that only showed once others closed). Toasts hide by themselves after a while: for
	 * every notification of the run, use `allNotifications()`.
	 */
	notifications(options: NotificationsOptions = {}): Promise<NotificationSnapshot[]> {
		const waitFor = options.waitFor ? { message: toMatch(options.waitFor.message), count: options.waitFor.count, timeoutMs: options.waitFor.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS } : undefined;
		return ask('ui.notifications()', { action: 'notifications', clear: options.clear ?? false, waitFor }, (waitFor?.timeoutMs ?? 0) + (options.clear ? CLEAR_TOASTS_MS : 0));
	},

	/**
	 * Every notification still in the notification center, newest first: the toasts showing and
	 * those that hid by themselves (not those closed or cleared). Opens the center (notifications.showList),
	 * reads it, and hides it again (which also hides the toasts, as it does for a user).
	 */
	async allNotifications(options: { timeoutMs?: number } = {}): Promise<NotificationSnapshot[]> {
		if (!ui.available) throw new UiUnavailableError('ui.allNotifications()');
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		try {
			await vscode.commands.executeCommand('notifications.showList');
			try {
				// The center shows as the command returns; give it a moment only.
				return await ask('ui.allNotifications()', { action: 'notificationCenter', timeoutMs: Math.min(2000, timeoutMs) }, timeoutMs);
			} catch (e) {
				// VS Code hides the center by itself when its last notification closes while it is open
				// (a test ending a progress just before): open it again, once.
				if (!(e instanceof Error && /did not show|hid while/.test(e.message))) throw e;
				await vscode.commands.executeCommand('notifications.showList');
				return await ask('ui.allNotifications()', { action: 'notificationCenter', timeoutMs }, timeoutMs);
			}
		} finally {
			await vscode.commands.executeCommand('notifications.hideList');
		}
	},

	/**
	 * The quick input showing (a QuickPick or an InputBox): title, placeholder, value, message and the
	 * rows drawn; undefined when none shows. Showing one is asynchronous: pass `waitFor` (then it
	 * rejects, saying what shows, if nothing satisfying it shows within the bound).
	 */
	async quickPick(options: QuickPickOptions = {}): Promise<QuickPickSnapshot | undefined> {
		const w = options.waitFor;
		const waitFor = w ? { minItems: w.minItems, title: w.titleIncludes === undefined ? undefined : toMatch(w.titleIncludes), timeoutMs: w.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS } : undefined;
		const result = await ask('ui.quickPick()', { action: 'quickPick', waitFor }, waitFor?.timeoutMs ?? 0);
		return result ?? undefined;
	},

	/**
	 * Presses a key chord in the workbench as a user would (Playwright syntax: 'Control+c',
	 * 'Control+Enter', 'Escape', 'ArrowDown'), wherever keyboard focus is; `focus` moves focus
	 * first with the workbench's command. Resolves once the key events are delivered (what the
	 * keybinding runs may still be in flight); says where focus was, for failure messages.
	 */
	async press(keys: string, options: PressOptions = {}): Promise<PressResult> {
		if (!ui.available) throw new UiUnavailableError(`ui.press(${JSON.stringify(keys)})`);
		if (options.focus === 'editor') await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
		else if (options.focus?.startsWith('tree:')) await vscode.commands.executeCommand(`${options.focus.slice('tree:'.length)}.focus`);
		return ask(`ui.press(${JSON.stringify(keys)})`, { action: 'press', keys }, 0);
	},

	/**
	 * The rows of a view as drawn (label, description, aria-label, level, drawn widths, whether the
	 * label is clipped). `viewTitle` is the view's title (a string matches whole, ignoring case; or a
	 * RegExp), e.g. 'Contacts', 'Outline', or the folder's name for the Explorer's folder view. The
	 * list is virtual: only rows in (or near) view are drawn. Rejects if the view does not show.
	 */
	treeRows(viewTitle: string | RegExp, options: TreeRowsOptions = {}): Promise<TreeRow[]> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		return ask(`ui.treeRows(${typeof viewTitle === 'string' ? JSON.stringify(viewTitle) : String(viewTitle)})`, { action: 'treeRows', view: exactTitle(viewTitle), minRows: options.minRows ?? 0, timeoutMs }, timeoutMs);
	},

	/**
	 * The editor hover showing (text, links with where they go, foreign elements such as img);
	 * undefined when none shows. With `waitFor`, waits (bounded) for one whose text matches.
	 * Show it first, e.g. with the cursor on a word: `editor.action.showHover`.
	 */
	async hover(options: { waitFor?: { text?: string | RegExp; timeoutMs?: number } } = {}): Promise<HoverSnapshot | undefined> {
		const w = options.waitFor;
		const waitFor = w ? { text: toMatch(w.text), timeoutMs: w.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS } : undefined;
		return (await ask('ui.hover()', { action: 'hover', waitFor }, waitFor?.timeoutMs ?? 0)) ?? undefined;
	},

	/** Clicks with the mouse, as a user would, the innermost element of the hover showing whose text matches (a link, or plain text); what was clicked. */
	async clickHover(text: string | RegExp, options: { timeoutMs?: number } = {}): Promise<string> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS;
		return (await ask(`ui.clickHover(${String(text)})`, { action: 'clickHover', text: toMatch(text)!, timeoutMs }, timeoutMs)).clicked;
	},

	/** The editor's suggestion list showing; with `waitFor`, waits (bounded) for rows (at least one, and one whose text matches). */
	async suggest(options: { waitFor?: { minItems?: number; text?: string | RegExp; timeoutMs?: number } } = {}): Promise<SuggestSnapshot | undefined> {
		const w = options.waitFor;
		const waitFor = w ? { minItems: w.minItems, text: toMatch(w.text), timeoutMs: w.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS } : undefined;
		return (await ask('ui.suggest()', { action: 'suggest', waitFor }, waitFor?.timeoutMs ?? 0)) ?? undefined;
	},

	/** Types `text` a key at a time wherever keyboard focus is (`focus: 'editor'` first moves it to the active editor). */
	async type(text: string, options: Pick<PressOptions, 'focus'> = {}): Promise<void> {
		if (!ui.available) throw new UiUnavailableError(`ui.type(${JSON.stringify(text)})`);
		if (options.focus === 'editor') await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
		await ask(`ui.type(${JSON.stringify(text)})`, { action: 'type', text }, text.length * 100);
	},

	/** Asks the runner for a PNG of the workbench (test-results/<name>.png) and waits for it; its path. */
	async screenshot(name: string): Promise<string> {
		const { file } = await ask(`ui.screenshot(${JSON.stringify(name)})`, { action: 'screenshot', name, settleMs: 300 }, 0);
		return file;
	},
};

/**
 * A PNG of the workbench as test-results/<name>.png. Under test-electron (nobody takes pictures)
 * and on a runner error it carries on: pictures are for people, not a test verdict.
 */
export async function screenshot(name: string): Promise<void> {
	if (!ui.available) return;
	await ui.screenshot(name).catch((e) => console.error(`[suite] screenshot ${name}: ${e instanceof Error ? e.message : e}`));
}
