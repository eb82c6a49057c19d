// `npm run test:electron`: the same integration suite through @vscode/test-electron, for
// machines that can download VS Code (this project's CI cannot: it uses the code-server runner).
import { runTests } from '@vscode/test-electron';
import * as path from 'path';
import { REPO_ROOT } from './codeServer';

async function main(): Promise<void> {
	try {
		await runTests({
			extensionDevelopmentPath: REPO_ROOT,
			extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
			// Workspace trust stays off here: no runner drives this window, so nobody could click
			// "Trust" (ui.trustWorkspace() resolves at once, the folder being trusted with trust off),
			// and VS Code refuses modal dialogs in extension-test mode (ui.answerDialog() rejects, saying
			// why; tests that need it skip). The code-server runner has trust on and shows dialogs.
			launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
		});
	} catch (e) {
		console.error(`test-electron failed: ${e instanceof Error ? e.message : e}`);
		console.error('If VS Code could not be downloaded (no internet), run the same suite offline with: npm run test:integration');
		process.exit(1);
	}
}

void main();
