// The benchmark: `npm run bench` (node --expose-gc out/test/bench/bench.js).
// Everything runs in one process run against the API double on 127.0.0.1: for the load figures
// the double has a process of its own (a real API does not share the client's thread), the other
// sections use one inside this process. Also in child processes: the activation probe (fresh per
// run) and the packaging step (vsce in a scratch mirror, so dist/ of the checkout is never rewritten).
// Prints `name: value unit (target …) OK|MISS` per figure, writes bench-results.json, exits 0.
// BENCH_ONLY=load,memory,search,ingest,size,activation runs a subset; BENCH_ROUNDS=n sets the load rounds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import fetch from 'node-fetch';
import { PeriskopeClient } from '../../src/api/client';
import type { Contact } from '../../src/api/types';
import { parseContactPage } from '../../src/api/validate';
import { bareNumber } from '../../src/contacts/format';
import { ContactsLoader } from '../../src/contacts/loader';
import { SearchIndex } from '../../src/contacts/searchIndex';
import { ContactStore } from '../../src/contacts/store';
import { ContactFactory, mulberry32 } from '../double/generator';
import { ApiDouble, startApiDouble } from '../double/server';
import { startChildDouble } from './childDouble';
import { median, Report, spread, summarize } from './report';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TOTAL = 100_000;
const LIMIT = 2000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const INGEST_BASE = 98_000;
const INGEST_TRIALS = 40;
const INGEST_WARMUP = 3;
const SEARCH_QUERIES = 200;
const SEARCH_PASSES = 3;
const SEARCH_LIMIT = 50;
const ACTIVATION_RUNS = 7;
const MB = 1024 * 1024;

const loadInProcess = process.env.BENCH_DOUBLE === 'inprocess';
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const want = (section: string) => !only || only.includes(section);

const report = new Report();
const details: Record<string, unknown> = {};

// ---------------------------------------------------------------------------------------------
// helpers

const gc: () => void = (() => {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) return exposed;
	v8.setFlagsFromString('--expose-gc');
	return vm.runInNewContext('gc') as () => void;
})();

/** Two passes: the first may only schedule finalisation of what it found. */
function fullGc(): void {
	gc();
	gc();
}

/**
 * A full GC, then a pause so V8's background sweeping after it is finished before timing
 * starts: measured right after gc(), a 5 ms ingest shows up as 9, 13 or 17 ms (main thread
 * contending with the sweeper; --single-threaded-gc makes the steps vanish).
 */
