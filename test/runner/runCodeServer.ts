// `npm run test:integration`: runs the integration suite inside a real VS Code (code-server)
// driven by headless Chromium. Exits with the suite's code; the whole run is time-bounded.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { CodeServer, ensureCodeServer, ensureSystemPackages, launchChromium, REPO_ROOT, say, startCodeServer, workbenchUrl } from './codeServer';

const RUN_TIMEOUT_MS = Number(process.env.PERISKOPE_IT_TIMEOUT_MS ?? 10 * 60_000);
const RESULTS = path.join(REPO_ROOT, 'test-results');
const SCREENSHOT_MARKER = '[periskope-screenshot] ';
const SUMMARY = /^(\d+) passed, (\d+) failed$/;

async function main(): Promise<number> {
	const started = Date.now();
	fs.mkdirSync(RESULTS, { recursive: true });
	ensureSystemPackages();
	const install = ensureCodeServer();
	const testsIndex = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
	if (!fs.existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: run "node esbuild.js --tests" first`);
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run "npm run compile" first');

	const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-ws-'));
	fs.writeFileSync(path.join(workspace, 'sample.ts'), 'export const contactId = "";\n');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-chromium-'));
	let server: CodeServer | undefined;
	let summary: string | undefined;
	const timer = setTimeout(() => {
		console.error(`[runner] the run took longer than ${RUN_TIMEOUT_MS / 1000} s: stopping everything`);
		void cleanup().finally(() => process.exit(1));
	}, RUN_TIMEOUT_MS);
	const cleanup = async () => {
		await context?.close().catch(() => undefined);
		await server?.stop().catch(() => undefined);
		fs.rmSync(profile, { recursive: true, force: true });
		fs.rmSync(workspace, { recursive: true, force: true });
	};
	let context: Awaited<ReturnType<typeof launchChromium>> | undefined;
	try {
		server = await startCodeServer(install, {
			logFile: path.join(RESULTS, 'code-server.log'),
			// Tell the suite's screenshot() that someone takes the pictures it asks for.
			env: { PERISKOPE_SCREENSHOTS: '1' },
		});
		say(`code-server ${server.origin} is healthy (${Math.round((Date.now() - started) / 1000)} s)`);
		context = await launchChromium(profile);
		const page = context.pages()[0] ?? (await context.newPage());
		let exitCode: (code: number) => void = () => undefined;
		const exited = new Promise<number>((resolve) => (exitCode = resolve));
		let shots = Promise.resolve();

		// The workbench (smoke-test driver) reports the extension host's output and its exit through these.
		await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
			// Arguments of the extension host's console calls, format string first.
			const text = format(...(Array.isArray(args) ? args : [args]));
			for (const line of text.split('\n')) {
				const marker = line.indexOf(SCREENSHOT_MARKER);
				if (marker !== -1) {
					const name = line.slice(marker + SCREENSHOT_MARKER.length).trim().replace(/[^\w.-]/g, '_');
					shots = shots.then(() => takeScreenshot(page, name));
					continue;
				}
				if (SUMMARY.test(line.trim())) {
					summary = line.trim(); // printed once, last
					continue;
				}
				(type === 'error' ? console.error : console.log)(line);
			}
		});
		await page.exposeFunction('codeAutomationExit', (code: number) => exitCode(code));

		const url = workbenchUrl(server, workspace, {
			extensionDevelopmentPath: REPO_ROOT,
			extensionTestsPath: testsIndex,
			skipWelcome: 'true',
		});
		await page.goto(url);
		const code = await exited;
		await shots;
		const log = fs.readFileSync(server.logFile, 'utf8');
		const hostLines = log.split('\n').filter((l) => /extension host|ExtensionHost/i.test(l)).slice(0, 3);
		for (const l of hostLines) say(`code-server: ${l.trim()}`);
		say(`suite exit code ${code}, ${Math.round((Date.now() - started) / 1000)} s in all`);
		if (!summary) {
			console.error('[runner] the suite printed no summary: no tests ran');
			return 1;
		}
		const [, passed] = SUMMARY.exec(summary)!;
		console.log(summary);
		return code === 0 && Number(passed) > 0 ? 0 : 1;
	} finally {
		clearTimeout(timer);
		await cleanup();
	}
}

async function takeScreenshot(page: import('playwright-core').Page, name: string): Promise<void> {
	const file = path.join(RESULTS, `${name}.png`);
	const tmp = `${file}.tmp`;
	try {
		await page.screenshot({ path: tmp, type: 'png' });
		fs.renameSync(tmp, file); // the suite waits for the final name, so it never sees half a file
		say(`screenshot ${path.relative(REPO_ROOT, file)}`);
	} catch (e) {
		console.error(`[runner] screenshot ${name} failed: ${e}`);
	}
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(`[runner] ${e instanceof Error ? e.stack ?? e.message : e}`);
		console.log('0 passed, 1 failed');
		process.exit(1);
	},
);
