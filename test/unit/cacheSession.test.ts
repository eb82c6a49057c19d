// The persistent cache in a contacts session, against the API double and a real temp folder:
// a second session shows the saved contacts before any list request, revalidates them in place
// (edited ones update, deleted ones go, new ones join), keeps them through 429s, and never keeps
// contacts on disk for a signed-out user or shows another account's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBaseUrl } from '../../src/api/baseUrl';
import { accountKey, CacheFiles } from '../../src/contacts/cacheFiles';
import { ContactsSession, SessionSettings } from '../../src/contacts/session';
import type { StoreChange } from '../../src/contacts/store';
import { ApiDouble, startApiDouble } from '../double/server';

const TOKEN = 'cache-token';

describe('persistent cache in a session', () => {
	let double: ApiDouble;
	let dir: string;
	const sessions: ContactsSession[] = [];
	let logs: string[];

	const settings = (o: Partial<SessionSettings> = {}): SessionSettings => ({
		apiBase: parseBaseUrl(double.url),
		pageSize: 200,
		requestTimeoutMs: 30_000,
		cacheEnabled: true,
		cacheMaxAgeMs: 0,
		...o,
	});
	const newSession = (o: { token?: string; settings?: Partial<SessionSettings>; now?: () => number; files?: CacheFiles } = {}) => {
		const token = o.token ?? TOKEN;
		const session = new ContactsSession({
			settings: settings(o.settings),
			tokenFor: async () => token,
			userAgent: 'test',
			cache: { files: o.files ?? new CacheFiles(dir), currentToken: async () => token, log: (t) => logs.push(t), saveDelayMs: 5, saveMaxDelayMs: 50, now: o.now },
		});
		sessions.push(session);
		return session;
	};
	const listRequests = () => double.requests.filter((r) => r.path === '/v1/contacts').length;
	const cacheFiles = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cache')) : []);
	const waitForLog = (pattern: RegExp, from = 0) =>
		until(() => logs.slice(from).some((l) => pattern.test(l)), `a log line like ${pattern}; got:\n${logs.join('\n')}`);
	/** Loads the org in a first session and waits until it is saved. */
	const loadAndSave = async (count = 1000, sessionSettings: Partial<SessionSettings> = {}) => {
		const from = logs.length;
		const first = newSession({ settings: sessionSettings });
		first.setSignedIn(true);
		await first.loader.loadAll();
		await waitForLog(new RegExp(`^Saved ${count.toLocaleString('en-US')} contacts`), from);
		// Queued behind any save still under way: once it ran, this session touches the disk no more.
		await first.saveNow();
		first.dispose();
	};
	/** Waits until the loader has no cache left to revalidate (its walk ended). */
	const revalidated = (session: ContactsSession) => until(() => !session.loader.cache && session.loader.state.status === 'idle', 'the revalidation to end');

	beforeEach(async () => {
		double = await startApiDouble({ contacts: 1000, token: TOKEN, port: 0, seed: 11 });
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-session-cache-'));
		logs = [];
	});
	afterEach(async () => {
		for (const s of sessions.splice(0)) s.dispose();
		await double.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('a new session shows the saved contacts before any list request, then revalidates them in place', async () => {
		await loadAndSave();
		assert.equal(cacheFiles().length, 1);
		// On Periskope meanwhile: one contact renamed, one deleted, one new.
		const [edited, deleted] = [double.contacts[5]!, double.contacts[900]!];
		const oldName = edited.contact_name;
		edited.contact_name = 'Renamed While Away';
		edited.updated_at = new Date().toISOString();
		double.contacts.splice(900, 1);
		double.contacts.unshift({ ...double.contacts[10]!, contact_id: '15550001111@c.us', contact_name: 'New While Away', labels: [] });

		double.requests.length = 0;
		const second = newSession();
		second.setSignedIn(true);
		let listedBeforeShown = -1;
		const events: StoreChange[] = [];
		second.store.onDidChange((e) => {
			if (listedBeforeShown < 0) listedBeforeShown = listRequests();
			events.push(e);
		});
		await second.open();
		assert.equal(listedBeforeShown, 0, 'the cached contacts were in the store before any list request');
		assert.equal(second.store.size, 1000);
		assert.equal(second.loader.hasMore, false, 'a complete cache has nothing to "load more"');
		assert.ok(second.loader.cache, 'the contacts say they are cached');
		assert.equal(second.store.get(edited.contact_id)?.contact_name, oldName, 'as cached, until revalidated');
		assert.ok(second.store.get(deleted.contact_id), 'the deleted contact shows until the reload proves it gone');

		await revalidated(second);
		assert.equal(second.store.size, 1000, '1000 - 1 deleted + 1 new');
		assert.equal(second.store.get(edited.contact_id)?.contact_name, 'Renamed While Away');
		assert.equal(second.store.get(deleted.contact_id), undefined, 'the deleted contact is gone');
		assert.equal(second.store.get('15550001111@c.us')?.contact_name, 'New While Away');
		assert.equal(second.store.search('Renamed While').length, 1, 'the search index follows');
		assert.ok(events.some((e) => e.removed === 1), 'one removal event');
		// The revalidated contacts are saved again.
		const before = logs.length;
		await waitForLog(/^Saved 1,000 contacts/, before);
	});

	it('a cache younger than cacheMaxAgeMs is shown without any request', async () => {
		await loadAndSave();
		double.requests.length = 0;
		const second = newSession({ settings: { cacheMaxAgeMs: 60 * 60_000 } });
		second.setSignedIn(true);
		await second.open();
		assert.equal(second.store.size, 1000);
		await new Promise((r) => setImmediate(r));
		assert.equal(second.loader.loadingAll, false);
		assert.equal(listRequests(), 0);
	});

	it('a cached copy never lands over a fresher row, whichever comes first; nothing saves a half-restored store', async () => {
		// 16,000 contacts: the loader ingests them in two batches, with turns of the event loop between.
		for (let round = 0; round < 4; round++) {
			double.contacts.push(...double.contacts.map((c, i) => ({ ...c, contact_id: `44${round}${String(i).padStart(9, '0')}@c.us` })));
		}
		const total = double.contacts.length;
		await loadAndSave(total, { pageSize: 2000 });
		const newest = double.contacts[0]!;

		const orders: [string, (session: ContactsSession) => Promise<unknown>][] = [
			['the restore, then page one', async (s) => { await s.open(); await s.loader.loadNextPage(); }],
			['page one in flight while the restore runs', (s) => Promise.all([s.loader.loadNextPage(), s.open()])],
			['the restore started, page one asked for at once', (s) => Promise.all([s.open(), s.loader.loadNextPage()])],
		];
		for (const [order, run] of orders) {
			// On Periskope meanwhile, the newest contact was renamed: page one brings the fresh copy.
			newest.contact_name = `Fresher: ${order}`;
			newest.updated_at = new Date().toISOString();
			const writesWhileRestoring: boolean[] = [];
			class WatchedFiles extends CacheFiles {
				override write(...args: Parameters<CacheFiles['write']>): Promise<number> {
					writesWhileRestoring.push(session.loader.restoringCache);
					return super.write(...args);
				}
			}
			const session = newSession({ files: new WatchedFiles(dir), settings: { pageSize: 2000 } });
			session.setSignedIn(true);
			await run(session);
			assert.equal(session.store.get(newest.contact_id)?.contact_name, `Fresher: ${order}`, order);
			await session.loader.loadAll();
			assert.equal(session.store.get(newest.contact_id)?.contact_name, `Fresher: ${order}`, order);
			assert.equal(session.store.size, total, order);
			await session.saveNow();
			assert.ok(writesWhileRestoring.length > 0 && writesWhileRestoring.every((w) => !w), `${order}: writes during the restore: ${writesWhileRestoring}`);
			session.dispose();
		}
	});

	it('a revalidation that meets 429s keeps the cached contacts, says they are cached, and finishes later', async () => {
		await loadAndSave();
		double.fault({ kind: '429', retryAfter: 1, path: '/contacts' });
		const second = newSession();
		second.setSignedIn(true);
		await second.open();
		await until(() => second.loader.state.status === 'loading' && !!second.loader.state.retry, 'a retry after the 429');
		assert.equal(second.store.size, 1000, 'all cached contacts still shown');
		assert.ok(second.loader.cache, 'still marked as cached (stale)');
		await revalidated(second);
		assert.equal(second.store.size, 1000);
	});

	it('signing out deletes the file; so do turning the cache off and Clear Cached Contacts', async () => {
		await loadAndSave();
		const session = newSession();
		session.setSignedIn(true);
		await session.open();
		session.setSignedIn(false);
		await until(() => cacheFiles().length === 0, 'the file to go on sign-out');
		assert.equal(session.store.size, 0);

		await loadAndSave();
		const again = newSession();
		again.setSignedIn(true);
		again.applySettings(settings({ cacheEnabled: false }));
		await until(() => cacheFiles().length === 0, 'the file to go when the cache is turned off');
		await again.open();
		assert.equal(again.store.size, 0, 'nothing restored with the cache off');

		await loadAndSave();
		const third = newSession();
		third.setSignedIn(true);
		assert.equal(await third.clearCache(), 1);
		assert.deepEqual(cacheFiles(), []);
	});

	it("another token never sees the first one's contacts, and signing in with it deletes them", async () => {
		await loadAndSave();
		const other = newSession({ token: 'another-token' });
		other.setSignedIn(true);
		await other.open();
		assert.equal(other.store.size, 0, 'nothing restored for another account');
		await until(() => cacheFiles().length === 0, "the other account's file to go");
		assert.ok(!fs.existsSync(new CacheFiles(dir).pathOf(accountKey(new URL(double.url).origin, TOKEN))));
	});

	it('a damaged file is ignored with one log line, the org loads from the API, and the file is replaced', async () => {
		await loadAndSave();
		const file = path.join(dir, cacheFiles()[0]!);
		const bytes = fs.readFileSync(file);
		bytes[bytes.length - 5] ^= 0xff;
		fs.writeFileSync(file, bytes);
		const session = newSession();
		session.setSignedIn(true);
		await session.open();
		assert.equal(session.store.size, 0);
		assert.equal(logs.filter((l) => /^Ignored the contacts cache: its checksum does not match/.test(l)).length, 1, logs.join('\n'));
		const before = logs.length;
		await session.loader.loadAll();
		await waitForLog(/^Saved 1,000 contacts/, before);
		const read = await new CacheFiles(dir).read(accountKey(new URL(double.url).origin, TOKEN));
		assert.equal(read.status, 'found');
	});

	it('a sign-out while a save is under way leaves no file behind', async () => {
		// A write held at a gate: the sign-out comes while it is under way.
		let open!: () => void;
		const gate = new Promise<void>((resolve) => (open = resolve));
		let writing = false;
		class SlowFiles extends CacheFiles {
			override async write(...args: Parameters<CacheFiles['write']>): Promise<number> {
				writing = true;
				await gate;
				return super.write(...args);
			}
		}
		const session = newSession({ files: new SlowFiles(dir), settings: { pageSize: 2000 } });
		session.setSignedIn(true);
		await session.loader.loadAll();
		const saving = session.saveNow();
		await until(() => writing, 'the write to start');
		session.setSignedIn(false);
		open();
		await saving;
		assert.ok(logs.some((l) => /^Saved 1,000/.test(l)), 'the save went ahead');
		// The delete was queued behind the save: once it ran, no file can come back.
		await until(() => cacheFiles().length === 0, 'the delete queued behind the save');
		assert.ok(logs.some((l) => /^Deleted 1 contacts cache file/.test(l)), logs.join('\n'));
	});
});

/** Polls a condition (file system and timers have no event to wait on here). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}
