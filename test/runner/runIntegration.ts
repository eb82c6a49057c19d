// `npm run test:integration`: runs the integration suite in a real VS Code through the runner
// that fits this machine, as a child process, and exits with its code:
//   Linux           code-server driven by headless Chromium (runCodeServer.ts): needs no download
//                   from Microsoft, as on CI; installs code-server and Debian packages on first use.
//   macOS, Windows  @vscode/test-electron (runElectron.ts): downloads VS Code on first use.
// PERISKOPE_IT_RUNNER=code-server or PERISKOPE_IT_RUNNER=electron picks one on any platform.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type Runner = 'code-server' | 'electron';

const SCRIPTS: Record<Runner, string> = { 'code-server': 'runCodeServer.js', electron: 'runElectron.js' };
const NAMES: Record<Runner, string> = { 'code-server': 'code-server', electron: '@vscode/test-electron' };

/** Which runner, and why, from the environment and the platform. Throws on an unknown PERISKOPE_IT_RUNNER. */
export function pickRunner(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): { runner: Runner; why: string } {
	const asked = env.PERISKOPE_IT_RUNNER?.trim();
	if (asked === 'code-server' || asked === 'electron') return { runner: asked, why: `PERISKOPE_IT_RUNNER=${asked}` };
	if (asked) throw new Error(`PERISKOPE_IT_RUNNER=${asked} is not a runner: use code-server or electron`);
	if (platform === 'linux') return { runner: 'code-server', why: 'this is Linux (PERISKOPE_IT_RUNNER=electron picks @vscode/test-electron)' };
	return { runner: 'electron', why: `this is ${platform} and the code-server runner needs Linux (PERISKOPE_IT_RUNNER=code-server to try it anyway)` };
}

function main(): void {
	let choice: ReturnType<typeof pickRunner>;
	try {
		choice = pickRunner(process.env, process.platform);
	} catch (e) {
		console.error(`[runner] ${e instanceof Error ? e.message : e}`);
		process.exit(2);
	}
	const root = path.resolve(__dirname, '../../..');
	for (const [file, build] of [['dist/extension.js', 'npm run compile'], ['out/test/integration/index.js', 'node esbuild.js --tests']]) {
		if (!fs.existsSync(path.join(root, file))) {
			console.error(`[runner] ${file} is missing: run "${build}" first`);
			process.exit(1);
		}
	}
	console.log(`[runner] running the integration suite through ${NAMES[choice.runner]}: ${choice.why}`);
	const child = spawn(process.execPath, [path.join(__dirname, SCRIPTS[choice.runner])], { stdio: 'inherit' });
	// A signal sent to this process alone is passed on; this one exits when the runner does.
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) main();
