// Small helpers for the integration suite, and `ui`: actions a user takes in the workbench
// (answering a modal dialog, granting workspace trust, a screenshot), carried out by the runner
// that drives the browser (test/runner/runCodeServer.ts) over the channel in test/runner/uiProtocol.ts.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { UI_DIR_ENV, UI_MARKER } from '../runner/uiProtocol';
import type { DialogAnswer, DismissedDialogs, TextMatch, TrustClick, UiRequest, UiResponse, UiResults } from '../runner/uiProtocol';

export type { DialogAnswer } from '../runner/uiProtocol';

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

export const ui = {
	__ask(name: string) { return ask('dump', { action: '__dump', name } as never, 5000); },
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
