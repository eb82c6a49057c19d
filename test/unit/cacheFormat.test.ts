// The persistent cache's format and files, over a real file system in a temp folder: a round
// trip keeps every row as the store keeps it; every kind of damage, another account's file and
// another format version are refused with a reason, never half-read.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Contact } from '../../src/api/types';
import { accountKey, CacheFiles } from '../../src/contacts/cacheFiles';
import { CACHE_FORMAT_VERSION, decodeCache, encodeCache, MAX_CACHE_FILE_BYTES } from '../../src/contacts/cacheFormat';
import { ContactStore } from '../../src/contacts/store';
import { generateContacts, HOSTILE_NAME } from '../double/generator';
import { builtRows, contact } from './fixtures';

const ACCOUNT = accountKey('https://api.periskope.app', 'token-a');
const META = { account: ACCOUNT, savedAt: 1_764_000_000_000, total: 1234, complete: true };

/** Rows as the store keeps them (compacted: no avatar URL, no label_ids, shared strings). */
function storeRows(count: number): Contact[] {
	const store = new ContactStore();
	store.ingest(generateContacts(count, { seed: 7 }));
	const rows = store.all();
	store.dispose();
	return rows;
}

describe('cache format', () => {
	it('round trip: every row, field and extra field comes back, in order, with the header', async () => {
		const rows: Contact[] = [
			...storeRows(500),
			contact('1', { contact_name: HOSTILE_NAME, labels: ['vip', 'Q3 campaign'], extra_field: { nested: [1, 'x'] } }),
			contact('2', { contact_name: null, labels: [] }),
			{ contact_id: '3@c.us', labels: ['only-id'] } as unknown as Contact,
		];
		const file = await encodeCache(rows, META);
		const decoded = await decodeCache(file, ACCOUNT);
		assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
		assert.deepEqual(builtRows(decoded.contents.rows), rows);
		assert.equal(Object.hasOwn(builtRows(decoded.contents.rows).at(-1)!, 'contact_name'), false, 'a missing field stays missing');
		const { header } = decoded.contents;
		assert.deepEqual(
			{ format: header.format, account: header.account, savedAt: header.savedAt, count: header.count, total: header.total, complete: header.complete },
			{ format: CACHE_FORMAT_VERSION, ...META, count: rows.length },
		);
	});

	it('never writes the token or the origin, and never changes the rows it encodes', async () => {
		const rows = storeRows(50);
		const before = JSON.stringify(rows);
		const file = await encodeCache(rows, META);
		assert.equal(JSON.stringify(rows), before);
		const text = file.toString('latin1');
		assert.ok(!text.includes('token-a') && !text.includes('periskope.app'), 'neither token nor origin in the file');
	});

	it('a row with a field named __proto__ (as JSON.parse makes one) is saved without it, and nothing is polluted', async () => {
		const hostile = JSON.parse('{"contact_id":"9@c.us","labels":["vip"],"__proto__":{"polluted":true},"contact_name":"<img src=x onerror=alert(1)>"}') as Contact;
		const decoded = await decodeCache(await encodeCache([contact('1'), hostile], META), ACCOUNT);
		assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
		const back = builtRows(decoded.contents.rows)[1]!;
		assert.equal(back.contact_name, '<img src=x onerror=alert(1)>');
		assert.equal(Object.hasOwn(back, '__proto__'), false);
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
		assert.equal((back as Record<string, unknown>).polluted, undefined);
	});

	it('names with a NUL, emoji or right-to-left text, and rows built one at a time, come back as they were', async () => {
		const rows: Contact[] = [
			contact('1', { contact_name: 'Nul\u0000in the middle' }),
			contact('2', { contact_name: 'Zoë 👩‍💻 مرحبا' }),
			contact('3', { contact_name: '' }),
			...storeRows(300),
		];
		const decoded = await decodeCache(await encodeCache(rows, META), ACCOUNT);
		assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
		const cached = decoded.contents.rows;
		assert.equal(cached.count, rows.length);
		// Read out of order, as the tree and a hover do: each row is its own new object.
		for (const row of [150, 0, 302, 1, 2]) {
			assert.deepEqual(cached.contact(row), rows[row]);
			assert.equal(cached.id(row), rows[row]!.contact_id);
			assert.deepEqual(cached.labels(row), rows[row]!.labels);
			assert.equal(cached.type(row), rows[row]!.contact_type);
		}
		assert.notEqual(cached.contact(5), cached.contact(5));
	});

	it('refuses rows the store could not use: no id, an empty id, labels that are not a list of strings', async () => {
		const cases: [Contact, RegExp][] = [
			[{ labels: [] } as unknown as Contact, /no id/],
			[contact('x', { contact_id: '' }), /no id/],
			[contact('y', { labels: 'vip' as unknown as string[] }), /damaged labels/],
			[contact('z', { labels: [1] as unknown as string[] }), /damaged labels/],
		];
		for (const [bad, why] of cases) {
			const decoded = await decodeCache(await encodeCache([contact('1'), bad, contact('2')], META), ACCOUNT);
			assert.equal(decoded.ok, false, JSON.stringify(bad));
			if (!decoded.ok) assert.match(decoded.reason, why);
		}
	});

	it('refuses a column with another number of values than the header says, even with a checksum that matches', async () => {
		const file = await encodeCache(storeRows(400), META);
		// Rebuilt as a forger would: the names column one value short, sizes and checksum made to agree.
		const headerLength = file.readUInt32BE(8);
		const header = JSON.parse(file.toString('utf8', 12, 12 + headerLength)) as Record<string, unknown>;
		const body = file.subarray(12 + headerLength);
		const listEnd = 4 + body.readUInt32BE(0);
		const list = JSON.parse(body.toString('utf8', 4, listEnd)) as { keys: string[]; columns: { bytes: number; stored: number }[] };
		const parts: Buffer[] = [];
		let offset = listEnd;
		list.keys.forEach((key, k) => {
			const column = list.columns[k]!;
			let part = body.subarray(offset, offset + column.stored);
			offset += column.stored;
			if (key === 'contact_name') {
				const names = zlib.inflateSync(part);
				const short = names.subarray(0, names.lastIndexOf(0));
				part = zlib.deflateSync(short);
				header.rawBytes = (header.rawBytes as number) - (column.bytes - short.length);
				column.bytes = short.length;
				column.stored = part.length;
			}
			parts.push(part);
		});
		const listBytes = Buffer.from(JSON.stringify(list));
		const forgedBody = Buffer.concat([Buffer.alloc(4), listBytes, ...parts]);
		forgedBody.writeUInt32BE(listBytes.length);
		const forgedHeader = Buffer.from(JSON.stringify({ ...header, bodyBytes: forgedBody.length, sha256: createHash('sha256').update(forgedBody).digest('hex') }));
		const length = Buffer.alloc(4);
		length.writeUInt32BE(forgedHeader.length);
		const decoded = await decodeCache(Buffer.concat([file.subarray(0, 8), length, forgedHeader, forgedBody]), ACCOUNT);
		assert.equal(decoded.ok, false);
		if (!decoded.ok) assert.match(decoded.reason, /column contact_name has 399 rows, the header says 400/);
	});

	it('an empty org round-trips', async () => {
		const decoded = await decodeCache(await encodeCache([], { ...META, total: 0 }), ACCOUNT);
		assert.ok(decoded.ok);
		assert.deepEqual(builtRows(decoded.contents.rows), []);
	});

	describe('refuses, with a reason', () => {
		let file: Buffer;
		before(async () => {
			file = await encodeCache(storeRows(300), META);
		});
		const refused = async (bytes: Buffer, why: RegExp, account = ACCOUNT) => {
			const decoded = await decodeCache(bytes, account);
			assert.equal(decoded.ok, false);
			if (!decoded.ok) assert.match(decoded.reason, why);
		};

		it('a file cut short anywhere', async () => {
			for (const length of [0, 5, 11, 40, Math.floor(file.length / 2), file.length - 1]) {
				await refused(file.subarray(0, length), /not a Periskope|cut short|damaged/);
			}
		});
		it('bytes appended', () => refused(Buffer.concat([file, Buffer.from('x')]), /bytes added/));
		it('a flipped byte in the contacts (checksum)', async () => {
			const bad = Buffer.from(file);
			bad[bad.length - 10] ^= 0xff;
			await refused(bad, /checksum/);
		});
		it('a flipped byte in the header', async () => {
			const bad = Buffer.from(file);
			bad[20] = 0x7b; // '{' inside the JSON header
			await refused(bad, /header/);
		});
		it('not a cache file at all', () => refused(Buffer.from('{"contacts":[]}'.padEnd(100, ' ')), /not a Periskope contacts cache/));
		it('another format version', async () => {
			const other = Buffer.from(file);
			other.writeUInt16BE(CACHE_FORMAT_VERSION + 1, 6);
			await refused(other, new RegExp(`format version ${CACHE_FORMAT_VERSION + 1}`));
		});
		it("another account's file (another token, or another origin)", async () => {
			await refused(file, /another account/, accountKey('https://api.periskope.app', 'token-b'));
			await refused(file, /another account/, accountKey('https://proxy.example.com', 'token-a'));
		});
		it('a header that claims an absurd size, before inflating anything', async () => {
			const headerLength = file.readUInt32BE(8);
			const header = JSON.parse(file.toString('utf8', 12, 12 + headerLength)) as Record<string, unknown>;
			const forged = Buffer.from(JSON.stringify({ ...header, rawBytes: 50 * 1024 * 1024 * 1024 }));
			const length = Buffer.alloc(4);
			length.writeUInt32BE(forged.length);
			await refused(Buffer.concat([file.subarray(0, 8), length, forged, file.subarray(12 + headerLength)]), /more than a cache can be/);
		});
		it('a file larger than any cache', async () => {
			const huge = Buffer.alloc(MAX_CACHE_FILE_BYTES + 1);
			file.copy(huge);
			await refused(huge, /more than a cache can be/);
		});
	});
});

