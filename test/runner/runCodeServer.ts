// `npm run test:integration`: runs the integration suite inside a real VS Code (code-server)
// driven by headless Chromium. Exits with the suite's code; the whole run is time-bounded.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { CodeServer, ensureCodeServer, ensureSystemPackages, launchChromium, REPO_ROOT, say, startCodeServer, workbenchUrl } from './codeServer';
import { describeMatch, patchWorkbenchForTests, performUiAction, screenshot } from './uiActions';
import { UI_DIR_ENV, UI_MARKER, UiRequest, UiResponse, UiResults } from './uiProtocol';

const RUN_TIMEOUT_MS = Number(process.env.PERISKOPE_IT_TIMEOUT_MS ?? 10 * 60_000);
const RESULTS = path.join(REPO_ROOT, 'test-results');
/** The older screenshot request (a bare marker line); helpers.ts now uses the UI channel, this stays for any caller left. */
const SCREENSHOT_MARKER = '[periskope-screenshot] ';
const SUMMARY = /^(\d+) passed, (\d+) failed$/;
/** Suites run one after another in the same VS Code, each in a freshly loaded window (see main). */
const RELOAD_PHASES = ['beforeReload.js', 'afterReload.js'];

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
	// The suite's UI requests and this runner's answers (uiProtocol.ts): one folder per run.
	const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-ui-'));
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
		fs.rmSync(uiDir, { recursive: true, force: true });
	};
	let context: Awaited<ReturnType<typeof launchChromium>> | undefined;
	try {
		server = await startCodeServer(install, {
			logFile: path.join(RESULTS, 'code-server.log'),
			// Tells the suite's helpers (ui.*, screenshot) where to ask: someone here clicks and takes pictures.
			env: { [UI_DIR_ENV]: uiDir },
			// Workspace trust is on, as for a user. No startup prompt: the folder opens in Restricted
			// Mode and stays there until a test grants trust with ui.trustWorkspace() (Manage Workspace
			// Trust, then a click on Trust). The prompt would otherwise be a modal over every screenshot
			// and in the way of ui.answerDialog(), and it only shows if the page has focus.
			workspaceTrust: true,
			userSettings: { 'security.workspace.trust.startupPrompt': 'never' },
		});
		say(`code-server ${server.origin} is healthy (${Math.round((Date.now() - started) / 1000)} s)`);
		context = await launchChromium(profile);
		const page = context.pages()[0] ?? (await context.newPage());
		let exitCode: (code: number) => void = () => undefined;
		let exited = new Promise<number>((resolve) => (exitCode = resolve));
		// UI actions run one at a time, in the order the suite asked.
		let actions = Promise.resolve();
		const act = (id: string) => {
			actions = actions.then(() => answerUiRequest(page, uiDir, id));
		};

		// The workbench (smoke-test driver) reports the extension host's output and its exit through these.
		await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
			// Arguments of the extension host's console calls, format string first.
			const text = format(...(Array.isArray(args) ? args : [args]));
			for (const line of text.split('\n')) {
				const ui = line.indexOf(UI_MARKER);
				if (ui !== -1) {
					act(line.slice(ui + UI_MARKER.length).trim());
					continue;
				}
				const marker = line.indexOf(SCREENSHOT_MARKER);
				if (marker !== -1) {
					const name = line.slice(marker + SCREENSHOT_MARKER.length).trim();
					actions = actions.then(() => takeScreenshot(page, name));
					continue;
				}
				if (SUMMARY.test(line.trim())) {
					summary = line.trim(); // printed once per phase, last
					continue;
				}
				(type === 'error' ? console.error : console.log)(line);
			}
		});
		await page.exposeFunction('codeAutomationExit', (code: number) => exitCode(code));
		// Modal dialogs and notification toasts reach the screen, as for a user, so tests can answer
		// and read them (ui.answerDialog, ui.notifications).
		await patchWorkbenchForTests(context, (message) => {
			console.error(`[runner] ${message}`);
			exitCode(1);
		});

		const url = workbenchUrl(server, workspace, {
			extensionDevelopmentPath: REPO_ROOT,
			extensionTestsPath: testsIndex,
			skipWelcome: 'true',
		});
		await page.goto(url);
		let code = await exited;
		await actions;
		// The reload phases: the same VS Code (profile, global storage, secrets) opened again, as after
		// "Developer: Reload Window", to prove what survives a restart. They run when the first of
		// them had something to run (PERISKOPE_IT_GREP may leave nothing for it).
		const totals = { passed: 0, failed: 0 };
		const count = () => {
			const [, passed, failed] = summary ? SUMMARY.exec(summary)! : [];
			totals.passed += Number(passed ?? 0);
			totals.failed += Number(failed ?? (summary ? 0 : 1));
			const ran = Number(passed ?? 0) + Number(failed ?? 0);
			summary = undefined;
			return ran;
		};
		let ran = count();
		// A phase that ran nothing (grepped out) does not decide the outcome; one that ran tests does.
		let anyRan = ran > 0;
		if (!anyRan) code = 0;
		for (const phase of RELOAD_PHASES) {
			const phaseIndex = path.join(REPO_ROOT, 'out', 'test', 'integration', 'reload', phase);
			say(`reload phase ${phase}: reopening the window`);
			exited = new Promise<number>((resolve) => (exitCode = resolve));
			await page.goto(workbenchUrl(server, workspace, { extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: phaseIndex, skipWelcome: 'true' }));
			const phaseCode = await exited;
			await actions;
			ran = count();
			if (ran > 0 && phaseCode !== 0) code = phaseCode;
			if (ran === 0) break;
			anyRan = true;
		}
		if (!anyRan) code = 1;
		summary = `${totals.passed} passed, ${totals.failed} failed`;
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
	try {
		const { file } = await screenshot(page, { name, settleMs: 0 }, RESULTS);
		say(`screenshot ${path.relative(REPO_ROOT, file)}`);
	} catch (e) {
		console.error(`[runner] screenshot ${name} failed: ${e}`);
	}
}

