// What the runner does in the workbench page when the suite asks (see uiProtocol.ts): it acts
// as a user would, with real clicks through Playwright, and reports what it saw.
import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, ElementHandle, Page } from 'playwright-core';
import type { AnswerDialogRequest, DialogAnswer, DismissedDialogs, ScreenshotRequest, ScreenshotResult, TextMatch, TrustClick, TrustWorkspaceRequest, UiRequest, UiResults } from './uiProtocol';

/** The web workbench's modal dialog (vs/base/browser/ui/dialog). */
const DIALOG = '.monaco-dialog-box';
/** Its clickable buttons; a button with a description wraps one of these, a dropdown button adds an unlabelled one. */
const DIALOG_BUTTON = '.dialog-buttons .monaco-button';
/** The Workspace Trust editor (command workbench.trust.manage): its Trust / Don't Trust buttons. */
const TRUST_EDITOR_BUTTON = '.workspace-trust-editor .workspace-trust-buttons-row .monaco-button';
/** The startup dialog's question; its positive button is "Yes, I trust the authors". */
const TRUST_DIALOG_MESSAGE = /^Do you trust the authors of the files in this (folder|workspace)\?$/;
const TRUST_DIALOG_BUTTON = 'Yes, I trust the authors';
const TRUST_EDITOR_LABEL = 'Trust';

export class UiActionError extends Error {}

/**
 * VS Code refuses every dialog while extension tests run (DialogService.skipDialogs():
 * `isExtensionDevelopment && extensionTestsLocationURI`): prompt() throws "DialogService: refused
 * to show dialog in tests", confirm() answers yes unseen. So a modal `showWarningMessage` never
 * reaches the screen in any extension test run, test-electron's included. For the suite to meet
 * dialogs as a user does, this runner serves the workbench with that one check turned off (the
 * smoke-test warning it also logs stays); everything else about the dialog is VS Code's own.
 * `onError` is told if the code is not found (a new VS Code): then nothing is changed.
 */
