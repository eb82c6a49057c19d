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

/** A string is matched as a substring; a RegExp as its source and flags. */
export type TextMatch = { substring: string } | { source: string; flags: string };

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

export type UiRequest = ScreenshotRequest | AnswerDialogRequest | TrustWorkspaceRequest | DismissDialogsRequest;

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

export interface UiResults {
	dismissDialogs: DismissedDialogs;
	screenshot: ScreenshotResult;
	answerDialog: DialogAnswer;
	trustWorkspace: TrustClick;
}

export type UiResponse<A extends UiRequest['action'] = UiRequest['action']> = { ok: true; result: UiResults[A] } | { ok: false; error: string };
