// What a failure means to the user, in one place: a short title, the next step, and the
// actions that take it. The tree, the detail panel and notifications render this; none of
// them maps error kinds on its own. No `vscode` import: unit-testable.
import { PeriskopeApiError, refusesPageSize } from '../api/errors';

/** Actions a surface can offer; each renders them its own way (node command, button). */
export type FailureAction = 'retry' | 'setToken' | 'openSettings' | 'showLog' | 'allowOrigin' | 'refresh';

export interface FailureDescription {
	/** Short, for a tree node label: "Cannot reach Periskope". */
	title: string;
	/** The whole message (server text already made plain by the client). */
	message: string;
	/** What to do next, one sentence. */
	nextStep: string;
	actions: FailureAction[];
	/** Which setting "Open Settings" should show. */
	setting?: string;
	/** An icon name (codicon) fitting the failure. */
	icon: string;
	/** Nothing to report: the user cancelled. */
	silent: boolean;
}

export function describeFailure(error: unknown): FailureDescription {
	const message = error instanceof Error && error.message ? error.message : String(error);
	const d = (title: string, nextStep: string, actions: FailureAction[], icon: string, setting?: string): FailureDescription => ({
		title,
		message,
		nextStep,
		actions,
		icon,
		setting,
		silent: false,
	});
	if (!(error instanceof PeriskopeApiError)) {
		return d('Something went wrong', 'Retry; if it keeps failing, the log has the details.', ['retry', 'showLog'], 'error');
	}
	switch (error.kind) {
		case 'cancelled':
			return { ...d('Cancelled', '', [], 'circle-slash'), silent: true };
		case 'config':
			return d('API base URL refused — open settings', 'Fix periskope.apiBaseUrl in your user settings.', ['openSettings'], 'gear', 'periskope.apiBaseUrl');
		case 'tokenWithheld':
			return d('Token not sent — allow the new address?', 'Allow the new API address, or change periskope.apiBaseUrl back.', ['allowOrigin', 'openSettings'], 'shield', 'periskope.apiBaseUrl');
		case 'unauthorized':
			return d('Unauthorized — set token', 'Set a valid API token (Periskope → Settings → API).', ['setToken'], 'key');
		case 'rateLimited': {
			const seconds = error.retryAfterMs !== undefined ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : undefined;
			return d(seconds ? `Rate limited — retry in ${seconds} s` : 'Rate limited — retry', seconds ? `Wait ${seconds} s, then retry.` : 'Wait a moment, then retry.', ['retry'], 'watch');
		}
		case 'network':
			return d('Cannot reach Periskope — retry', 'Check your connection and periskope.apiBaseUrl, then retry.', ['retry', 'openSettings'], 'debug-disconnect', 'periskope.apiBaseUrl');
		case 'timeout':
			return d('Periskope timed out — retry', 'Retry, or raise periskope.requestTimeoutSeconds.', ['retry', 'openSettings'], 'debug-disconnect', 'periskope.requestTimeoutSeconds');
		case 'validation':
			// Only a refusal that names `limit` is about the page size; any other is the request's own.
			return refusesPageSize(error)
				? d('Request rejected — check the page size', 'Check periskope.pageSize (1–2000), then retry.', ['retry', 'openSettings'], 'warning', 'periskope.pageSize')
				: d('Periskope rejected the request', 'Periskope refused it as invalid; the log has the request and its answer.', ['showLog', 'retry'], 'warning');
		case 'notFound':
			return d('Not found', 'The contact may have been deleted: refresh the Contacts view.', ['refresh', 'showLog'], 'question');
		case 'server':
			return d(`Periskope server error${error.status ? ` (${error.status})` : ''} — retry`, 'Periskope is having trouble; retry in a moment.', ['retry', 'showLog'], 'error');
		default:
			return d('Unexpected response — retry', 'Retry; if it keeps failing, the log has the details.', ['retry', 'showLog'], 'error');
	}
}