/** Reads <id>.request.json, acts in the page, writes <id>.response.json (renamed into place). Never throws. */
async function answerUiRequest(page: import('playwright-core').Page, dir: string, id: string): Promise<void> {
	if (!/^[\w-]+$/.test(id)) {
		console.error(`[runner] ignoring a UI request with a malformed id ${JSON.stringify(id)}`);
		return;
	}
	let response: UiResponse;
	let request: UiRequest | undefined;
	try {
		request = JSON.parse(fs.readFileSync(path.join(dir, `${id}.request.json`), 'utf8')) as UiRequest;
		const result = await performUiAction(page, request, RESULTS);
		response = { ok: true, result };
		const summary = summarise(request, result);
		if (summary !== undefined) say(`ui ${describe(request)}: ${summary}`);
	} catch (e) {
		const error = e instanceof Error ? e.message : String(e);
		response = { ok: false, error };
		say(`ui ${request ? describe(request) : id} failed: ${error}`);
	}
	const file = path.join(dir, `${id}.response.json`);
	try {
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(response));
		fs.renameSync(`${file}.tmp`, file);
	} catch (e) {
		console.error(`[runner] could not write the answer to UI request ${id}: ${e}`);
	}
}

function describe(request: UiRequest): string {
	switch (request.action) {
		case 'screenshot':
			return `screenshot ${request.name}`;
		case 'answerDialog':
			return `answerDialog ${JSON.stringify(request.button)}`;
		case 'press':
			return `press ${JSON.stringify(request.keys)}`;
		case 'treeRows':
			return `treeRows ${describeMatch(request.view)}`;
		case 'notifications':
			return request.clear ? 'notifications (clear)' : 'notifications';
		default:
			return request.action;
	}
}

function clip(text: string, max = 80): string {
	return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * One line for the run's log; undefined to say nothing: an after-each sweep that found nothing, and
 * reads (webview, editorTabs, notifications without clear, notificationCenter, quickPick, treeRows):
 * tests poll them, and what they read is in the test's assertions. Failures are always logged.
 */
function summarise(request: UiRequest, result: unknown): string | undefined {
	switch (request.action) {
		case 'dismissDialogs': {
			const r = result as UiResults['dismissDialogs'];
			return r.dismissed.length + r.stillShowing.length === 0 ? undefined : `dismissed ${JSON.stringify(r.dismissed)}, still showing ${JSON.stringify(r.stillShowing)}`;
		}
		case 'screenshot':
			return path.relative(REPO_ROOT, (result as UiResults['screenshot']).file);
		case 'answerDialog': {
			const r = result as UiResults['answerDialog'];
			return `${JSON.stringify(r.message)} [${r.buttons.join(' | ')}] -> ${r.clicked}`;
		}
		case 'trustWorkspace': {
			const r = result as UiResults['trustWorkspace'];
			return `clicked ${JSON.stringify(r.clicked)} in the trust ${r.via}`;
		}
		case 'notifications': {
			// Closing them changes what the user sees: say what went.
			const closed = request.clear ? (result as UiResults['notifications']) : [];
			return closed.length ? closed.map((n) => `${n.severity ?? '?'} ${clip(n.message)}`).join(', ') : undefined;
		}
		case 'press': {
			const r = result as UiResults['press'];
			return `focus was ${r.focusedBefore}, now ${r.focusedAfter}`;
		}
		default:
			return undefined;
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