describe('cache files', () => {
	let dir: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'periskope-cache-'));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('names a file by a hash: neither the origin nor the token shows in it', () => {
		const files = new CacheFiles(dir);
		const name = path.basename(files.pathOf(accountKey('https://api.periskope.app', 'secret-token')));
		assert.match(name, /^contacts-[0-9a-f]{40}\.cache$/);
		assert.notEqual(files.pathOf(accountKey('https://api.periskope.app', 'other-token')), files.pathOf(accountKey('https://api.periskope.app', 'secret-token')));
	});

	it('writes, reads back, and leaves no temporary file; the file is readable by its owner only', async () => {
		const files = new CacheFiles(path.join(dir, 'not-yet-created'));
		const rows = storeRows(100);
		await files.write(ACCOUNT, rows, { savedAt: 5, total: 100, complete: true });
		const read = await files.read(ACCOUNT);
		assert.equal(read.status, 'found');
		if (read.status === 'found') assert.deepEqual(builtRows(read.contents.rows), rows);
		const names = fs.readdirSync(path.join(dir, 'not-yet-created'));
		assert.deepEqual(names, [path.basename(files.pathOf(ACCOUNT))]);
		if (process.platform !== 'win32') assert.equal(fs.statSync(files.pathOf(ACCOUNT)).mode & 0o077, 0);
	});

	it('no file is "none"; a damaged file is "ignored" with its reason', async () => {
		const files = new CacheFiles(dir);
		assert.deepEqual(await files.read(ACCOUNT), { status: 'none' });
		fs.writeFileSync(files.pathOf(ACCOUNT), 'garbage');
		const read = await files.read(ACCOUNT);
		assert.equal(read.status, 'ignored');
	});

	it('two writers at once (two windows) leave one whole file, never a mix', async () => {
		const a = new CacheFiles(dir);
		const b = new CacheFiles(dir);
		const small = storeRows(10);
		const large = storeRows(3000);
		await Promise.all([
			a.write(ACCOUNT, small, { savedAt: 1, total: 10, complete: true }),
			b.write(ACCOUNT, large, { savedAt: 2, total: 3000, complete: true }),
			a.write(ACCOUNT, large, { savedAt: 3, total: 3000, complete: true }),
			b.write(ACCOUNT, small, { savedAt: 4, total: 10, complete: true }),
		]);
		const read = await new CacheFiles(dir).read(ACCOUNT);
		assert.equal(read.status, 'found');
		if (read.status === 'found') {
			const expected = read.contents.header.count === 10 ? small : large;
			assert.deepEqual(builtRows(read.contents.rows), expected);
		}
		assert.equal(fs.readdirSync(dir).length, 1, 'no temporary file left');
	});

	it('a crash mid-write (a temp file left, never renamed) leaves the old file intact', async () => {
		const files = new CacheFiles(dir);
		const rows = storeRows(20);
		await files.write(ACCOUNT, rows, { savedAt: 1, total: 20, complete: true });
		fs.writeFileSync(`${files.pathOf(ACCOUNT)}.999-dead.tmp`, (await encodeCache(storeRows(40), META)).subarray(0, 100));
		const read = await files.read(ACCOUNT);
		assert.equal(read.status, 'found');
		if (read.status === 'found') assert.deepEqual(builtRows(read.contents.rows), rows);
	});

	it('deleteAll removes every cache file but the one kept, and old temp files; leaves other files alone', async () => {
		const files = new CacheFiles(dir);
		const other = accountKey('https://api.periskope.app', 'token-b');
		await files.write(ACCOUNT, storeRows(5), { savedAt: 1, total: 5, complete: true });
		await files.write(other, storeRows(5), { savedAt: 1, total: 5, complete: true });
		const temp = `${files.pathOf(other)}.1-abcd.tmp`;
		fs.writeFileSync(temp, 'x');
		fs.writeFileSync(path.join(dir, 'unrelated.json'), '{}');
		assert.equal(await files.deleteAll(ACCOUNT), 1);
		assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(files.pathOf(ACCOUNT)), 'unrelated.json'].sort());
		assert.equal(await files.deleteAll(), 1);
		assert.deepEqual(fs.readdirSync(dir), ['unrelated.json']);
		assert.equal(await new CacheFiles(path.join(dir, 'missing')).deleteAll(), 0);
	});
});
