// The integration suite's entry, as both runners expect it: `run()` resolves when every test
// passed. Used by @vscode/test-electron and by the code-server runner alike.
//
// Environment (passed through by both runners to the extension host):
//   PERISKOPE_IT_SHUFFLE=<seed>  run the test files in an order shuffled from <seed> (any text;
//                                the same seed gives the same order). activation.test.js stays first.
//   PERISKOPE_IT_GREP=<pattern>  run only tests whose full title ("<describe> <it>") matches the
//                                regular expression <pattern>, case-insensitively.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';
import { ui } from './helpers';

/** Files run first, in this order; the rest follow by name (or shuffled). Activation must be checked before anything activates. */
const FIRST = ['activation.test.js'];

export function run(): Promise<void> {
	return runSuite(__dirname, testFiles(fs.readdirSync(__dirname), process.env.PERISKOPE_IT_SHUFFLE));
}

/** Runs `files` (in `dir`) with mocha, the grep and shuffle of the environment, and the dialog sweep. */
export function runSuite(dir: string, files: string[]): Promise<void> {
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, forbidOnly: true, rootHooks: { afterEach: sweepDialogs } });
	const grep = process.env.PERISKOPE_IT_GREP;
	if (grep) {
		let pattern: RegExp;
		try {
			pattern = new RegExp(grep, 'i');
		} catch (e) {
			return Promise.reject(new Error(`PERISKOPE_IT_GREP is not a valid regular expression: ${e instanceof Error ? e.message : e}`));
		}
		mocha.grep(pattern);
		console.log(`[suite] PERISKOPE_IT_GREP: only tests whose title matches ${pattern}`);
	}
	const seed = process.env.PERISKOPE_IT_SHUFFLE;
	for (const file of files) mocha.addFile(path.join(dir, file));
	if (seed) {
		// Tests within each file too (not the activation file: it checks what happens first).
		// Load now (require, as run() would), then tell run() not to load them again.
		const loader = mocha as unknown as { loadFiles(): void; lazyLoadFiles(on: boolean): void };
		loader.loadFiles();
		loader.lazyLoadFiles(true);
		for (const suite of allSuites(mocha.suite)) {
			if (suite.file?.endsWith(FIRST[0])) continue;
			suite.tests.splice(0, suite.tests.length, ...shuffle(suite.tests, `${seed}:${suite.fullTitle()}`));
		}
		console.log(`[suite] PERISKOPE_IT_SHUFFLE=${seed}: tests within each file shuffled too`);
	}
	const trustEnabled = vscode.workspace.getConfiguration('security.workspace.trust').get<boolean>('enabled');
	console.log(`[suite] workspace trust ${trustEnabled ? 'enabled' : 'disabled'}; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted (Restricted Mode)'} at start`);
	return new Promise((resolve, reject) => {
		let passed = 0;
		let skipped = 0;
		const runner = mocha.run((failures) => {
			if (skipped > 0) console.log(`[suite] ${skipped} skipped`);
			// The runner reads this line; it is also the plain summary CI understands.
			console.log(`${passed} passed, ${failures} failed`);
			if (failures > 0 || passed === 0) reject(new Error(failures > 0 ? `${failures} integration test(s) failed` : 'no integration test passed (none ran?)'));
			else resolve();
		});
		runner.on('pass', () => passed++);
		runner.on('pending', () => skipped++);
	});
}

/**
 * Modal dialogs show as for a user under the code-server runner, and wait for an answer: one a
 * test left open (or the extension raised unasked) would take the next test's clicks. Cancel it
 * (Escape, as a user would) and say so.
 */
async function sweepDialogs(this: Mocha.Context): Promise<void> {
	// A quick pick a failed test left open would take the Escape meant for a dialog, and a webview
	// that kept keyboard focus would take the next test's keys: close the one, move focus off the other.
	await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
	await vscode.commands.executeCommand('workbench.action.focusSideBar');
	if (!ui.available) return;
	const { dismissed, stillShowing } = await ui.dismissDialogs();
	if (dismissed.length === 0 && stillShowing.length === 0) return;
	const title = this.currentTest?.fullTitle() ?? 'a test';
	if (dismissed.length) console.error(`[suite] "${title}" left a modal dialog open, cancelled with Escape: ${dismissed.map((m) => JSON.stringify(m)).join(', ')}`);
	if (stillShowing.length) console.error(`[suite] "${title}" left a modal dialog open that Escape does not close: ${stillShowing.map((m) => JSON.stringify(m)).join(', ')}`);
}

/** The *.test.js files in run order: FIRST, then the rest by name, or shuffled from `seed` when one is given. */
export function testFiles(names: string[], seed?: string): string[] {
	const tests = names.filter((f) => f.endsWith('.test.js'));
	const first = FIRST.filter((f) => tests.includes(f));
	let rest = tests.filter((f) => !FIRST.includes(f)).sort((a, b) => a.localeCompare(b));
	if (seed !== undefined && seed !== '') {
		rest = shuffle(rest, seed);
		console.log(`[suite] PERISKOPE_IT_SHUFFLE=${seed}: files in this order: ${[...first, ...rest].join(', ')}`);
	}
	return [...first, ...rest];
}

function allSuites(suite: Mocha.Suite): Mocha.Suite[] {
	return [suite, ...suite.suites.flatMap(allSuites)];
}

/** Fisher–Yates with a small seeded generator (mulberry32 on an FNV-1a hash of the seed): same seed, same order. */
function shuffle<T>(items: T[], seed: string): T[] {
	let state = 2166136261;
	for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 16777619);
	const random = () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}
