// Child process of the benchmark: loads the extension bundle in a fresh Node process (so a
// fresh module cache), with a stub `vscode` module and no token, runs `activate`, and prints
// one JSON line: how long `require` and `activate` took, which host APIs were called, and
// how many network requests were attempted (there must be none).
//   node out/test/bench/activationProbe.js <bundle.js> <extension root>
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { countNetwork, createContext, createVscodeStub, HostRecorder, installVscodeModule } from './vscodeStub';

async function main(): Promise<void> {
	const [bundle, root] = process.argv.slice(2);
	if (!bundle || !root) throw new Error('usage: activationProbe <bundle.js> <extension root>');
	const recorder: HostRecorder = { calls: [], missing: [] };
	const network = countNetwork();
	installVscodeModule(createVscodeStub(recorder));
	const packageJSON = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as unknown;
	const context = createContext(recorder, root, packageJSON);

	const t0 = performance.now();
	const extension = createRequire(__filename)(path.resolve(bundle)) as { activate(ctx: unknown): Promise<unknown>; deactivate?(): void };
	const t1 = performance.now();
	let error: string | undefined;
	try {
		await extension.activate(context);
	} catch (e) {
		error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
	}
	const t2 = performance.now();
	// Anything activate started in the background (timers, promises) gets a moment to reach the network.
	await new Promise((resolve) => setTimeout(resolve, 150));
	const callsAtActivate = recorder.calls.length;
	for (const d of (context.subscriptions as { dispose(): unknown }[]).splice(0)) d.dispose();
	extension.deactivate?.();

	const counted: Record<string, number> = {};
	for (const c of recorder.calls.slice(0, callsAtActivate)) counted[c] = (counted[c] ?? 0) + 1;
	process.stdout.write(
		JSON.stringify({
			requireMs: t1 - t0,
			activateMs: t2 - t1,
			totalMs: t2 - t0,
			error,
			network: { ...network, total: network.fetch + network.httpRequest + network.socketConnect },
			hostCalls: callsAtActivate,
			calls: counted,
			missing: [...new Set(recorder.missing)],
		}) + '\n',
	);
}

main().then(
	() => process.exit(0),
	(e: unknown) => {
		process.stdout.write(JSON.stringify({ error: String(e instanceof Error ? e.stack : e) }) + '\n');
		process.exit(1);
	},
);
