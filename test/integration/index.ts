// The integration suite's entry, as both runners expect it: `run()` resolves when every test
// passed. Used by @vscode/test-electron and by the code-server runner alike.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';

/** Files run first, in this order; the rest follow by name. Activation must be checked before anything activates. */
const FIRST = ['activation.test.js'];

export function run(): Promise<void> {
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, forbidOnly: true });
	const files = fs
		.readdirSync(__dirname)
		.filter((f) => f.endsWith('.test.js'))
		.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
	for (const file of files) mocha.addFile(path.join(__dirname, file));
	return new Promise((resolve, reject) => {
		let passed = 0;
		const runner = mocha.run((failures) => {
			// The runner reads this line; it is also the plain summary CI understands.
			console.log(`${passed} passed, ${failures} failed`);
			if (failures > 0 || passed === 0) reject(new Error(`${failures} integration test(s) failed`));
			else resolve();
		});
		runner.on('pass', () => passed++);
	});
}

function rank(file: string): number {
	const i = FIRST.indexOf(file);
	return i === -1 ? FIRST.length : i;
}
