// Turns a failure into one message with a next step, and logs it.
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import { Command } from '../config';

export async function showError(log: vscode.LogOutputChannel, context: string, error: unknown): Promise<void> {
	if (isApiError(error, 'cancelled')) return;
	const message = error instanceof Error ? error.message : String(error);
	log.error(`${context}: ${message}`);
	const actions: Record<string, () => Thenable<unknown>> = {};
	if (isApiError(error, 'unauthorized')) {
		actions['Set API Token'] = () => vscode.commands.executeCommand(Command.setToken);
	} else if (isApiError(error, 'network') || isApiError(error, 'timeout')) {
		actions['Open Settings'] = () => vscode.commands.executeCommand('workbench.action.openSettings', 'periskope.apiBaseUrl');
	}
	actions['Show Log'] = () => vscode.commands.executeCommand(Command.showLog);
	const choice = await vscode.window.showErrorMessage(`${context}: ${message}`, ...Object.keys(actions));
	if (choice) await actions[choice]();
}

/** Registers command handlers, each wrapped so a failure shows one clear message instead of vanishing. */
export function registerCommands(
	context: vscode.ExtensionContext,
	log: vscode.LogOutputChannel,
	table: Record<string, (...args: any[]) => unknown>,
): void {
	for (const [id, handler] of Object.entries(table)) {
		context.subscriptions.push(
			vscode.commands.registerCommand(id, async (...args: unknown[]) => {
				try {
					return await handler(...args);
				} catch (e) {
					void showError(log, commandTitle(id), e);
					// Callers such as tests and other extensions see the failure too.
					throw e;
				}
			}),
		);
	}
}

function commandTitle(id: string): string {
	const name = id.replace(/^periskope\./, '').replace(/([A-Z])/g, ' $1').toLowerCase();
	return `Periskope: ${name} failed`;
}
