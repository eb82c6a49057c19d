// Registers the command handlers. A handler's failure is reported once, as one notification
// with its next step, and not rethrown (VS Code would report it a second time).
import * as vscode from 'vscode';
import { neutraliseMarkup } from '../api/serverText';
import { Command, SECTION } from '../config';
import { describeFailure, FailureAction } from '../contacts/failure';

/** Shows one error notification for a failure (nothing for a cancellation) and logs it. */
export async function showFailure(log: vscode.LogOutputChannel, context: string, error: unknown): Promise<void> {
	const failure = describeFailure(error);
	if (failure.silent) return;
	log.error(`${context}: ${failure.message}`);
	const actions: Partial<Record<string, () => Thenable<unknown>>> = {};
	for (const action of failure.actions) {
		const run = NOTIFICATION_ACTIONS[action];
		if (run) actions[run.title] = () => run.run(failure.setting);
	}
	actions['Show Log'] ??= () => vscode.commands.executeCommand(Command.showLog);
	// Notifications render [text](command:…) links: whatever came from a server stays text.
	const choice = await vscode.window.showErrorMessage(neutraliseMarkup(`${context}: ${failure.message} ${failure.nextStep}`.trim()), ...Object.keys(actions));
	if (choice) await actions[choice]?.();
}

const NOTIFICATION_ACTIONS: Partial<Record<FailureAction, { title: string; run: (setting?: string) => Thenable<unknown> }>> = {
	setToken: { title: 'Set API Token', run: () => vscode.commands.executeCommand(Command.setToken) },
	openSettings: { title: 'Open Settings', run: (setting) => vscode.commands.executeCommand('workbench.action.openSettings', setting ?? SECTION) },
	allowOrigin: { title: 'Allow…', run: () => vscode.commands.executeCommand(Command.allowApiOrigin) },
	refresh: { title: 'Refresh', run: () => vscode.commands.executeCommand(Command.refresh) },
	showLog: { title: 'Show Log', run: () => vscode.commands.executeCommand(Command.showLog) },
};

/** Registers command handlers; a failure becomes one notification, and the command resolves to undefined. */
export function registerCommands(
	context: vscode.ExtensionContext,
	log: vscode.LogOutputChannel,
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- command arguments arrive untyped from VS Code
	table: Record<string, (...args: any[]) => unknown>,
): void {
	for (const [id, handler] of Object.entries(table)) {
		context.subscriptions.push(
			vscode.commands.registerCommand(id, async (...args: unknown[]) => {
				try {
					return await handler(...args);
				} catch (e) {
					void showFailure(log, commandTitle(id), e);
					return undefined;
				}
			}),
		);
	}
}

function commandTitle(id: string): string {
	const name = id.replace(/^periskope\./, '').replace(/([A-Z])/g, ' $1').toLowerCase();
	return `Periskope: ${name} failed`;
}
