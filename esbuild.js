// Bundles the extension (dist/extension.js), the webview script (media/build/panel.js)
// and, with --tests, the test files, API double, runners and benchmark (out/**).
// Types are checked separately by `tsc -b` over the projects in tsconfig.json (npm run
// check-types); with --watch, this script runs `tsc -b --watch` alongside the bundler.
const { spawn } = require('child_process');
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints errors in the shape the $esbuild-watch problem matcher understands. */
const problemMatcherPlugin = {
	name: 'esbuild-problem-matcher',
	setup(build) {
		build.onStart(() => console.log('[watch] build started'));
		build.onEnd((result) => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
			}
			console.log('[watch] build finished');
		});
	},
};

/** Every *.ts below dir, relative to the repo root. */
function tsFilesUnder(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { recursive: true })
		.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
		.map((f) => path.join(dir, f));
}

const common = {
	bundle: true,
	sourcemap: !production,
	sourcesContent: false,
	logLevel: 'warning',
	plugins: watch ? [problemMatcherPlugin] : [],
};

const builds = [
	{
		...common,
		entryPoints: ['src/extension.ts'],
		outfile: 'dist/extension.js',
		// Each build names its project: the nearest tsconfig.json is the solution file, which has no options.
		tsconfig: 'tsconfig.extension.json',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		minify: production,
		// fetch-blob (under node-fetch) loads a streams polyfill only when the runtime has no
		// ReadableStream; VS Code >= 1.100 runs Node 20+, which has one: keep 60 KB out of the bundle.
		external: ['vscode', 'web-streams-polyfill', 'web-streams-polyfill/*'],
	},
	{
		...common,
		entryPoints: ['src/detailPanel/page.ts'],
		outfile: 'media/build/panel.js',
		tsconfig: 'tsconfig.webview.json',
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
		minify: production,
	},
];

if (tests) {
	// Test code runs in Node (mocha, the double, runners) or in the extension host
	// (integration suite). node-fetch is ESM-only, so it is bundled in; tools that are
	// loaded from node_modules at run time stay external.
	builds.push({
		...common,
		entryPoints: tsFilesUnder('test'),
		outdir: 'out/test',
		outbase: 'test',
		tsconfig: 'test/tsconfig.json',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron', '@periskope/periskope-client'],
	});
}

/** Every entry point must exist: a build that silently skipped one would ship without it. */
function checkEntryPoints() {
	const problems = [];
	for (const b of builds) {
		const target = b.outfile ?? `${b.outdir}/`;
		if (b.entryPoints.length === 0) problems.push(`no entry points for ${target} (no .ts file under test/?)`);
		for (const e of b.entryPoints) if (!fs.existsSync(e)) problems.push(`entry point ${e} (for ${target}) does not exist`);
	}
	if (problems.length === 0) return;
	for (const p of problems) console.error(`esbuild.js: ${p}`);
	console.error('esbuild.js: nothing was built; fix the entry points listed in esbuild.js, or restore the files.');
	process.exit(1);
}

/**
 * `tsc -b --watch` over the projects in tsconfig.json, in this terminal: its output is what the
 * $tsc-watch problem matcher expects (F5's "watch" task uses it next to $esbuild-watch).
 */
function watchTypes() {
	const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
	const child = spawn(process.execPath, [tsc, '-b', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' });
	child.on('exit', (code, signal) => {
		if (signal === 'SIGINT' || signal === 'SIGTERM') process.exit(0); // Ctrl+C reached both of us
		console.error(`esbuild.js: the type checker (tsc -b --watch) stopped (${signal ?? `exit code ${code}`}); stopping the watch.`);
		process.exit(1);
	});
	const stop = () => {
		child.removeAllListeners('exit');
		child.kill();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

async function main() {
	checkEntryPoints();
	const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
	if (watch) {
		await Promise.all(contexts.map((c) => c.watch()));
		watchTypes();
		return;
	}
	await Promise.all(contexts.map((c) => c.rebuild()));
	await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
