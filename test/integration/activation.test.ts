// The extension loads in a real VS Code, activates after start-up has finished (never with
// `*`, so it never delays the window; contacts in code need it in any editor once a token is
// set) or on its view, and registers everything it contributes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { screenshot, waitFor } from './helpers';

const EXTENSION_ID = 'periskope.periskope-contacts';

describe('Activation', () => {
	it('is installed and activates only once start-up has finished, never eagerly', () => {
		const extension = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(extension, 'the extension under development is loaded');
		const events: string[] = extension.packageJSON.activationEvents;
		assert.ok(!events.includes('*'), 'no eager activation');
		assert.ok(events.includes('onStartupFinished'), 'after start-up, for contacts in code in any editor');
	});

	it('activates when its view is opened', async () => {
		await vscode.commands.executeCommand('workbench.view.extension.periskope');
		const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
		await waitFor(() => extension.isActive, 15_000, 'activation');
		await screenshot('activated-view');
	});

	it('registers every contributed command', async () => {
		const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
		const contributed: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
		const registered = new Set(await vscode.commands.getCommands(true));
		assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
		assert.ok(contributed.length >= 10);
	});
});
