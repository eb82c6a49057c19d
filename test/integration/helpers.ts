// Small helpers for the integration suite.
import * as fs from 'fs';
import * as path from 'path';

const RESULTS = path.resolve(__dirname, '../../../test-results');

/** Polls until `predicate` holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await predicate()) return;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Asks the runner for a PNG of the workbench and waits (bounded) until it is written. */
export async function screenshot(name: string): Promise<void> {
	const file = path.join(RESULTS, `${name}.png`);
	fs.rmSync(file, { force: true });
	// Let the workbench paint what the test just did (tree refreshes are batched).
	await new Promise((r) => setTimeout(r, 300));
	// The code-server runner watches for this line and saves test-results/<name>.png.
	console.log(`[periskope-screenshot] ${name}`);
	// Under test-electron nobody takes it: carry on after the bound rather than fail the test.
	await waitFor(() => fs.existsSync(file), process.env.PERISKOPE_SCREENSHOTS ? 10_000 : 0, `screenshot ${name}`).catch(() => undefined);
}
