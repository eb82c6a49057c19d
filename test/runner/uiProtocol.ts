// The channel between the integration suite (in the extension host) and the runner that drives
// the workbench in Chromium (runCodeServer.ts). The suite writes `<dir>/<id>.request.json` and
// prints `[periskope-ui] <id>`; the runner sees the line through the workbench's
// `codeAutomationLog`, acts in the page as a user would, and writes `<dir>/<id>.response.json`
// (write-then-rename, so the suite never reads half a file). `<dir>` comes from PERISKOPE_UI_DIR,
// which only a runner that can click sets: under @vscode/test-electron it is absent.
// Types only, plus constants: imported by both sides.

/** Environment variable naming the channel folder; set by the code-server runner for code-server and so for the extension host. */
export const UI_DIR_ENV = 'PERISKOPE_UI_DIR';
/** Line prefix the suite prints; the rest of the line is the request id. */
export const UI_MARKER = '[periskope-ui] ';

/** A string is matched as a substring, or (`exact`) as the whole text ignoring case and surrounding space; a RegExp as its source and flags. */
export type TextMatch = { substring: string } | { exact: string } | { source: string; flags: string };

export interface ScreenshotRequest {
	action: 'screenshot';
	/** File name without extension, saved as test-results/<name>.png. */
	name: string;
	/** Time the workbench gets to paint what the test just did before the picture (tree refreshes are batched). */
	settleMs: number;
}

export interface AnswerDialogRequest {
	action: 'answerDialog';
	/** The label of the button to click, as the user sees it (no `&&` mnemonics). */
	button: string;
	/** Only a dialog whose message matches; without it, the first modal dialog showing. */
	message?: TextMatch;
	/** How long to wait for the dialog to show. */
	timeoutMs: number;
	/** If set, a picture of the dialog is saved as test-results/<screenshot>.png before the click. */
	screenshot?: string;
}

export interface TrustWorkspaceRequest {
	action: 'trustWorkspace';
	/** How long to wait for something to click: the Workspace Trust editor's Trust button or the startup trust dialog. */
	timeoutMs: number;
	screenshot?: string;
}

/** Cancels (Escape) every modal dialog still showing: the suite's after-each sweep, so a dialog a test left cannot catch the next test's clicks. */
export interface DismissDialogsRequest {
	action: 'dismissDialogs';
}

/** Reads the webview editor showing (the page inside VS Code's `iframe.webview` > `iframe#active-frame`). */
export interface WebviewRequest {
	action: 'webview';
	/** Only the webview whose editor tab label matches; without it, the one in the active editor group (else the first showing). */
	title?: TextMatch;
	/** How long a (matching) webview may take to show and load its page. */
	timeoutMs: number;
	/** Then wait until this selector matches inside the page, for at most `timeoutMs` more. */
	waitFor?: { selector: string; timeoutMs: number };
	/** Elements inside #root counted as `injected`. */
	injectedSelector: string;
	/** Selectors whose first match's bounding client rect (in the page) is returned. */
	rects: string[];
	/** Computed style properties of the first match of each selector. */
	styles: { selector: string; properties: string[] }[];
}

/** The editor tabs of every editor group, as drawn. */
export interface EditorTabsRequest {
	action: 'editorTabs';
}

/** The most time the runner spends closing toasts (a click each; toasts that waited their turn show as others close). */
export const CLEAR_TOASTS_MS = 20_000;

export interface NotificationsRequest {
	action: 'notifications';
	/** After reading, close each toast with its Clear (x) button, as a user would (this also dismisses the notification). */
	clear: boolean;
	/** First wait (bounded) until a toast whose message matches shows, and/or until at least `count` toasts show. */
	waitFor?: { message?: TextMatch; count?: number; timeoutMs: number };
}

/** Reads the notification center (the suite opens it with `notifications.showList` first and hides it after). */
export interface NotificationCenterRequest {
	action: 'notificationCenter';
	/** How long the center may take to show. */
	timeoutMs: number;
}

export interface QuickPickRequest {
	action: 'quickPick';
	/** Wait (bounded) until a quick input shows that satisfies this; without it, read what is showing now. */
	waitFor?: { minItems?: number; title?: TextMatch; timeoutMs: number };
}

