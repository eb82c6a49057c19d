// Bundles the extension (dist/extension.js), the webview script (media/build/panel.js)
// and, with --tests, the test files, API double, runners and benchmark (out/**).
// Types are checked separately by `tsc --noEmit` (npm run check-types).
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
		entryPoints: ['src/webview/panel.ts'],
		outfile: 'media/build/panel.js',
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
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron', '@periskope/periskope-client'],
	});
}

async function main() {
	const contexts = await Promise.all(builds.filter((b) => b.entryPoints.every((e) => fs.existsSync(e)) && b.entryPoints.length).map((b) => esbuild.context(b)));
	if (watch) {
		await Promise.all(contexts.map((c) => c.watch()));
		return;
	}
	await Promise.all(contexts.map((c) => c.rebuild()));
	await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