async function settle(): Promise<void> {
	fullGc();
	await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Heap in use once garbage is gone: GC, let finalisers and timers run, GC again. */
async function heapUsed(): Promise<number> {
	await settle();
	await settle();
	return process.memoryUsage().heapUsed;
}

function nsToMs(ns: bigint): number {
	return Number(ns) / 1e6;
}

/** Runs a section; a failure becomes an n/a line instead of ending the benchmark. */
async function section(name: string, run: () => Promise<void> | void): Promise<void> {
	if (!want(name)) return;
	const started = performance.now();
	try {
		await run();
	} catch (e) {
		report.na(`${name}`, '', `section failed: ${e instanceof Error ? e.message : String(e)}`);
		details[`${name}.error`] = e instanceof Error ? e.stack : String(e);
	}
	details[`${name}.sectionSeconds`] = Math.round(performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------
// the three ways to load every contact

/** Where a load goes: the in-process double or the one in its own process. */
type Endpoint = Pick<ApiDouble, 'url' | 'token'>;

/** The floor: node-fetch and JSON.parse of each page, nothing else. */
async function loadFloor(double: Endpoint): Promise<number> {
	let rows = 0;
	for (let offset = 0; offset < TOTAL; offset += LIMIT) {
		const response = await fetch(`${double.url}/contacts?offset=${offset}&limit=${LIMIT}`, {
			headers: { authorization: `Bearer ${double.token}` },
		});
		const body = JSON.parse(await response.text()) as { contacts: unknown[] };
		rows += body.contacts.length;
	}
	return rows;
}

/** Raw parsed contacts of every page, kept (for the memory baseline). */
async function fetchRawContacts(double: Endpoint): Promise<unknown[]> {
	const all: unknown[] = [];
	for (let offset = 0; offset < TOTAL; offset += LIMIT) {
		const response = await fetch(`${double.url}/contacts?offset=${offset}&limit=${LIMIT}`, {
			headers: { authorization: `Bearer ${double.token}` },
		});
		const body = JSON.parse(await response.text()) as { contacts: unknown[] };
		for (const c of body.contacts) all.push(c);
	}
	return all;
}

/** The part of the official SDK this benchmark uses (it is loaded at run time, not bundled). */
interface Sdk {
	contact: {
		getAll(query: { offset: number; limit: number }): Promise<{
			data?: { contacts?: unknown[]; count?: number };
			error: Error | null;
			status: number;
		}>;
	};
	apiClient: { use(middleware: { onRequest(arg: { request: Request }): Request | undefined }): void };
	disconnect(): void;
}
type SdkConstructor = new (options: { authToken: string; phone: string; env?: 'main' | 'development' | 'local' }) => Sdk;

/** What `env: 'local'` targets; the double listens elsewhere (127.0.0.1, a free port). */
const SDK_LOCAL_BASE = 'http://localhost:8080/v1';

/**
 * The SDK with env 'local', its requests redirected to the double by an openapi-fetch
 * middleware (its own extension point; the SDK's code is untouched). The middleware refuses
 * any other URL, and the SocketService is never connected, so nothing leaves the machine.
 */
function createSdk(double: Endpoint): Sdk {
	// Loaded from node_modules when the benchmark needs it, typed by the narrow `Sdk` above.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { PeriskopeApi } = require('@periskope/periskope-client') as { PeriskopeApi: SdkConstructor };
	const sdk = new PeriskopeApi({ authToken: double.token, phone: '919537851844', env: 'local' });
	sdk.apiClient.use({
		onRequest({ request }) {
			if (!request.url.startsWith(SDK_LOCAL_BASE)) throw new Error(`SDK tried to reach ${request.url}`);
			return new Request(double.url + request.url.slice(SDK_LOCAL_BASE.length), request);
		},
	});
	return sdk;
}

async function loadSdk(double: Endpoint): Promise<number> {
	const sdk = createSdk(double);
	try {
		let rows = 0;
		for (let offset = 0; ; offset += LIMIT) {
			const page = await sdk.contact.getAll({ offset, limit: LIMIT });
			const contacts = page.data?.contacts;
			if (page.error || !contacts) throw new Error(`SDK page at ${offset}: ${page.status} ${page.error?.message ?? ''}`);
			rows += contacts.length;
			if (contacts.length < LIMIT || offset + LIMIT >= (page.data?.count ?? Infinity)) break;
		}
		return rows;
	} finally {
		sdk.disconnect();
	}
}

/**
 * Ours, as the extension runs "Load all": PeriskopeClient + ContactPager (in ContactsLoader) +
 * ContactStore.ingest per page, reading one page ahead. `sequential` asks for one page at a time,
 * as the tree's "load more" does: the same work without the overlap, for comparison.
 */
async function loadOurs(double: Endpoint, sequential = false): Promise<{ store: ContactStore; loader: ContactsLoader }> {
	const store = new ContactStore();
	const client = new PeriskopeClient({ baseUrl: double.url, getToken: () => double.token });
	const loader = new ContactsLoader(store, () => client, LIMIT);
	if (sequential) {
		while (loader.hasMore) await loader.loadNextPage();
	} else {
		await loader.loadAll();
	}
	return { store, loader };
}

/** Every way of loading, interleaved and repeated against one double; adds the load figures. */
async function measureLoad(d: Endpoint, requestCount: () => Promise<number>, doubleKind: string): Promise<void> {
	const ways: [string, () => Promise<number>][] = [
		['floor', () => loadFloor(d)],
		// The floor that also keeps every parsed contact, as any store must: the part of
		// "ours" that no store code can remove (promoting 100k objects out of the young generation).
		['floorKeep', async () => (await fetchRawContacts(d)).length],
		['sdk', () => loadSdk(d)],
		['ours', async () => (await loadOurs(d)).store.size],
		['oursSequential', async () => (await loadOurs(d, true)).store.size],
	];
	const samples: Record<string, number[]> = { floor: [], floorKeep: [], sdk: [], ours: [], oursSequential: [] };
	const runOnce = async (name: string, run: () => Promise<number>) => {
		const requestsBefore = await requestCount();
		await settle();
		const t0 = performance.now();
		const rows = await run();
		const ms = performance.now() - t0;
		const requests = (await requestCount()) - requestsBefore;
		if (rows !== TOTAL || requests !== TOTAL / LIMIT) throw new Error(`${name} loaded ${rows} contacts in ${requests} requests`);
		return ms;
	};
	for (const [name, run] of ways) await runOnce(name, run); // warm-up: double, JIT, keep-alive sockets
	for (let round = 0; round < ROUNDS; round++) {
		for (let i = 0; i < ways.length; i++) {
			const [name, run] = ways[(i + round) % ways.length]; // rotate the order every round
			samples[name].push(await runOnce(name, run));
		}
	}
	const s = {
		floor: summarize(samples.floor),
		floorKeep: summarize(samples.floorKeep),
		sdk: summarize(samples.sdk),
		ours: summarize(samples.ours),
		oursSequential: summarize(samples.oursSequential),
	};
	report.add('load.floor (node-fetch + JSON.parse, 50 pages)', s.floor.median, 'ms', { note: spread(s.floor) });
	report.add('load.floorKeep (floor, keeping every contact)', s.floorKeep.median, 'ms', { note: `${(s.floorKeep.median / s.floor.median).toFixed(2)}× floor; ${spread(s.floorKeep)}` });
	report.add('load.sdk (@periskope/periskope-client contact.getAll)', s.sdk.median, 'ms', { note: spread(s.sdk) });
	report.add('load.ours (client + pager + store.ingest, reading one page ahead)', s.ours.median, 'ms', { note: spread(s.ours) });
	report.add('load.oursSequential (the same, one page at a time)', s.oursSequential.median, 'ms', { note: spread(s.oursSequential) });
	const perRound = (a: number[], b: number[]) => a.map((x, i) => x / b[i]);
	const ratioNote = (r: number[]) => `per round ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}`;
	const oursFloor = perRound(samples.ours, samples.floor);
	const oursSdk = perRound(samples.ours, samples.sdk);
	report.add('load.ours/floor', s.ours.median / s.floor.median, '×', { target: { op: '<=', value: 1.3 }, note: ratioNote(oursFloor) });
	report.add('load.ours/sdk', s.ours.median / s.sdk.median, '×', { target: { op: '<=', value: 1.0 }, note: ratioNote(oursSdk) });
	// What the store itself costs: ours against the floor that also keeps what it parsed.
	report.add('load.ours/floorKeep', s.ours.median / s.floorKeep.median, '×', { note: ratioNote(perRound(samples.ours, samples.floorKeep)) });
	// Without the read-ahead: what the client, pager and store cost on top of the floor.
	report.add('load.oursSequential/floor', s.oursSequential.median / s.floor.median, '×', { note: ratioNote(perRound(samples.oursSequential, samples.floor)) });
	report.add('load.oursSequential/sdk', s.oursSequential.median / s.sdk.median, '×', { note: ratioNote(perRound(samples.oursSequential, samples.sdk)) });
	details.load = { rounds: ROUNDS, pageLimit: LIMIT, contacts: TOTAL, double: doubleKind, samplesMs: samples, summary: s };
}

// ---------------------------------------------------------------------------------------------
// search queries, taken from the data

interface Query {
	kind: 'prefix' | 'infix' | 'number' | 'label';
	text: string;
}

function makeQueries(contacts: readonly Contact[], count: number, seed: number): Query[] {
	const rng = mulberry32(seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
	const named = contacts.filter((c) => (c.contact_name?.trim().length ?? 0) >= 2);
	const longNamed = named.filter((c) => Array.from(c.contact_name!.trim()).length >= 6);
	const labelled = contacts.filter((c) => c.labels.length > 0);
	const per = Math.ceil(count / 4);
	const queries: Query[] = [];
	while (queries.length < per) {
		const chars = Array.from(pick(named).contact_name!.trim());
		const text = chars.slice(0, 2 + Math.floor(rng() * 4)).join('');
		if (text.trim().length >= 2) queries.push({ kind: 'prefix', text });
	}
	while (queries.length < 2 * per) {
		const chars = Array.from(pick(longNamed).contact_name!.trim());
		const length = 3 + Math.floor(rng() * 2);
		const start = 1 + Math.floor(rng() * (chars.length - length - 1));
		const text = chars.slice(start, start + length).join('');
		if (text.trim().length >= 3) queries.push({ kind: 'infix', text });
	}
	while (queries.length < 3 * per) {
		const digits = bareNumber(pick(contacts).contact_id);
		const length = 4 + Math.floor(rng() * 4);
		const start = Math.floor(rng() * (digits.length - length + 1));
		queries.push({ kind: 'number', text: digits.slice(start, start + length) });
	}
	while (queries.length < count) {
		const label = pick(pick(labelled).labels);
		const text = rng() < 0.5 ? label : label.slice(0, Math.min(label.length, 3 + Math.floor(rng() * 3)));
		queries.push({ kind: 'label', text });
	}
	// Interleave the kinds (seeded Fisher-Yates).
	for (let i = queries.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[queries[i], queries[j]] = [queries[j], queries[i]];
	}
	return queries.slice(0, count);
}

/** The plain scan: lowercase substring over name + number + labels of every contact, all matches, then the first `limit`. */
class SubstringScan {
	private readonly haystacks: string[];

	constructor(private readonly contacts: readonly Contact[]) {
		this.haystacks = contacts.map((c) => [c.contact_name ?? '', bareNumber(c.contact_id), ...c.labels].join('\n').toLowerCase());
	}

	search(query: string, limit: number): Contact[] {
		const needle = query.toLowerCase();
		const out: Contact[] = [];
		for (let i = 0; i < this.haystacks.length; i++) {
			if (this.haystacks[i].includes(needle)) out.push(this.contacts[i]);
		}
		return out.slice(0, limit);
	}
}

// ---------------------------------------------------------------------------------------------
// packaging in a scratch mirror of the repo

const MIRROR_LINKS = ['src', 'node_modules', 'tsconfig.json'];
const MIRROR_COPIES = ['package.json', 'esbuild.js', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE'];

/** A temp dir that looks like the repo to esbuild.js and vsce; its dist/ is its own. */
function createMirror(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-bench-'));
	for (const name of MIRROR_LINKS) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
	for (const name of MIRROR_COPIES) {
		if (fs.existsSync(path.join(ROOT, name))) fs.copyFileSync(path.join(ROOT, name), path.join(dir, name));
	}
	const built = path.join(ROOT, 'media', 'build');
	fs.cpSync(path.join(ROOT, 'media'), path.join(dir, 'media'), { recursive: true, filter: (src) => src !== built });
	return dir;
}

function removeMirror(dir: string): void {
	// Unlink the symlinks first, so nothing can ever recurse into the real tree.
	for (const name of MIRROR_LINKS) fs.rmSync(path.join(dir, name), { force: true });
	fs.rmSync(dir, { recursive: true, force: true });
}

function lastLines(text: string | null | undefined, n = 6): string {
	// eslint-disable-next-line no-control-regex
	return (text ?? '').replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(-n).join(' | ');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const startedAt = new Date();
	const cpus = os.cpus();
	const machine = {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
	};
	console.log(`# periskope-contacts bench, ${startedAt.toISOString()}, ${machine.cpu} ×${machine.cores}, ${machine.memoryGB} GB, node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);

	// The load figures use a double of their own, in its own process, unless BENCH_DOUBLE=inprocess.
	const needsDouble = (want('load') && loadInProcess) || want('memory') || want('search') || want('ingest');
	const double = needsDouble ? await startApiDouble({ contacts: TOTAL, seed: 1, token: 'bench-token', port: 0 }) : undefined;
	let loaded: { store: ContactStore; loader: ContactsLoader } | undefined;

	try {
		// 1. Full load: the floor, the floor keeping the contacts, the SDK and ours, interleaved.
		await section('load', async () => {
			// The double in its own process, as the real API is on its own machine: the pages it
			// builds do not queue behind the client's work. BENCH_DOUBLE=inprocess for the old way.
			const child = loadInProcess ? undefined : await startChildDouble({ contacts: TOTAL, seed: 1, token: 'bench-token' });
			try {
				if (child) await measureLoad(child, () => child.requestCount(), 'child process');
				else await measureLoad(double!, async () => double!.requests.length, 'in-process');
			} finally {
				await child?.close();
			}
		});

		// 4. Memory (before search and ingest, on a quiet heap).
		await section('memory', async () => {
			const d = double!;
			// Retained data lives only in `held` (or `loaded`): a value that is merely the result of an
			// `await` in this function can stay referenced from the suspended frame and skew the deltas.
			const held: { raw?: unknown[]; index?: SearchIndex } = {};
			const retained = async (make: () => Promise<void>): Promise<number> => {
				const before = await heapUsed();
				await make();
				return (await heapUsed()) - before;
			};
			// The double's generated strings are ropes until first serialised (V8 flattens them in
			// place then, allocating ~20 MB): serialise every page once before measuring anything.
			await fetchRawContacts(d).then(() => undefined);
			const rawBytes = await retained(async () => {
				held.raw = await fetchRawContacts(d);
			});
			const rawCount = held.raw?.length;
			held.raw = undefined;
			const storeBytes = await retained(async () => {
				loaded = await loadOurs(d);
				// One search, so an index built on first use is counted like an eager one.
				loaded.store.search('a', 1);
			});
			const store = loaded!.store;
			if (store.size !== TOTAL || rawCount !== TOTAL) throw new Error(`loaded ${store.size} / raw ${rawCount}`);
			// The search index alone, for the breakdown (same contacts, built by a first search).
			const indexBytes = await retained(async () => {
				const all = store.first(TOTAL);
				held.index = new SearchIndex();
				for (let i = 0; i < all.length; i += LIMIT) held.index.add(all.slice(i, i + LIMIT));
				held.index.search('a', 1);
			});
			held.index = undefined;
			report.add('memory.loaded (store + loader, 100k contacts)', storeBytes / MB, 'MB', { target: { op: '<=', value: 40 } });
			report.add('memory.raw (the parsed API rows alone)', rawBytes / MB, 'MB');
			report.add('memory.loaded − raw', (storeBytes - rawBytes) / MB, 'MB', {
				note: `${storeBytes < rawBytes ? 'the store keeps less than the parsed rows' : "the store's own overhead"}; its search index alone ${(indexBytes / MB).toFixed(1)} MB`,
			});
			details.memory = { storeBytes, rawBytes, overheadBytes: storeBytes - rawBytes, searchIndexBytes: indexBytes };
		});

		// 3. Search over 100,000 contacts.
		await section('search', async () => {
			const d = double!;
			// A fresh load, so the first search sees the store as "Load all" leaves it (an index
			// built lazily would be built here: the figure shows what that first search costs).
			loaded = undefined;
			loaded = await loadOurs(d);
			const store = loaded.store;
			await settle();
			const firstStarted = process.hrtime.bigint();
			store.search('ma', SEARCH_LIMIT);
			const firstMs = nsToMs(process.hrtime.bigint() - firstStarted);
			const contacts = store.first(store.size);
			const queries = makeQueries(contacts, SEARCH_QUERIES, 4242);
			const scan = new SubstringScan(contacts);
			const indexMs: number[][] = queries.map(() => []);
			const scanMs: number[][] = queries.map(() => []);
			const hits = { index: 0, scan: 0, indexUnderLimit: 0 };
			for (const q of queries) {
				store.search(q.text, SEARCH_LIMIT);
				scan.search(q.text, SEARCH_LIMIT);
			}
			await settle();
			for (let pass = 0; pass < SEARCH_PASSES; pass++) {
				queries.forEach((q, i) => {
					const t0 = process.hrtime.bigint();
					const a = store.search(q.text, SEARCH_LIMIT);
					const t1 = process.hrtime.bigint();
					const b = scan.search(q.text, SEARCH_LIMIT);
					const t2 = process.hrtime.bigint();
					indexMs[i].push(nsToMs(t1 - t0));
					scanMs[i].push(nsToMs(t2 - t1));
					if (pass === 0) {
						hits.index += a.length;
						hits.scan += b.length;
						if (a.length < SEARCH_LIMIT) hits.indexUnderLimit++;
					}
				});
			}
			// Per query, the median of its passes: steadier on a shared machine, still one figure per query.
			const perQueryIndex = indexMs.map((m) => median(m));
			const perQueryScan = scanMs.map((m) => median(m));
			const si = summarize(perQueryIndex);
			const ss = summarize(perQueryScan);
			report.add('search.first (first query after loading 100k)', firstMs, 'ms', { digits: 3 });
			report.add('search.p50 (store.search, limit 50)', si.median, 'ms', { digits: 3 });
			report.add('search.p95', si.p95, 'ms', { digits: 3, target: { op: '<=', value: 5 } });
			report.add('search.scan.p50 (lowercase substring scan)', ss.median, 'ms', { digits: 3 });
			report.add('search.scan.p95', ss.p95, 'ms', { digits: 3 });
			report.add('search.speedup p50 (scan/index)', ss.median / si.median, '×');
			report.add('search.speedup p95 (scan/index)', ss.p95 / si.p95, '×');
			const byKind: Record<string, { p50: number; p95: number; max: number }> = {};
			for (const kind of ['prefix', 'infix', 'number', 'label']) {
				const k = summarize(perQueryIndex.filter((_, i) => queries[i].kind === kind));
				byKind[kind] = { p50: k.median, p95: k.p95, max: k.max };
			}
			const slowest = perQueryIndex
				.map((ms, i) => ({ ms, query: queries[i].text, kind: queries[i].kind }))
				.sort((a, b) => b.ms - a.ms)
				.slice(0, 10);
			details.search = { firstMs, queries: queries.length, passes: SEARCH_PASSES, index: si, scan: ss, byKind, hits, slowest };
		});

		// 2. Ingest + regroup of one fresh 2,000-contact page into a store holding 98,000.
		await section('ingest', async () => {
			const d = double!;
			loaded = undefined; // let the big store go before building many smaller ones
			const toParsed = (contacts: Contact[]) => parseContactPage(JSON.parse(JSON.stringify({ contacts, count: TOTAL }))).contacts;
			const basePages: Contact[][] = [];
			for (let offset = 0; offset < INGEST_BASE; offset += LIMIT) basePages.push(toParsed(d.contacts.slice(offset, offset + LIMIT)));
			const factory = new ContactFactory(7_777, new Set(d.contacts.map((c) => c.contact_id)));
			let time = Date.UTC(2024, 0, 1) * 1000;
			const freshPage = () => {
				const page: Contact[] = [];
				for (let i = 0; i < LIMIT; i++) {
					page.push(factory.make(time));
					time -= 1_000_000;
				}
				return toParsed(page);
			};
			const samples: number[] = [];
			for (let trial = 0; trial < INGEST_WARMUP + INGEST_TRIALS; trial++) {
				let store: ContactStore | undefined = new ContactStore();
				for (const page of basePages) store.ingest(page);
				const page = freshPage();
				await settle();
				const t0 = process.hrtime.bigint();
				const change = store.ingest(page);
				store.groups('type');
				store.groups('label');
				const t1 = process.hrtime.bigint();
				if (change.added !== LIMIT || store.size !== INGEST_BASE + LIMIT) throw new Error(`ingest added ${change.added}, size ${store.size}`);
				if (trial >= INGEST_WARMUP) samples.push(nsToMs(t1 - t0));
				// Let go of this trial's store before the next one builds its own 98,000.
				// eslint-disable-next-line no-useless-assignment
				store = undefined;
			}
			const s = summarize(samples);
			report.add('ingest.median (2,000 new into 98,000, + groups())', s.median, 'ms', { target: { op: '<=', value: 10 } });
			report.add('ingest.p95', s.p95, 'ms', { target: { op: '<=', value: 10 }, note: spread(s) });
			details.ingest = { base: INGEST_BASE, page: LIMIT, trials: INGEST_TRIALS, samplesMs: samples, summary: s };
		});
	} finally {
		await double?.close();
	}

	// 5 and 6 share one packaged build.
	let mirror: string | undefined;
	try {
		await section('size', () => {
			mirror = createMirror();
			const vsix = path.join(mirror, 'bench.vsix');
			const t0 = performance.now();
			// vsce runs vscode:prepublish (check-types, esbuild --production) in the mirror, then packs.
			const vsce = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], {
				cwd: mirror,
				encoding: 'utf8',
				timeout: 150_000,
			});
			const vsceMs = performance.now() - t0;
			let vsceError: string | undefined;
			if (vsce.status !== 0 || !fs.existsSync(vsix)) {
				vsceError = `vsce failed (${vsce.error?.message ?? `exit ${vsce.status}`}): ${lastLines(vsce.stderr || vsce.stdout)}`;
				// Still measure the bundle: build it the way prepublish would.
				const build = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: mirror, encoding: 'utf8', timeout: 60_000 });
				if (build.status !== 0) throw new Error(`esbuild --production failed: ${lastLines(build.stderr)}`);
			}
			const bundle = path.join(mirror, 'dist', 'extension.js');
			const bundleBytes = fs.statSync(bundle).size;
			report.add('size.bundle (dist/extension.js, minified)', bundleBytes / 1024, 'KB', { digits: 1, target: { op: '<=', value: 150 } });
			if (vsceError) {
				report.na('size.vsix', 'KB', vsceError, { op: '<=', value: 500 });
			} else {
				report.add('size.vsix', fs.statSync(vsix).size / 1024, 'KB', { digits: 1, target: { op: '<=', value: 500 } });
			}
			details.size = {
				bundleBytes,
				vsixBytes: vsceError ? null : fs.statSync(vsix).size,
				vsceSeconds: Math.round(vsceMs) / 1000,
				vsceError,
				vsceOutput: lastLines(vsce.stdout, 30),
			};
		});

		await section('activation', () => {
			if (!mirror || !fs.existsSync(path.join(mirror, 'dist', 'extension.js'))) {
				mirror ??= createMirror();
				const build = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: mirror, encoding: 'utf8', timeout: 60_000 });
				if (build.status !== 0) throw new Error(`esbuild --production failed: ${lastLines(build.stderr)}`);
			}
			const bundle = path.join(mirror, 'dist', 'extension.js');
			const probe = path.join(__dirname, 'activationProbe.js');
			const env = { ...process.env };
			delete env.PERISKOPE_DEMO_TOKEN;
			const runs: { requireMs: number; activateMs: number; totalMs: number; error?: string; network: { total: number; urls: string[] }; hostCalls: number; calls: Record<string, number>; missing: string[] }[] = [];
			for (let i = 0; i < ACTIVATION_RUNS; i++) {
				const child = spawnSync(process.execPath, [probe, bundle, mirror], { encoding: 'utf8', env, timeout: 30_000 });
				const line = child.stdout.trim().split('\n').pop() ?? '';
				let result: (typeof runs)[number];
				try {
					result = JSON.parse(line) as (typeof runs)[number];
				} catch {
					throw new Error(`probe printed no result (exit ${child.status}): ${lastLines(child.stderr)}`);
				}
				if (result.error) throw new Error(`activate failed: ${result.error.split('\n')[0]}`);
				runs.push(result);
			}
			const total = summarize(runs.map((r) => r.totalMs));
			const req = summarize(runs.map((r) => r.requireMs));
			const act = summarize(runs.map((r) => r.activateMs));
			const network = runs.reduce((n, r) => n + r.network.total, 0);
			report.add('activation (require + activate, no token, production bundle)', total.median, 'ms', {
				note: `require ${req.median.toFixed(1)} ms + activate ${act.median.toFixed(1)} ms; ${spread(total)}`,
			});
			report.add('activation.networkCalls (fetch, http.request, socket connects)', network, 'calls', { digits: 0, target: { op: '=', value: 0 }, note: `over ${runs.length} runs` });
			details.activation = {
				runs: runs.length,
				totalMs: total,
				requireMs: req,
				activateMs: act,
				networkRequests: network,
				networkUrls: runs.flatMap((r) => r.network.urls),
				hostCalls: runs[0]?.calls,
				missingHostApis: runs[0]?.missing,
			};
			if (runs[0]?.missing.length) console.log(`# activation touched host APIs the stub lacks: ${runs[0].missing.join(', ')}`);
		});
	} finally {
		if (mirror) removeMirror(mirror);
	}

	const results = {
		date: startedAt.toISOString(),
		durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
		machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
		figures: report.figures,
		details,
	};
	fs.writeFileSync(path.join(ROOT, 'bench-results.json'), JSON.stringify(results, null, '\t') + '\n');
	const missed = report.figures.filter((f) => f.ok === false).map((f) => f.name);
	console.log(`# ${report.figures.filter((f) => f.ok !== undefined).length - missed.length} targets met, ${missed.length} missed${missed.length ? `: ${missed.join(', ')}` : ''}; ${results.durationSeconds} s; bench-results.json written`);
}

main().then(
	() => process.exit(0),
	(e: unknown) => {
		console.error(e);
		// A benchmark reports; it does not gate.
		process.exit(0);
	},
);
