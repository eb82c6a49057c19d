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
			launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
		});
	} catch (e) {
		console.error(`test-electron failed: ${e instanceof Error ? e.message : e}`);
		console.error('If VS Code could not be downloaded (no internet), run the same suite offline with: npm run test:integration');
		process.exit(1);
	}
}

void main();