export async function showDialogsInTests(context: BrowserContext, onError: (message: string) => void): Promise<void> {
	const skipDialogs =
		/skipDialogs\(\)\{return (this\.environmentService\.enableSmokeTestDriver&&this\.logService\.warn\("DialogService: Dialog requested during smoke test\."\)),this\.environmentService\.isExtensionDevelopment&&!!this\.environmentService\.extensionTestsLocationURI\}(async confirm\()/g;
	await context.route('**/vs/code/browser/workbench/workbench.js', async (route) => {
		const response = await route.fetch();
		const body = await response.text();
		const found = body.match(skipDialogs)?.length ?? 0;
		if (found !== 1) {
			onError(`could not let dialogs show in extension-test mode: DialogService.skipDialogs() is not where code-server 4.139.1 had it (${found} matches in workbench.js)`);
			await route.fulfill({ response, body });
			return;
		}
		await route.fulfill({ response, body: body.replace(skipDialogs, 'skipDialogs(){return $1,!1}$2') });
	});
}

export async function performUiAction<R extends UiRequest>(page: Page, request: R, resultsDir: string): Promise<UiResults[R['action']]> {
	switch (request.action) {
		case 'screenshot':
			return (await screenshot(page, request, resultsDir)) as UiResults[R['action']];
		case 'answerDialog':
			return (await answerDialog(page, request, resultsDir)) as UiResults[R['action']];
		case 'trustWorkspace':
			return (await trustWorkspace(page, request, resultsDir)) as UiResults[R['action']];
		case 'dismissDialogs':
			return (await dismissDialogs(page)) as UiResults[R['action']];
		// @ts-expect-error temporary
		case '__dump': {
			const name = (request as unknown as { name: string }).name;
			await page.waitForTimeout(1000);
			fs.writeFileSync(path.join(resultsDir, `dump-${name}.html`), await page.content());
			const frames = [];
			for (const f of page.frames()) frames.push({ name: f.name(), url: f.url(), parent: f.parentFrame()?.url(), html: (await f.content().catch((e) => String(e))).slice(0, 3000) });
			fs.writeFileSync(path.join(resultsDir, `dump-${name}.frames.json`), JSON.stringify(frames, null, 1));
			await screenshot(page, { name: `dump-${name}`, settleMs: 0 }, resultsDir);
			return { file: name } as never;
		}
		default:
			throw new UiActionError(`unknown UI action ${JSON.stringify((request as { action?: unknown }).action)}`);
	}
}

/** Saves a PNG of the page as <resultsDir>/<name>.png, written under a temporary name and renamed. */
export async function screenshot(page: Page, request: Pick<ScreenshotRequest, 'name' | 'settleMs'>, resultsDir: string): Promise<ScreenshotResult> {
	const name = request.name.replace(/[^\w.-]/g, '_');
	const file = path.join(resultsDir, `${name}.png`);
	const tmp = `${file}.tmp`;
	// What the test just did reaches the page over the extension host's RPC and is painted in a
	// later frame: a short settle, then two animation frames so a layout pass has happened.
	if (request.settleMs > 0) await page.waitForTimeout(request.settleMs);
	await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
	fs.mkdirSync(resultsDir, { recursive: true });
	await page.screenshot({ path: tmp, type: 'png' });
	fs.renameSync(tmp, file);
	return { file };
}

interface DialogSnapshot {
	index: number;
	message: string;
	detail: string;
	checkbox?: string;
	/** Labels of the buttons with text, in screen order, with the index of each among DIALOG_BUTTON elements. */
	buttons: { label: string; at: number }[];
}

/** Reads every dialog showing, in the page. Kept self-contained: it is serialised into the page. */
function readDialogs(): DialogSnapshot[] {
	const text = (el: Element | null | undefined) => ((el as HTMLElement | null)?.innerText ?? '').trim();
	const visible = (el: Element | null | undefined) => !!el && (el as HTMLElement).style.display !== 'none' && text(el) !== '';
	return Array.from(document.querySelectorAll('.monaco-dialog-box')).map((box, index) => {
		const messageEl = box.querySelector('.dialog-message-text');
		const detailEl = box.querySelector('.dialog-message-detail');
		const bodyEl = box.querySelector('.dialog-message-body');
		// With a detail (or a markdown body) the message has its own element and the detail element
		// holds the detail; with neither, the detail element holds the message.
		const message = messageEl ? text(messageEl) : text(detailEl);
		const details = [messageEl && visible(detailEl) ? text(detailEl) : '', visible(bodyEl) ? text(bodyEl) : ''].filter(Boolean);
		const buttons = Array.from(box.querySelectorAll('.dialog-buttons .monaco-button'))
			.map((b, at) => ({ label: ((b as HTMLElement).textContent ?? '').trim(), at }))
			.filter((b) => b.label !== '');
		const checkbox = text(box.querySelector('.dialog-checkbox-message')) || undefined;
		return { index, message, detail: details.join('\n'), checkbox, buttons };
	});
}

function matches(text: string, match: TextMatch | undefined): boolean {
	if (!match) return true;
	return 'substring' in match ? text.includes(match.substring) : new RegExp(match.source, match.flags).test(text);
}

function describeMatch(match: TextMatch): string {
	return 'substring' in match ? JSON.stringify(match.substring) : `/${match.source}/${match.flags}`;
}

/** Strips the `&&` mnemonic markers an API label may carry, so either spelling finds the button. */
function plainLabel(label: string): string {
	return label.replace(/&&/g, '').trim();
}

/** Waits (bounded) until a dialog matching `match` shows; its snapshot, or undefined at the deadline. */
async function waitForDialog(page: Page, match: TextMatch | undefined, timeoutMs: number): Promise<DialogSnapshot | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) return undefined;
		// Wakes on any dialog being added to the page (MutationObserver inside Playwright), not on a timer.
		const appeared = await page
			.locator(DIALOG)
			.first()
			.waitFor({ state: 'attached', timeout: remaining })
			.then(() => true, () => false);
		if (!appeared) return undefined;
		const found = (await page.evaluate(readDialogs)).find((d) => matches(d.message, match));
		if (found) return found;
		// A dialog is showing but not the one we want: wait for the set of dialogs to change.
		const count = await page.locator(DIALOG).count();
		await page
			.waitForFunction((n) => document.querySelectorAll('.monaco-dialog-box').length !== n, count, { timeout: Math.max(1, deadline - Date.now()) })
			.catch(() => undefined);
	}
}

