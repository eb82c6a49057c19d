// What the runner does in the workbench page when the suite asks (see uiProtocol.ts): it acts
// as a user would, with real clicks through Playwright, and reports what it saw.
import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, ElementHandle, Page } from 'playwright-core';
import type {
	AnswerDialogRequest,
	ClickHoverRequest,
	ClickResult,
	DialogAnswer,
	DismissedDialogs,
	EditorTab,
	HoverRequest,
	HoverSnapshot,
	NotificationCenterRequest,
	NotificationSnapshot,
	NotificationsRequest,
	PressRequest,
	PressResult,
	QuickPickItemSnapshot,
	QuickPickRequest,
	QuickPickSnapshot,
	ScreenshotRequest,
	ScreenshotResult,
	SuggestRequest,
	SuggestSnapshot,
	TextMatch,
	TreeRow,
	TreeRowsRequest,
	TrustClick,
	TrustWorkspaceRequest,
	TypeRequest,
	UiRequest,
	UiResults,
	WebviewRequest,
	WebviewSnapshot,
} from './uiProtocol';
import { CLEAR_TOASTS_MS } from './uiProtocol';

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

/** A change to the workbench code this runner serves, so the suite meets what a user meets. */
interface WorkbenchPatch {
	what: string;
	find: RegExp;
	replace: string;
}

