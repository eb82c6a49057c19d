// The persistent cache on disk: one file per account in the extension's global storage folder.
// A file is named by a hash of the API origin and of the token, never by either; it is written
// whole to a temporary file and renamed over the old one, so a crash mid-write, or two windows
// writing at once, leave one whole file (the last one renamed). No `vscode` import.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Contact } from '../api/types';
import { CacheContents, CacheHeader, decodeCache, encodeCache, MAX_CACHE_FILE_BYTES } from './cacheFormat';

const PREFIX = 'contacts-';
const SUFFIX = '.cache';
/** Temporary files older than this are leftovers of a crash (a write takes well under a second). */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Whose contacts a cache holds: the API origin and a fingerprint of the token, hashed together.
 * Another token (even for the same org) is another account: its contacts are not shown.
 */
export function accountKey(origin: string, token: string): string {
	const fingerprint = createHash('sha256').update(`periskope-token\0${token}`).digest('hex');
	return createHash('sha256').update(`periskope-contacts-cache\0${origin}\0${fingerprint}`).digest('hex');
}

export type CacheRead =
	| { status: 'found'; contents: CacheContents; bytes: number }
	| { status: 'none' }
	/** A file was there but could not be used; `reason` is for the log. */
	| { status: 'ignored'; reason: string };

export class CacheFiles {
	constructor(private readonly dir: string) {}

	/** The file of `account` (its name says nothing about the account). */
	pathOf(account: string): string {
		return path.join(this.dir, `${PREFIX}${account.slice(0, 40)}${SUFFIX}`);
	}

	async read(account: string): Promise<CacheRead> {
		const file = this.pathOf(account);
		let bytes: Buffer;
		try {
			const stat = await fs.stat(file);
			if (!stat.isFile()) return { status: 'ignored', reason: 'it is not a file' };
			if (stat.size > MAX_CACHE_FILE_BYTES) return { status: 'ignored', reason: `it is ${Math.round(stat.size / 1024 / 1024)} MB, more than a cache can be` };
			bytes = await fs.readFile(file);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'none' };
			return { status: 'ignored', reason: `it could not be read (${(e as Error).message})` };
		}
		const decoded = await decodeCache(bytes, account);
		return decoded.ok ? { status: 'found', contents: decoded.contents, bytes: bytes.length } : { status: 'ignored', reason: decoded.reason };
	}

	/** Writes the file whole, then renames it into place. Returns its size. */
	async write(account: string, contacts: readonly Contact[], meta: Pick<CacheHeader, 'savedAt' | 'total' | 'complete'>): Promise<number> {
		const data = await encodeCache(contacts, { account, ...meta });
		await fs.mkdir(this.dir, { recursive: true });
		const file = this.pathOf(account);
		const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
		try {
			// Contact data is personal: readable by this user only.
			await fs.writeFile(temp, data, { mode: 0o600 });
			await renameOver(temp, file);
		} catch (e) {
			await fs.rm(temp, { force: true }).catch(() => undefined);
			throw e;
		}
		return data.length;
	}

	/** Deletes every cache file (and leftover temporary file) but `keep`'s. Returns how many cache files went. */
	async deleteAll(keep?: string): Promise<number> {
		let names: string[];
		try {
			names = await fs.readdir(this.dir);
		} catch {
			return 0;
		}
		const kept = keep === undefined ? undefined : path.basename(this.pathOf(keep));
		let deleted = 0;
		for (const name of names) {
			if (!name.startsWith(PREFIX) || name === kept) continue;
			const isCache = name.endsWith(SUFFIX);
			if (!isCache && !name.endsWith('.tmp')) continue;
			// Another window may be writing a temporary file right now: only old ones are leftovers.
			if (!isCache && kept !== undefined && name.startsWith(kept) && !(await isStale(path.join(this.dir, name)))) continue;
			await fs.rm(path.join(this.dir, name), { force: true }).catch(() => undefined);
			if (isCache) deleted++;
		}
		return deleted;
	}
}

async function isStale(file: string): Promise<boolean> {
	try {
		return Date.now() - (await fs.stat(file)).mtimeMs > STALE_TEMP_MS;
	} catch {
		return false;
	}
}

/** rename(2) replaces atomically; on Windows a file another process has open refuses for a moment. */
async function renameOver(from: string, to: string): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		try {
			await fs.rename(from, to);
			return;
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (attempt >= 4 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw e;
			await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
		}
	}
}
