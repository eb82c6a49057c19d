// `npm run demo`: the extension in a real VS Code (code-server) in your browser, against the
// bundled Periskope API double with a few thousand generated contacts. Ctrl+C stops it all.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { startApiDouble } from '../double/server';
import { ensureCodeServer, ensureSystemPackages, launchChromium, REPO_ROOT, say, sleep, startCodeServer, workbenchUrl } from './codeServer';

const USAGE = `Usage: npm run demo -- [--port N] [--host 127.0.0.1] [--contacts 3000] [--latency 40] [--screenshot file.png]
  --port        code-server port (default: a free one)
  --host        address to bind (default 127.0.0.1)
  --contacts    contacts the API double generates (default 3000)
  --latency     ms the double adds to every response, to feel like a network (default 40)
  --screenshot  open the demo in headless Chromium, save a PNG of the workbench, and exit`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			host: { type: 'string', default: '127.0.0.1' },
			contacts: { type: 'string', default: '3000' },
			latency: { type: 'string', default: '40' },
			screenshot: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	ensureSystemPackages();
	const install = ensureCodeServer();
	const token = 'demo';
	const double = await startApiDouble({ contacts: Number(values.contacts), token, port: 0, latencyMs: Number(values.latency) });
	say(`Periskope API double: ${double.url} (token "${token}", ${double.contacts.length} contacts)`);

	const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-demo-'));
	fs.writeFileSync(
		path.join(workspace, 'bot.ts'),
		'// Select a contact in the Periskope view, then "Insert Contact ID" (Ctrl+Enter in the view) to put its id here.\nexport const supportContactId = "";\n',
	);
	const server = await startCodeServer(install, {
		port: values.port ? Number(values.port) : undefined,
		host: values.host,
		logFile: path.join(REPO_ROOT, 'test-results', 'demo-code-server.log'),
		userSettings: { 'periskope.apiBaseUrl': double.url },
		// The demo opens a folder it has just written itself: a trust prompt on it would only be in
		// the way (and over the --screenshot picture). The integration run has trust on.
		workspaceTrust: false,
		// code-server keeps web secrets in memory only; the extension seeds its SecretStorage
		// from this in development mode, so every page load starts signed in.
		env: { PERISKOPE_DEMO_TOKEN: token },
	});
	const url = workbenchUrl(server, workspace, { extensionDevelopmentPath: REPO_ROOT, skipWelcome: 'true' });

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		await server.stop().catch(() => undefined);
		await double.close().catch(() => undefined);
		fs.rmSync(workspace, { recursive: true, force: true });
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	if (values.screenshot) {
		await screenshotDemo(url, path.resolve(values.screenshot));
		await stop(0);
		return;
	}
	console.log('\nPeriskope Contacts demo is running. Open this URL in a browser:\n');
	console.log(`  ${url}\n`);
	console.log('Then click the Periskope icon (magnifier with a person) in the activity bar. Ctrl+C stops everything.');
}

/** Loads the demo like a newcomer would, opens the Periskope view, expands a group, and saves a PNG. */
async function screenshotDemo(url: string, file: string): Promise<void> {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-demo-chromium-'));
	const context = await launchChromium(profile);
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(url);
		const icon = page.locator('.activitybar [aria-label^="Periskope"]').first();
		await icon.waitFor({ timeout: 60_000 });
		await icon.click();
		const firstGroup = page.locator('[id="workbench.view.extension.periskope"] .monaco-list-row').first();
		await firstGroup.waitFor({ timeout: 30_000 });
		await firstGroup.click();
		await sleep(1500);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await page.screenshot({ path: file });
		say(`screenshot ${file}`);
	} finally {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(`[demo] ${e instanceof Error ? e.message : e}`);
	process.exit(1);
});