const WORKBENCH_PATCHES: WorkbenchPatch[] = [
	{
		/**
		 * VS Code refuses every dialog while extension tests run (DialogService.skipDialogs():
		 * `isExtensionDevelopment && extensionTestsLocationURI`): prompt() throws "DialogService: refused
		 * to show dialog in tests", confirm() answers yes unseen. So a modal `showWarningMessage` never
		 * reaches the screen in any extension test run, test-electron's included. Turned off here (the
		 * smoke-test warning it also logs stays); everything else about the dialog is VS Code's own.
		 */
		what: 'let dialogs show in extension-test mode: DialogService.skipDialogs()',
		find: /skipDialogs\(\)\{return (this\.environmentService\.enableSmokeTestDriver&&this\.logService\.warn\("DialogService: Dialog requested during smoke test\."\)),this\.environmentService\.isExtensionDevelopment&&!!this\.environmentService\.extensionTestsLocationURI\}(async confirm\()/g,
		replace: 'skipDialogs(){return $1,!1}$2',
	},
	{
		/**
		 * Notification toasts never show while the smoke-test driver is on (NotificationsToasts.addToast:
		 * `!this.environmentService.enableSmokeTestDriver`), and this runner needs that driver for the
		 * extension host's output (codeAutomationLog). A notification then only lands, unseen, in the
		 * notification center. With the check gone, toasts pop up as for a user (ui.notifications()).
		 */
		what: 'let notification toasts show under the smoke-test driver: NotificationsToasts.addToast()',
		find: /(addToast\(\w+\)\{if\(!this\.isNotificationsCenterVisible&&)!this\.environmentService\.enableSmokeTestDriver&&/g,
		replace: '$1',
	},
];

/**
 * Serves the workbench with the WORKBENCH_PATCHES applied, each exactly once. `onError` is told of
 * any whose code is not found (a new VS Code): that one is then not applied.
 */
export async function patchWorkbenchForTests(context: BrowserContext, onError: (message: string) => void): Promise<void> {
	await context.route('**/vs/code/browser/workbench/workbench.js', async (route) => {
		const response = await route.fetch();
		let body = await response.text();
		for (const patch of WORKBENCH_PATCHES) {
			const found = body.match(patch.find)?.length ?? 0;
			if (found !== 1) {
				onError(`could not ${patch.what} is not where code-server 4.139.1 had it (${found} matches in workbench.js)`);
				continue;
			}
			body = body.replace(patch.find, patch.replace);
		}
		await route.fulfill({ response, body });
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
		case 'webview':
			return (await readWebview(page, request)) as UiResults[R['action']];
		case 'editorTabs':
			return (await page.evaluate(readEditorTabs)) as UiResults[R['action']];
		case 'notifications':
			return (await notifications(page, request)) as UiResults[R['action']];
		case 'notificationCenter':
			return (await notificationCenter(page, request)) as UiResults[R['action']];
		case 'quickPick':
			return (await quickPick(page, request)) as UiResults[R['action']];
		case 'press':
			return (await press(page, request)) as UiResults[R['action']];
		case 'treeRows':
			return (await treeRows(page, request)) as UiResults[R['action']];
		case 'hover':
			return (await hover(page, request)) as UiResults[R['action']];
		case 'clickHover':
			return (await clickHover(page, request)) as UiResults[R['action']];
		case 'suggest':
			return (await suggest(page, request)) as UiResults[R['action']];
		case 'type':
			return (await typeText(page, request)) as UiResults[R['action']];
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
	if ('substring' in match) return text.includes(match.substring);
	if ('exact' in match) return text.trim().toLowerCase() === match.exact.trim().toLowerCase();
	return new RegExp(match.source, match.flags).test(text);
}

export function describeMatch(match: TextMatch): string {
	return 'substring' in match ? JSON.stringify(match.substring) : 'exact' in match ? `${JSON.stringify(match.exact)} (whole, ignoring case)` : `/${match.source}/${match.flags}`;
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
		await focusTopLayer(page);
		await page.keyboard.press('Escape');
		const gone = await handle.waitForElementState('hidden', { timeout: 2000 }).then(() => true, () => false);
		throw new UiActionError(
			`the dialog ${JSON.stringify(dialog.message)} has no button ${JSON.stringify(wanted)}; its buttons are ${answer.buttons.map((b) => JSON.stringify(b)).join(', ')}` +
				(gone ? ' (it was cancelled with Escape)' : ` (Escape did not close it: it is still showing; focus is on ${await page.evaluate(describeFocus)})`),
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
		await focusTopLayer(page);
		await page.keyboard.press('Escape');
		await page.locator(DIALOG).first().waitFor({ state: 'detached', timeout: 1000 }).catch(() => undefined);
	}
	// Escape goes wherever keyboard focus is (a quick pick a failed test left, say): click the
	// dialog's own Cancel, or its close button, as a user would.
	for (let i = 0; i < before.length + 2 && (await page.locator(DIALOG).count()) > 0; i++) {
		const box = page.locator(DIALOG).first();
		const cancel = box.locator(DIALOG_BUTTON).filter({ hasText: /^\s*Cancel\s*$/ });
		const close = box.locator('.dialog-close, .codicon-dialog-close, .codicon-close');
		const target = (await cancel.count()) > 0 ? cancel.first() : close.first();
		await target.click({ timeout: 2000 }).catch(() => undefined);
		await box.waitFor({ state: 'detached', timeout: 1000 }).catch(() => undefined);
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

// ---- reading what the workbench draws ----

/** Reads `read()` until `done` holds or the bound passes; the last value read, and whether `done` held. */
async function poll<T>(page: Page, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<{ value: T; ok: boolean }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value)) return { value, ok: true };
		const remaining = deadline - Date.now();
		if (remaining <= 0) return { value, ok: false };
		await page.waitForTimeout(Math.min(100, remaining));
	}
}

function quote(texts: string[]): string {
	return texts.length ? texts.map((t) => JSON.stringify(t.length > 120 ? `${t.slice(0, 120)}…` : t)).join(', ') : 'none';
}

/** A webview iframe in the workbench page, and the editor showing it. */
interface WebviewCandidate {
	/** The outer iframe's name: the webview's id. */
	id: string;
	/** The overlay is visible and has a size. */
	visible: boolean;
	/** The label of the active tab of the editor group it lies in; null for a webview not in an editor (a webview view). */
	title: string | null;
	groupActive: boolean;
}

/** Lists the webview iframes (VS Code web: `iframe.webview`, laid over the editor that shows it). Self-contained: serialised into the page. */
function listWebviews(): WebviewCandidate[] {
	const tabLabel = (tab: Element | null | undefined): string | null => {
		if (!tab) return null;
		const part = (sel: string) => tab.querySelector(sel)?.textContent ?? '';
		const label = part('.monaco-icon-name-container') + part('.monaco-icon-suffix-container');
		return label || (tab.textContent ?? '').trim();
	};
	const groups = Array.from(document.querySelectorAll('.editor-group-container'));
	return Array.from(document.querySelectorAll('iframe.webview')).map((frame) => {
		const id = (frame as HTMLIFrameElement).name;
		const rect = frame.getBoundingClientRect();
		const visible = getComputedStyle(frame).visibility === 'visible' && rect.width > 0 && rect.height > 0;
		// The webview editor's own element points at the overlay it positions (aria-flowto); else by where it is drawn.
		let group = document.querySelector(`[aria-flowto="${CSS.escape(id)}"]`)?.closest('.editor-group-container') ?? null;
		if (!group && visible) {
			const x = rect.x + rect.width / 2;
			const y = rect.y + rect.height / 2;
			group =
				groups.find((g) => {
					const r = (g.querySelector('.editor-container') ?? g).getBoundingClientRect();
					return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
				}) ?? null;
		}
		const title = group ? tabLabel(group.querySelector('.tabs-container > .tab.active') ?? group.querySelector('.title .monaco-icon-label')) : null;
		return { id, visible, title, groupActive: !!group?.classList.contains('active') };
	});
}

/** The labels of every editor tab, active or not (for the message when no matching webview shows). */
function allTabLabels(): string[] {
	return Array.from(document.querySelectorAll('.tabs-container > .tab')).map((tab) => {
		const part = (sel: string) => tab.querySelector(sel)?.textContent ?? '';
		return part('.monaco-icon-name-container') + part('.monaco-icon-suffix-container');
	});
}

interface WebviewReadArg {
	injectedSelector: string;
	rects: string[];
	styles: { selector: string; properties: string[] }[];
}

/** Reads the webview's own page (inside iframe#active-frame). Self-contained: serialised into that frame. */
function readWebviewPage(arg: WebviewReadArg): Omit<WebviewSnapshot, 'title'> {
	const root = document.getElementById('root');
	const injected = root ? Array.from(root.querySelectorAll(arg.injectedSelector)) : [];
	const rects: WebviewSnapshot['rects'] = {};
	for (const selector of arg.rects) {
		const el = document.querySelector(selector);
		if (!el) {
			rects[selector] = null;
			continue;
		}
		const r = el.getBoundingClientRect();
		rects[selector] = { x: r.x, y: r.y, width: r.width, height: r.height };
	}
	const computed: WebviewSnapshot['computed'] = {};
	for (const { selector, properties } of arg.styles) {
		const el = document.querySelector(selector);
		if (!el) {
			computed[selector] = null;
			continue;
		}
		const style = getComputedStyle(el);
		computed[selector] = Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
	}
	return {
		text: document.body?.innerText ?? '',
		html: document.documentElement.outerHTML,
		hasRoot: !!root,
		injected: injected.length,
		injectedElements: injected.map((el) => el.outerHTML.slice(0, 200)),
		viewport: { width: window.innerWidth, height: window.innerHeight },
		rects,
		computed,
	};
}

/** Errors that mean the frame went away under us (the webview swapped its page, or closed): try again. */
function isGone(e: unknown): boolean {
	return /detached|Target( page, context or browser has been)? closed|Execution context was destroyed|Frame was detached/i.test(e instanceof Error ? e.message : String(e));
}

/**
 * Finds the webview editor showing (the one whose tab label matches `title`, else the one in the
 * active group, else the first showing), waits until its page is loaded (and `waitFor.selector`
 * matches in it), and reads the page.
 */
export async function readWebview(page: Page, request: WebviewRequest): Promise<WebviewSnapshot> {
	const want = request.title;
	const which = want ? `whose tab label matches ${describeMatch(want)} ` : '';
	const pick = (all: WebviewCandidate[]): WebviewCandidate | undefined => {
		const showing = all.filter((w) => w.visible && w.title !== null && matches(w.title, want));
		return showing.find((w) => w.groupActive) ?? showing[0];
	};
	const found = await poll(page, () => page.evaluate(listWebviews), (all) => pick(all) !== undefined, request.timeoutMs);
	const chosen = pick(found.value);
	if (!chosen) {
		const showing = found.value.filter((w) => w.visible).map((w) => w.title ?? '(a webview outside the editors)');
		const tabs = await page.evaluate(allTabLabels);
		const hidden = want ? tabs.filter((t) => matches(t, want)) : [];
		throw new UiActionError(
			`no webview editor ${which}showed within ${request.timeoutMs} ms (webviews showing: ${quote(showing)}; editor tabs: ${quote(tabs)})` +
				(hidden.length ? ` — a matching tab is open but not the active one of its group, so its webview is not drawn` : ''),
		);
	}
	const title = chosen.title ?? '';
	const deadline = Date.now() + request.timeoutMs + (request.waitFor?.timeoutMs ?? 0);
	const arg: WebviewReadArg = { injectedSelector: request.injectedSelector, rects: request.rects, styles: request.styles };
	let lastError: unknown;
	// The page lives in the webview's iframe#active-frame; VS Code swaps in a new one when the HTML is set again.
	while (Date.now() < deadline) {
		try {
			const outer = await (await page.$(`iframe.webview[name="${chosen.id}"]`))?.contentFrame();
			if (!outer) throw new UiActionError(`the webview ${JSON.stringify(title)} closed while it was being read`);
			const active = await outer.waitForSelector('iframe#active-frame', { state: 'attached', timeout: Math.max(1, deadline - Date.now()) }).catch((e: unknown) => {
				if (isGone(e)) throw e;
				throw new UiActionError(`the webview ${JSON.stringify(title)} did not load its page within ${request.timeoutMs} ms`);
			});
			const inner = await active.contentFrame();
			if (!inner) continue;
			if (request.waitFor) {
				const { selector, timeoutMs } = request.waitFor;
				await inner.waitForSelector(selector, { state: 'attached', timeout: Math.max(1, Math.min(timeoutMs, deadline - Date.now())) }).catch(async (e: unknown) => {
					if (isGone(e)) throw e;
					if (e instanceof Error && /is not a valid selector|SyntaxError/.test(e.message)) throw new UiActionError(`waitFor.selector ${JSON.stringify(selector)} is not a valid CSS selector`);
					const rootTag = await inner
						.evaluate(() => {
							const r = document.getElementById('root');
							return r ? r.outerHTML.slice(0, r.outerHTML.indexOf('>') + 1) : '(no #root)';
						})
						.catch(() => '(unreadable)');
					throw new UiActionError(`in the webview ${JSON.stringify(title)}, nothing matched ${JSON.stringify(selector)} within ${timeoutMs} ms (the page's #root is ${rootTag})`);
				});
			}
			const snapshot = await inner.evaluate(readWebviewPage, arg).catch((e: unknown) => {
				if (!isGone(e) && e instanceof Error && /is not a valid selector|SyntaxError/.test(e.message)) throw new UiActionError(`a selector in rects, styles or injectedSelector is not valid CSS: ${e.message.split('\n')[0]}`);
				throw e;
			});
			return { title, ...snapshot };
		} catch (e) {
			if (!isGone(e)) throw e;
			lastError = e;
		}
	}
	throw new UiActionError(`the webview ${JSON.stringify(title)} kept replacing its page and could not be read in time${lastError ? ` (${lastError instanceof Error ? lastError.message.split('\n')[0] : lastError})` : ''}`);
}

/** The editor tabs of every group of the main editor area, as drawn. Self-contained: serialised into the page. */
function readEditorTabs(): EditorTab[] {
	const groups = Array.from(document.querySelectorAll('.part.editor > .content .editor-group-container'));
	return groups.flatMap((group, index) => {
		const strip = group.querySelector('.tabs-and-actions-container > .monaco-scrollable-element') ?? group.querySelector('.tabs-container');
		const bar = strip?.getBoundingClientRect();
		const tabBarWidth = bar ? bar.width : 0;
		return Array.from(group.querySelectorAll('.tabs-container > .tab')).map((tab) => {
			// Only what is drawn (a description is hidden, not emptied, when the label no longer needs one).
			const part = (sel: string) => {
				const el = tab.querySelector(sel);
				return el && el.checkVisibility({ checkVisibilityCSS: true }) ? (el.textContent ?? '') : '';
			};
			const container = tab.querySelector('.monaco-icon-label-container') as HTMLElement | null;
			const r = tab.getBoundingClientRect();
			return {
				label: part('.monaco-icon-name-container') + part('.monaco-icon-suffix-container'),
				description: part('.monaco-icon-description-container').trim(),
				ariaLabel: tab.getAttribute('aria-label') ?? '',
				active: tab.classList.contains('active'),
				groupActive: group.classList.contains('active'),
				group: index,
				width: r.width,
				height: r.height,
				tabBarWidth,
				visibleWidth: bar ? Math.max(0, Math.min(r.right, bar.right) - Math.max(r.left, bar.left)) : 0,
				labelClipped: !!container && container.scrollWidth > container.clientWidth + 1,
			};
		});
	});
}

interface DrawnNotification extends NotificationSnapshot {
	/** Its row's index in the notification center's list (data-index), and the list's size. */
	index: number;
	setSize: number;
	/** Not seen by an earlier read (toasts, with clear). */
	fresh: boolean;
}

/**
 * Reads the notifications drawn as toasts or in the notification center. With `mark`, each toast
 * read is marked so a later read can tell it is not new. Self-contained: serialised into the page.
 */
function readNotifications(arg: { where: 'toasts' | 'center'; mark: boolean }): DrawnNotification[] {
	const shown = (el: Element) => {
		const r = el.getBoundingClientRect();
		const style = getComputedStyle(el);
		return r.width > 0 && r.height > 0 && style.display !== 'none' && style.visibility !== 'hidden';
	};
	const read = (item: Element, row: Element | null): NotificationSnapshot => {
		const text = (sel: string) => {
			const el = item.querySelector(sel);
			return el && el.checkVisibility({ checkVisibilityCSS: true }) ? (el.textContent ?? '').trim() : '';
		};
		const message = text('.notification-list-item-message');
		const icon = item.querySelector('.notification-list-item-icon');
		const severity = (['error', 'warning', 'info'] as const).find((s) => icon?.classList.contains(`codicon-${s}`));
		// The source shows (as "Source: X") only while the notification is expanded; the row's aria-label always names it.
		let source = text('.notification-list-item-source').replace(/^Source:\s*/, '');
		if (!source) {
			const label = row?.getAttribute('aria-label') ?? '';
			const at = label.lastIndexOf(', source: ');
			if (at !== -1) source = label.slice(at + ', source: '.length).replace(/, notification(, .*)?$/, '');
		}
		const buttons = Array.from(item.querySelectorAll('.notification-list-item-buttons-container .monaco-button'))
			.filter(shown)
			.map((b) => (b.textContent ?? '').trim())
			.filter(Boolean);
		return { message, ...(source ? { source } : {}), buttons, ...(severity ? { severity } : {}), expanded: item.classList.contains('expanded') };
	};
	if (arg.where === 'toasts') {
		return Array.from(document.querySelectorAll('.notifications-toasts .notification-toast-container'))
			.filter(shown)
			.flatMap((container) => {
				const item = container.querySelector('.notification-list-item');
				if (!item) return [];
				const fresh = !container.hasAttribute('data-periskope-ui-read');
				if (arg.mark) container.setAttribute('data-periskope-ui-read', '');
				return [{ ...read(item, item.closest('.monaco-list-row')), index: -1, setSize: -1, fresh }];
			});
	}
	const center = document.querySelector('.notifications-center.visible');
	if (!center) return [];
	return Array.from(center.querySelectorAll('.monaco-list-rows > .monaco-list-row')).flatMap((row) => {
		const item = row.querySelector('.notification-list-item');
		if (!item) return [];
		return [{ ...read(item, row), index: Number(row.getAttribute('data-index')), setSize: Number(row.getAttribute('aria-setsize')), fresh: true }];
	});
}

function plainNotification(n: DrawnNotification): NotificationSnapshot {
	return { message: n.message, ...(n.source ? { source: n.source } : {}), buttons: n.buttons, ...(n.severity ? { severity: n.severity } : {}), expanded: n.expanded };
}

const TOAST = '.notifications-toasts .notification-toast-container';

/** The toasts showing (after waiting for the ones asked for); with `clear`, each is closed with its Clear (x) button. */
export async function notifications(page: Page, request: NotificationsRequest): Promise<NotificationSnapshot[]> {
	const read = (mark: boolean) => page.evaluate(readNotifications, { where: 'toasts' as const, mark });
	if (request.waitFor) {
		const { message, count, timeoutMs } = request.waitFor;
		const done = (toasts: DrawnNotification[]) => (message === undefined || toasts.some((t) => matches(t.message, message))) && toasts.length >= (count ?? 0);
		const waited = await poll(page, () => read(false), done, timeoutMs);
		if (!waited.ok) {
			const wanted = [message ? `a toast whose message matches ${describeMatch(message)}` : '', count !== undefined ? `at least ${count} toast(s)` : ''].filter(Boolean).join(' and ');
			throw new UiActionError(`${wanted || 'no toast'} did not show within ${timeoutMs} ms (toasts showing: ${quote(waited.value.map((t) => t.message))})`);
		}
	}
	if (!request.clear) return (await read(false)).map(plainNotification);
	// Close them one by one, reading each before it goes: toasts that did not fit take the place of closed ones.
	const seen: NotificationSnapshot[] = [];
	const deadline = Date.now() + CLEAR_TOASTS_MS;
	while (Date.now() < deadline) {
		const showing = await read(true);
		seen.push(...showing.filter((t) => t.fresh).map(plainNotification));
		if (showing.length === 0) break;
		const toast = page.locator(TOAST).filter({ has: page.locator('.notification-list-item') }).first();
		const handle = await toast.elementHandle({ timeout: 1000 }).catch(() => null);
		if (!handle) continue;
		// The toast's toolbar shows on hover; its Clear action is the x.
		await toast.hover({ timeout: 2000 }).catch(() => undefined);
		const close = toast.locator('.notification-list-item-toolbar-container .codicon-notifications-clear').first();
		await close.click({ timeout: 2000 }).catch((e: unknown) => {
			throw new UiActionError(`could not click the Clear (x) button of the toast ${JSON.stringify(showing[0]?.message)}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
		});
		await handle.waitForElementState('hidden', { timeout: 3000 }).catch(() => {
			throw new UiActionError(`clicked Clear on the toast ${JSON.stringify(showing[0]?.message)} but it is still showing after 3 s`);
		});
	}
	const left = await read(false);
	if (left.length) throw new UiActionError(`gave up closing toasts after ${CLEAR_TOASTS_MS / 1000} s; still showing: ${quote(left.map((t) => t.message))}`);
	return seen;
}

/** Every notification in the notification center (the suite opened it), newest first; scrolls its list to draw them all. */
export async function notificationCenter(page: Page, request: NotificationCenterRequest): Promise<NotificationSnapshot[]> {
	const center = page.locator('.notifications-center.visible');
	const shown = await center.waitFor({ state: 'visible', timeout: request.timeoutMs }).then(() => true, () => false);
	if (!shown) throw new UiActionError(`the notification center did not show within ${request.timeoutMs} ms (the suite opens it with notifications.showList)`);
	const byIndex = new Map<number, DrawnNotification>();
	let setSize = 0;
	const list = center.locator('.notifications-list-container .monaco-list').first();
	// VS Code hides the center by itself when its last notification closes.
	const hid = () => new UiActionError('the notification center hid while it was being read (VS Code hides it when its last notification closes)');
	// The list is virtual: only the rows in view are drawn. Scroll down until every row was seen.
	for (let stale = 0; stale < 3; ) {
		const before = byIndex.size;
		const rows = await page.evaluate(readNotifications, { where: 'center' as const, mark: false });
		if ((await center.count()) === 0) throw hid();
		for (const row of rows) {
			byIndex.set(row.index, row);
			setSize = row.setSize;
		}
		if (byIndex.size >= setSize) break;
		stale = byIndex.size === before ? stale + 1 : 0;
		const box = await list.boundingBox({ timeout: 1000 }).catch(() => null);
		if (!box) throw hid();
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.wheel(0, Math.max(40, box.height * 0.8));
		await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
	}
	if (byIndex.size < setSize) throw new UiActionError(`read ${byIndex.size} of the ${setSize} notifications in the notification center: the rest were never drawn`);
	return [...byIndex.values()].sort((a, b) => a.index - b.index).map(plainNotification);
}

/** The quick input showing, or null. Self-contained: serialised into the page. */
function readQuickInput(): QuickPickSnapshot | null {
	const shown = (el: Element | null): el is HTMLElement => {
		if (!el) return false;
		const style = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		return style.display !== 'none' && style.visibility !== 'hidden' && r.width > 0 && r.height > 0;
	};
	const widget = Array.from(document.querySelectorAll('.quick-input-widget')).find(shown);
	if (!widget) return null;
	// Rows are templates VS Code reuses: a part an item does not have is hidden, not emptied. Read only what is drawn.
	const text = (root: Element | null | undefined, sel: string) => {
		const el = root?.querySelector(sel);
		return el && el.checkVisibility({ checkVisibilityCSS: true }) ? (el.textContent ?? '').trim() : '';
	};
	const input = widget.querySelector('.quick-input-box input') as HTMLInputElement | null;
	const list = widget.querySelector('.quick-input-list');
	const rows = shown(list)
		? Array.from(list.querySelectorAll('.monaco-list-rows > .monaco-list-row')).sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
		: [];
	const items = rows.map((row) => {
		const main = row.querySelector('.quick-input-list-row');
		const labelBox = main?.querySelector('.monaco-icon-label') ?? null;
		const box = row.querySelector('input[type="checkbox"], .quick-input-list-checkbox, [role="checkbox"]');
		const separator = text(row, '.quick-input-list-separator');
		const item: QuickPickItemSnapshot = {
			label: text(labelBox, '.label-name'),
			description: text(labelBox, '.label-description'),
			detail: text(row, '.quick-input-list-label-meta .label-name'),
			ariaLabel: row.getAttribute('aria-label') ?? '',
			focused: row.classList.contains('focused'),
		};
		if (box && shown(box)) item.checked = box instanceof HTMLInputElement ? box.checked : box.getAttribute('aria-checked') === 'true';
		if (separator) item.separator = separator;
		return item;
	});
	return {
		title: text(widget, '.quick-input-title'),
		placeholder: input?.placeholder ?? '',
		value: input?.value ?? '',
		message: text(widget, '.quick-input-message'),
		items,
		count: rows.length ? Number(rows[0].getAttribute('aria-setsize')) || rows.length : 0,
	};
}

export async function quickPick(page: Page, request: QuickPickRequest): Promise<QuickPickSnapshot | null> {
	if (!request.waitFor) return page.evaluate(readQuickInput);
	const { minItems, title, timeoutMs } = request.waitFor;
	const done = (q: QuickPickSnapshot | null) => !!q && q.items.length >= (minItems ?? 0) && (title === undefined || matches(q.title, title));
	const waited = await poll(page, () => page.evaluate(readQuickInput), done, timeoutMs);
	if (waited.ok) return waited.value;
	const q = waited.value;
	const wanted = [title ? `titled ${describeMatch(title)}` : '', minItems !== undefined ? `with at least ${minItems} item(s)` : ''].filter(Boolean).join(' ');
	throw new UiActionError(
		`no quick input ${wanted} showed within ${timeoutMs} ms` +
			(q ? ` (showing: title ${JSON.stringify(q.title)}, ${q.items.length} item(s) drawn: ${quote(q.items.map((i) => i.label))})` : ' (no quick input was showing)'),
	);
}

/** Where keyboard focus is in the page, in a few words. Self-contained: serialised into the page. */
function describeFocus(): string {
	const el = document.activeElement;
	if (!el || el === document.body) return 'the page body (nothing focused)';
	const classes = Array.from(el.classList).slice(0, 4).map((c) => `.${c}`).join('');
	const label = el.getAttribute('aria-label');
	const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${classes}${label ? `[aria-label=${JSON.stringify(label.slice(0, 60))}]` : ''}`;
	const pane = el.closest('.pane')?.querySelector('.pane-header .title')?.textContent?.trim();
	return pane ? `${what} in the view ${JSON.stringify(pane)}` : what;
}

/**
 * Keys go to what has focus, and a webview's iframe can keep it after a test is done with the
 * page: a modal dialog or a quick input on top gets it back first, as a user's click would give it.
 */
async function focusTopLayer(page: Page): Promise<void> {
	// Already there (focusing again would select an input's text): leave it.
	const inside = await page.evaluate(() => !!document.activeElement?.closest('.monaco-dialog-box, .quick-input-widget'));
	if (inside) return;
	const dialog = page.locator(`${DIALOG} ${DIALOG_BUTTON}`).first();
	if ((await dialog.count()) > 0) {
		await dialog.focus({ timeout: 1000 }).catch(() => undefined);
		return;
	}
	const input = page.locator('.quick-input-widget input.input').first();
	if ((await input.count()) > 0 && (await input.isVisible().catch(() => false))) await input.focus({ timeout: 1000 }).catch(() => undefined);
}

export async function press(page: Page, request: PressRequest): Promise<PressResult> {
	await focusTopLayer(page);
	const focusedBefore = await page.evaluate(describeFocus);
	await page.keyboard.press(request.keys).catch(async (e: unknown) => {
		// A chord that fails half way (an unknown key) leaves its modifiers down: every later key
		// would be Control+that key. Let them go.
		for (const modifier of ['Control', 'Shift', 'Alt', 'Meta']) await page.keyboard.up(modifier).catch(() => undefined);
		throw new UiActionError(`could not press ${JSON.stringify(request.keys)}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
	});
	await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
	return { keys: request.keys, focusedBefore, focusedAfter: await page.evaluate(describeFocus) };
}

interface PaneRead {
	/** Titles of every pane in the page, and whether each shows (for the failure message). */
	panes: { title: string; showing: boolean; expanded: boolean }[];
	/** How many showing panes matched. */
	matched: number;
	/** The matching pane is there but collapsed. */
	collapsed: boolean;
	rows: TreeRow[];
}

/** The rows of the (one) showing pane whose title matches. Self-contained: serialised into the page. */
function readPaneRows(view: TextMatch): PaneRead {
	const test = (title: string) =>
		'substring' in view ? title.includes(view.substring) : 'exact' in view ? title.trim().toLowerCase() === view.exact.trim().toLowerCase() : new RegExp(view.source, view.flags).test(title);
	const shown = (el: Element) => {
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
	};
	const panes = Array.from(document.querySelectorAll('.pane')).map((pane) => ({
		pane,
		// Also present (hidden) when a lone view's header is merged into the side bar's title.
		title: (pane.querySelector(':scope > .pane-header .title')?.textContent ?? '').trim(),
		showing: shown(pane),
		expanded: pane.classList.contains('expanded'),
	}));
	const matching = panes.filter((p) => p.showing && test(p.title));
	const result: PaneRead = { panes: panes.map(({ title, showing, expanded }) => ({ title, showing, expanded })), matched: matching.length, collapsed: false, rows: [] };
	if (matching.length !== 1) return result;
	const { pane, expanded } = matching[0];
	if (!expanded) return { ...result, collapsed: true };
	const body = pane.querySelector(':scope > .pane-body');
	const rows = body ? Array.from(body.querySelectorAll('.monaco-list-rows > .monaco-list-row')).filter(shown) : [];
	rows.sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
	result.rows = rows.map((row) => {
		const label = row.querySelector('.monaco-icon-label');
		const container = label?.querySelector('.monaco-icon-label-container') as HTMLElement | null | undefined;
		const expandedAttr = row.getAttribute('aria-expanded');
		// Rows are templates VS Code reuses: read only the parts drawn.
		const text = (sel: string) => {
			const el = label?.querySelector(sel);
			return el && el.checkVisibility({ checkVisibilityCSS: true }) ? (el.textContent ?? '').trim() : '';
		};
		const tr: TreeRow = {
			label: text('.label-name'),
			description: text('.label-description'),
			ariaLabel: row.getAttribute('aria-label') ?? '',
			level: Number(row.getAttribute('aria-level')) || 1,
			selected: row.classList.contains('selected'),
			focused: row.classList.contains('focused'),
			width: label ? label.getBoundingClientRect().width : 0,
			rowWidth: row.getBoundingClientRect().width,
			clipped: !!container && container.scrollWidth > container.clientWidth + 1,
		};
		if (expandedAttr !== null) tr.expanded = expandedAttr === 'true';
		return tr;
	});
	return result;
}

export async function treeRows(page: Page, request: TreeRowsRequest): Promise<TreeRow[]> {
	const done = (r: PaneRead) => r.matched === 1 && !r.collapsed && r.rows.length >= request.minRows;
	const { value: r, ok } = await poll(page, () => page.evaluate(readPaneRows, request.view), done, request.timeoutMs);
	if (ok) return r.rows;
	const view = describeMatch(request.view);
	const showing = r.panes.filter((p) => p.showing).map((p) => p.title);
	if (r.matched === 0) {
		const hidden = r.panes.filter((p) => !p.showing && matches(p.title, request.view)).length;
		throw new UiActionError(
			`no view whose title matches ${view} showed within ${request.timeoutMs} ms (views showing: ${quote(showing)})` +
				(hidden ? '; a matching view exists but is not showing: open it first (e.g. the <view id>.focus command)' : ''),
		);
	}
	if (r.matched > 1) throw new UiActionError(`${r.matched} views showing have a title that matches ${view} (views showing: ${quote(showing)}): be more specific`);
	if (r.collapsed) throw new UiActionError(`the view matching ${view} is collapsed: no rows are drawn (expand it, e.g. with the <view id>.focus command)`);
	throw new UiActionError(`the view matching ${view} drew ${r.rows.length} row(s), not the ${request.minRows} asked for, within ${request.timeoutMs} ms: ${quote(r.rows.map((row) => row.label))}`);
}

/** The editor hover showing (the content hover), or null. Self-contained: serialised into the page. */
function readHover(): HoverSnapshot | null {
	const shown = (el: Element) => el instanceof HTMLElement && el.checkVisibility({ checkVisibilityCSS: true }) && el.getBoundingClientRect().height > 0;
	// Content hovers (over editor text), not the workbench's tooltips.
	const hovers = Array.from(document.querySelectorAll('.monaco-editor .monaco-hover, .monaco-resizable-hover .monaco-hover')).filter(shown);
	const hover = hovers.find((h) => (h as HTMLElement).innerText.trim() !== '');
	if (!hover) return null;
	const links = Array.from(hover.querySelectorAll('a')).map((a) => ({ text: (a.textContent ?? '').trim(), href: a.getAttribute('data-href') ?? a.getAttribute('href') ?? '' }));
	const foreign = Array.from(hover.querySelectorAll('img, script, iframe, object, embed, svg:not(.codicon svg)')).map((e) => e.outerHTML.slice(0, 200));
	return { text: (hover as HTMLElement).innerText, html: hover.outerHTML, links, foreign };
}

export async function hover(page: Page, request: HoverRequest): Promise<HoverSnapshot | null> {
	if (!request.waitFor) return page.evaluate(readHover);
	const { text, timeoutMs } = request.waitFor;
	const done = (h: HoverSnapshot | null) => !!h && (text === undefined || matches(h.text, text));
	const waited = await poll(page, () => page.evaluate(readHover), done, timeoutMs);
	if (waited.ok) return waited.value;
	const h = waited.value;
	throw new UiActionError(`no hover${text ? ` with text ${describeMatch(text)}` : ''} showed within ${timeoutMs} ms (${h ? `showing: ${JSON.stringify(h.text.slice(0, 300))}` : 'no hover was showing'})`);
}

/** Clicks the innermost element of the hover whose text matches, where it is drawn. */
export async function clickHover(page: Page, request: ClickHoverRequest): Promise<ClickResult> {
	const find = (match: TextMatch) => {
		const test = (t: string) =>
			'substring' in match ? t.includes(match.substring) : 'exact' in match ? t.trim().toLowerCase() === match.exact.trim().toLowerCase() : new RegExp(match.source, match.flags).test(t);
		const hover = Array.from(document.querySelectorAll('.monaco-editor .monaco-hover, .monaco-resizable-hover .monaco-hover')).find(
			(h) => h instanceof HTMLElement && h.checkVisibility({ checkVisibilityCSS: true }) && h.innerText.trim() !== '',
		);
		if (!hover) return null;
		const candidates = Array.from(hover.querySelectorAll('*')).filter((e) => test(e.textContent ?? ''));
		// Innermost: no child of it matches too.
		const target = candidates.find((e) => !Array.from(e.children).some((c) => test(c.textContent ?? '')));
		if (!target) return { error: `no element with that text in the hover: ${JSON.stringify((hover as HTMLElement).innerText.slice(0, 300))}` };
		const range = document.createRange();
		range.selectNodeContents(target);
		const r = Array.from(range.getClientRects()).find((rect) => rect.width > 0) ?? target.getBoundingClientRect();
		return { x: r.x + Math.min(r.width / 2, 20), y: r.y + r.height / 2, what: `${target.tagName.toLowerCase()} ${JSON.stringify((target.textContent ?? '').slice(0, 80))}` };
	};
	const waited = await poll(page, () => page.evaluate(find, request.text), (v) => !!v && 'x' in v, request.timeoutMs);
	const spot = waited.value;
	if (!spot) throw new UiActionError(`no hover showed within ${request.timeoutMs} ms to click ${describeMatch(request.text)} in`);
	if ('error' in spot) throw new UiActionError(spot.error);
	await page.mouse.move(spot.x, spot.y);
	await page.mouse.click(spot.x, spot.y);
	await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
	return { clicked: spot.what };
}

/** The suggest widget showing, or null. Self-contained: serialised into the page. */
function readSuggest(): SuggestSnapshot | null {
	const widget = Array.from(document.querySelectorAll('.editor-widget.suggest-widget')).find(
		(w) => w instanceof HTMLElement && w.checkVisibility({ checkVisibilityCSS: true }) && w.getBoundingClientRect().height > 0,
	);
	if (!widget) return null;
	const rows = Array.from(widget.querySelectorAll('.monaco-list-rows > .monaco-list-row')).sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
	return {
		items: rows.map((row) => ({
			label: (row.querySelector('.monaco-icon-label .label-name')?.textContent ?? '').trim(),
			text: ((row as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim(),
			ariaLabel: row.getAttribute('aria-label') ?? '',
			focused: row.classList.contains('focused'),
		})),
	};
}

export async function suggest(page: Page, request: SuggestRequest): Promise<SuggestSnapshot | null> {
	if (!request.waitFor) return page.evaluate(readSuggest);
	const { minItems, text, timeoutMs } = request.waitFor;
	const done = (s: SuggestSnapshot | null) => !!s && s.items.length >= (minItems ?? 1) && (text === undefined || s.items.some((i) => matches(i.text, text)));
	const waited = await poll(page, () => page.evaluate(readSuggest), done, timeoutMs);
	if (waited.ok) return waited.value;
	const s = waited.value;
	throw new UiActionError(`no suggestion list${text ? ` with a row ${describeMatch(text)}` : ''} showed within ${timeoutMs} ms (${s ? `rows: ${quote(s.items.map((i) => i.text))}` : 'none showing'})`);
}

export async function typeText(page: Page, request: TypeRequest): Promise<{ text: string }> {
	// A key at a time, with a little time between keys, as the editor's triggers expect.
	await page.keyboard.type(request.text, { delay: 40 });
	await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
	return { text: request.text };
}