/** Presses a key chord (Playwright syntax, e.g. 'Control+c') in the workbench, wherever keyboard focus is. */
export interface PressRequest {
	action: 'press';
	keys: string;
}

export interface TreeRowsRequest {
	action: 'treeRows';
	/** The view: the pane whose title (its header, also when the header is merged into the side bar title) matches. */
	view: TextMatch;
	/** Wait (bounded) until the pane shows and draws at least `minRows` rows (default: until the pane shows). */
	minRows: number;
	timeoutMs: number;
}

/** Reads the editor hover showing (the content hover over text in an editor). */
export interface HoverRequest {
	action: 'hover';
	/** Wait (bounded) until a hover shows whose text matches; without it, read what is showing now. */
	waitFor?: { text?: TextMatch; timeoutMs: number };
}

/** Clicks, with the mouse, the innermost element of the hover showing whose text matches (a link, or plain text). */
export interface ClickHoverRequest {
	action: 'clickHover';
	text: TextMatch;
	timeoutMs: number;
}

/** Reads the editor's suggest widget (completion list) showing. */
export interface SuggestRequest {
	action: 'suggest';
	/** Wait (bounded) until the list shows with at least `minItems` rows and, if given, a row whose text matches. */
	waitFor?: { minItems?: number; text?: TextMatch; timeoutMs: number };
}

/** Types text with the keyboard, a key at a time, wherever keyboard focus is. */
export interface TypeRequest {
	action: 'type';
	text: string;
}

export type UiRequest =
	| ScreenshotRequest
	| AnswerDialogRequest
	| TrustWorkspaceRequest
	| DismissDialogsRequest
	| WebviewRequest
	| EditorTabsRequest
	| NotificationsRequest
	| NotificationCenterRequest
	| QuickPickRequest
	| PressRequest
	| TreeRowsRequest
	| HoverRequest
	| ClickHoverRequest
	| SuggestRequest
	| TypeRequest;

/** What a modal dialog showed, and what was clicked. Buttons are in the order they are on screen. */
export interface DialogAnswer {
	message: string;
	/** The detail text under the message ('' if none); markdown details (as in the trust dialog) follow on their own lines. */
	detail: string;
	buttons: string[];
	/** The checkbox label, if the dialog had one. */
	checkbox?: string;
	clicked: string;
}

export interface TrustClick {
	/** Where the user clicked: the Workspace Trust editor (Manage Workspace Trust) or the startup dialog. */
	via: 'editor' | 'dialog';
	clicked: string;
}

export interface ScreenshotResult {
	/** Absolute path of the PNG. */
	file: string;
}

export interface DismissedDialogs {
	/** Messages of the dialogs that were showing; `stillShowing` those Escape did not close. */
	dismissed: string[];
	stillShowing: string[];
}

