// The ways of loading every contact that the load rows compare. Each returns the rows it loaded;
// the caller times it and counts requests on the double. The floors do the same kind of work as
// ours: the same pages (an empty page confirms a full last page, as our walk does), and the
// parallel floor keeps as many requests in flight as ours can (4).
import fetch from 'node-fetch';
import { PeriskopeClient } from '../../src/api/client';
import { ContactsLoader } from '../../src/contacts/loader';
import { ContactStore, type ContactStoreOptions } from '../../src/contacts/store';

export interface Endpoint {
	url: string;
	token: string;
}

/** One page with node-fetch and JSON.parse, nothing else. */
async function page(d: Endpoint, offset: number, limit: number): Promise<{ contacts: unknown[]; count: number }> {
	const response = await fetch(`${d.url}/contacts?offset=${offset}&limit=${limit}`, { headers: { authorization: `Bearer ${d.token}` } });
	return JSON.parse(await response.text()) as { contacts: unknown[]; count: number };
}

/** The offsets after page one that ours asks for: planned from the count, plus one empty page when the last one is full. */
function plannedOffsets(count: number, limit: number): number[] {
	const offsets: number[] = [];
	for (let offset = limit; offset < count; offset += limit) offsets.push(offset);
	if (count % limit === 0) offsets.push(count);
	return offsets;
}

/** The sequential floor: one page at a time. `keep` keeps every parsed contact, as any store must. */
export async function floorSequential(d: Endpoint, limit: number, keep = false): Promise<number> {
	const kept: unknown[] = [];
	const first = await page(d, 0, limit);
	let rows = first.contacts.length;
	if (keep) kept.push(...first.contacts);
	for (const offset of plannedOffsets(first.count, limit)) {
		const body = await page(d, offset, limit);
		rows += body.contacts.length;
		if (keep) for (const c of body.contacts) kept.push(c);
	}
	return rows;
}

/** The parallel floor: page one, then the planned pages with `inFlight` requests at a time. */
export async function floorParallel(d: Endpoint, limit: number, inFlight = 4, keep = false): Promise<number> {
	const first = await page(d, 0, limit);
	const offsets = plannedOffsets(first.count, limit);
	const pages: unknown[][] = new Array(offsets.length);
	let next = 0;
	const worker = async () => {
		while (next < offsets.length) {
			const i = next++;
			pages[i] = (await page(d, offsets[i], limit)).contacts;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, worker));
	const kept: unknown[] = keep ? [...first.contacts] : [];
	let rows = first.contacts.length;
	for (const p of pages) {
		rows += p.length;
		if (keep) for (const c of p) kept.push(c);
	}
	return rows;
}

/**
 * Ours, as "Load all" runs in the extension: PeriskopeClient + ContactPager (in ContactsLoader,
 * 2 to 4 requests in flight) + ContactStore.ingest per page. `sequential` asks for one page at a
 * time, as the tree's "Load more" does.
 */
export async function ours(d: Endpoint, limit: number, sequential = false, storeOptions?: ContactStoreOptions): Promise<{ store: ContactStore; loader: ContactsLoader }> {
	const store = new ContactStore(storeOptions);
	const client = new PeriskopeClient({ baseUrl: d.url, getToken: () => d.token });
	const loader = new ContactsLoader(store, () => client, limit);
	if (sequential) {
		while (loader.hasMore) await loader.loadNextPage();
	} else {
		await loader.loadAll();
	}
	return { store, loader };
}

/** Wall time and this process's CPU time (user + system) of one run. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const value = await run();
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