export async function answerDialog(page: Page, request: AnswerDialogRequest, resultsDir: string): Promise<DialogAnswer> {
	const wanted = plainLabel(request.button);
	const dialog = await waitForDialog(page, request.message, request.timeoutMs);
	if (!dialog) {
		const showing = (await page.evaluate(readDialogs)).map((d) => JSON.stringify(d.message));
		const which = request.message ? `whose message matches ${describeMatch(request.message)} ` : '';
		throw new UiActionError(
			`no modal dialog ${which}showed within ${request.timeoutMs} ms` + (showing.length ? ` (showing: ${showing.join(', ')})` : ' (no dialog was showing)'),
		);
	}
	const box = page.locator(DIALOG).nth(dialog.index);
	const handle = (await box.elementHandle()) as ElementHandle<HTMLElement>;
	if (request.screenshot) await screenshot(page, { name: request.screenshot, settleMs: 0 }, resultsDir);
	const button = dialog.buttons.find((b) => b.label === wanted);
	const answer = { message: dialog.message, detail: dialog.detail, buttons: dialog.buttons.map((b) => b.label), ...(dialog.checkbox ? { checkbox: dialog.checkbox } : {}) };
	if (!button) {
		// Leave no stray modal behind to catch the next test's clicks: Escape cancels it, as it would for a user.
		await page.keyboard.press('Escape');
		const gone = await handle.waitForElementState('hidden', { timeout: 2000 }).then(() => true, () => false);
		throw new UiActionError(
			`the dialog ${JSON.stringify(dialog.message)} has no button ${JSON.stringify(wanted)}; its buttons are ${answer.buttons.map((b) => JSON.stringify(b)).join(', ')}` +
				(gone ? ' (it was cancelled with Escape)' : ' (Escape did not close it: it is still showing)'),
		);
	}
	await box.locator(DIALOG_BUTTON).nth(button.at).click({ timeout: 5000 });
	// The answer is the dialog going away: only then has the workbench taken the click.
	await handle.waitForElementState('hidden', { timeout: 5000 }).catch(() => {
		throw new UiActionError(`clicked ${JSON.stringify(wanted)} but the dialog ${JSON.stringify(dialog.message)} is still showing after 5 s`);
	});
	return { ...answer, clicked: wanted };
}

/** Presses Escape while a dialog shows (at most a few times) and reports what was showing. */
export async function dismissDialogs(page: Page): Promise<DismissedDialogs> {
	const before = (await page.evaluate(readDialogs)).map((d) => d.message);
	if (before.length === 0) return { dismissed: [], stillShowing: [] };
	for (let i = 0; i < before.length + 2 && (await page.locator(DIALOG).count()) > 0; i++) {
		await page.keyboard.press('Escape');
		await page.locator(DIALOG).first().waitFor({ state: 'detached', timeout: 1000 }).catch(() => undefined);
	}
	const after = (await page.evaluate(readDialogs)).map((d) => d.message);
	return { dismissed: before.filter((m) => !after.includes(m)), stillShowing: after };
}

/**
 * Grants trust as a user does: clicks "Trust" in the Workspace Trust editor (the suite opens it
 * with workbench.trust.manage), or, if the startup dialog "Do you trust the authors…?" is the
 * thing showing, "Yes, I trust the authors" in it. Whichever shows first within the bound.
 */
export async function trustWorkspace(page: Page, request: TrustWorkspaceRequest, resultsDir: string): Promise<TrustClick> {
	const editorButton = page.locator(TRUST_EDITOR_BUTTON).filter({ hasText: new RegExp(`^\\s*${TRUST_EDITOR_LABEL}\\s*$`) }).first();
	const dialogMatch: TextMatch = { source: TRUST_DIALOG_MESSAGE.source, flags: TRUST_DIALOG_MESSAGE.flags };
	const trustDialog = page.locator(DIALOG).filter({ has: page.locator('.dialog-message-text', { hasText: TRUST_DIALOG_MESSAGE }) });
	// One wait for whichever shows first (Playwright watches the DOM; no polling here).
	const appeared = await editorButton
		.or(trustDialog)
		.first()
		.waitFor({ state: 'visible', timeout: request.timeoutMs })
		.then(() => true, () => false);
	if (appeared && (await trustDialog.count()) > 0) {
		const answer = await answerDialog(page, { action: 'answerDialog', button: TRUST_DIALOG_BUTTON, message: dialogMatch, timeoutMs: 1000, screenshot: request.screenshot }, resultsDir);
		return { via: 'dialog', clicked: answer.clicked };
	}
	if (appeared) {
		if (request.screenshot) await screenshot(page, { name: request.screenshot, settleMs: 0 }, resultsDir);
		await editorButton.click({ timeout: 5000 });
		return { via: 'editor', clicked: TRUST_EDITOR_LABEL };
	}
	throw new UiActionError(`neither the Workspace Trust editor's "${TRUST_EDITOR_LABEL}" button nor the startup trust dialog showed within ${request.timeoutMs} ms`);
}