/** A bounding client rect in CSS pixels, relative to the document's viewport it was read in. */
export interface Rect {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** What the webview page showed. */
export interface WebviewSnapshot {
	/** The label of the editor tab the webview is shown in. */
	title: string;
	/** `document.body.innerText`: the text as rendered (hidden elements left out, CSS text-transform applied). */
	text: string;
	/** `document.documentElement.outerHTML`. */
	html: string;
	/** Whether the page has a #root element; `injected` counts inside it only. */
	hasRoot: boolean;
	/** How many elements inside #root match the request's `injectedSelector`. */
	injected: number;
	/** Those elements, each as the start of its outerHTML (at most 200 characters), for the failure message. */
	injectedElements: string[];
	/** The page's viewport (innerWidth × innerHeight) in CSS pixels. */
	viewport: { width: number; height: number };
	/** For each requested selector, the bounding client rect of its first match in the page, or null if nothing matches. */
	rects: Record<string, Rect | null>;
	/** For each requested selector, the requested computed style properties of its first match, or null if nothing matches. */
	computed: Record<string, Record<string, string> | null>;
}

export interface EditorTab {
	/** The label as drawn (name and suffix; the whole text, also the part clipped from view). */
	label: string;
	/** The grey description drawn after the label to tell same-named editors apart ('' if none). */
	description: string;
	/** The tab's aria-label (screen readers; VS Code appends e.g. ", preview"). */
	ariaLabel: string;
	/** The tab is its group's active editor (what the group shows). */
	active: boolean;
	/** Its group is the active (focused) editor group. */
	groupActive: boolean;
	/** The editor group, 0-based in DOM order (left to right, top to bottom in the default layout). */
	group: number;
	/** The tab's drawn size in CSS pixels. */
	width: number;
	height: number;
	/** The width of its group's tab bar (the strip the tabs scroll in). */
	tabBarWidth: number;
	/** How much of the tab's width is within the tab bar's view: tabs that do not fit are scrolled (partly) out of sight. */
	visibleWidth: number;
	/** The label's text is wider than the room it is drawn in (clipped or faded out). */
	labelClipped: boolean;
}

export type Severity = 'info' | 'warning' | 'error';

export interface NotificationSnapshot {
	/** The message text as drawn (links show their label). */
	message: string;
	/** The source ("Periskope Contacts" for an extension's notification), without VS Code's "Source: " prefix; absent if none. */
	source?: string;
	/** Labels of the action buttons, in screen order ([] when the notification is collapsed or has none). */
	buttons: string[];
	/** From the severity icon; absent if it has none VS Code draws for info/warning/error. */
	severity?: Severity;
	/** Whether the notification was drawn expanded (source and buttons show only then). */
	expanded: boolean;
}

export interface QuickPickItemSnapshot {
	label: string;
	description: string;
	detail: string;
	ariaLabel: string;
	/** The row has keyboard focus (Enter would accept it). */
	focused: boolean;
	/** For a multi-select pick: whether its checkbox is ticked. */
	checked?: boolean;
	/** The separator label drawn on this row, when it starts a group. */
	separator?: string;
}

export interface QuickPickSnapshot {
	title: string;
	placeholder: string;
	value: string;
	/** The validation or info message under the input ('' if none). */
	message: string;
	/** The rows drawn: the list is virtual, so only those in (or near) view. */
	items: QuickPickItemSnapshot[];
	/** How many items the list has in all (its aria-setsize), also those not drawn; 0 for a plain input box. */
	count: number;
}

export interface PressResult {
	keys: string;
	/** A short description of the element that had keyboard focus before the press (tag, id, classes, aria-label), for failure messages. */
	focusedBefore: string;
	focusedAfter: string;
}

export interface TreeRow {
	label: string;
	description: string;
	ariaLabel: string;
	/** aria-level: 1 for a top-level row. */
	level: number;
	/** For a row with children: whether it is expanded. */
	expanded?: boolean;
	selected: boolean;
	focused: boolean;
	/** The drawn width of the label (icon, name and description, as clipped by the row). */
	width: number;
	/** The drawn width of the row. */
	rowWidth: number;
	/** The label's text is wider than the room it is drawn in (ends in an ellipsis). */
	clipped: boolean;
}

export interface HoverSnapshot {
	/** The hover's rendered text (`innerText`). */
	text: string;
	html: string;
	/** Every link drawn: its text and where it goes (`data-href`, else `href`). */
	links: { text: string; href: string }[];
	/** Elements no Markdown hover of ours draws: img, script, iframe, object, embed, svg outside codicons. */
	foreign: string[];
}

export interface SuggestItemSnapshot {
	/** The row's main label. */
	label: string;
	/** The row's whole text as drawn (label, description, detail). */
	text: string;
	ariaLabel: string;
	focused: boolean;
}

export interface SuggestSnapshot {
	items: SuggestItemSnapshot[];
}

export interface ClickResult {
	/** What was clicked: tag and text. */
	clicked: string;
}

export interface UiResults {
	dismissDialogs: DismissedDialogs;
	screenshot: ScreenshotResult;
	answerDialog: DialogAnswer;
	trustWorkspace: TrustClick;
	webview: WebviewSnapshot;
	editorTabs: EditorTab[];
	notifications: NotificationSnapshot[];
	notificationCenter: NotificationSnapshot[];
	/** null when no quick input is showing. */
	quickPick: QuickPickSnapshot | null;
	press: PressResult;
	treeRows: TreeRow[];
	/** null when no hover is showing. */
	hover: HoverSnapshot | null;
	clickHover: ClickResult;
	/** null when no suggest widget is showing. */
	suggest: SuggestSnapshot | null;
	type: { text: string };
}

export type UiResponse<A extends UiRequest['action'] = UiRequest['action']> = { ok: true; result: UiResults[A] } | { ok: false; error: string };
