// The persistent cache's file format: the store's rows, column by column, compressed, behind a
// header that says whose contacts they are. Reading trusts nothing: a file that is cut short,
// altered, of another format version or of another account is refused with the reason, never
// half-read. No `vscode` import.
//
//   bytes 0..7    MAGIC ("PKCONT" + format version as two bytes)
//   bytes 8..11   header length H (uint32 BE)
//   H bytes       header JSON (CacheHeader)
//   the rest      deflate(columns JSON): { keys: string[], columns: Column[] }
//
// Columns, not objects: 100,000 rows share a dozen keys and few distinct types, colours and label
// sets, so a column of indices into its distinct values is a fraction of the JSON and parses faster.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Contact } from '../api/types';

export const CACHE_FORMAT_VERSION = 1;
const MAGIC = Buffer.from([0x50, 0x4b, 0x43, 0x4f, 0x4e, 0x54, 0x00, CACHE_FORMAT_VERSION]); // "PKCONT" 0 1
const MAGIC_PREFIX = MAGIC.subarray(0, 6);
/** Files, headers and contents above these are refused as absurd, before anything is allocated for them. */
export const MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_RAW_BYTES = 1024 * 1024 * 1024;
const MAX_CONTACTS = 5_000_000;

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);

export interface CacheHeader {
	format: number;
	/** Whose contacts: a hash of the API origin and of the token (see accountKey), never either of them. */
	account: string;
	/** When the contacts were read from the API (ms since the epoch). */
	savedAt: number;
	count: number;
	/** The org's total as the API reported it, or -1. */
	total: number;
	/** The contacts are the whole org (a load that finished and proved it saw everyone). */
	complete: boolean;
	/** Bytes of the compressed body, of the JSON it holds, and the body's SHA-256 (hex). */
	bodyBytes: number;
	rawBytes: number;
	sha256: string;
}

export interface CacheContents {
	header: CacheHeader;
	contacts: Contact[];
}

export type DecodeResult = { ok: true; contents: CacheContents } | { ok: false; reason: string };

/** A plain column: one JSON value per row; `absent` lists rows without the key. */
interface PlainColumn {
	v: unknown[];
	absent?: number[];
}
/** A dictionary column: the distinct values, and each row's index into them (-1: no such key). */
interface DictColumn {
	d: unknown[];
	i: number[];
}
type Column = PlainColumn | DictColumn;

/** Yields to the event loop between columns, so a save of 100,000 rows never blocks long. */
export type Yield = () => Promise<void>;
const setImmediateYield: Yield = () => new Promise((resolve) => setImmediate(resolve));

/** Rows may be read-only and shared with the store: encoding never changes them. */
export async function encodeCache(
	contacts: readonly Contact[],
	meta: Pick<CacheHeader, 'account' | 'savedAt' | 'total' | 'complete'>,
	yieldNow: Yield = setImmediateYield,
): Promise<Buffer> {
	const keys = columnKeys(contacts);
	const parts: string[] = [];
	for (const key of keys) {
		parts.push(JSON.stringify(encodeColumn(contacts, key)));
		await yieldNow();
	}
	const raw = Buffer.from(`{"keys":${JSON.stringify(keys)},"columns":[${parts.join(',')}]}`, 'utf8');
	// zlib's async deflate runs on the thread pool: the extension host keeps answering meanwhile.
	const body = await deflate(raw, { level: 6 });
	const header: CacheHeader = {
		format: CACHE_FORMAT_VERSION,
		account: meta.account,
		savedAt: meta.savedAt,
		count: contacts.length,
		total: meta.total,
		complete: meta.complete,
		bodyBytes: body.length,
		rawBytes: raw.length,
		sha256: sha256(body),
	};
	const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
	const length = Buffer.alloc(4);
	length.writeUInt32BE(headerBytes.length);
	return Buffer.concat([MAGIC, length, headerBytes, body]);
}

/**
 * Reads the header alone (cheap): undefined with a reason when the bytes are not a cache file of
 * this format version for `account`.
 */
export function decodeHeader(file: Buffer, account: string): { ok: true; header: CacheHeader; bodyStart: number } | { ok: false; reason: string } {
	if (file.length > MAX_CACHE_FILE_BYTES) return { ok: false, reason: `it is ${mb(file.length)}, more than a cache can be` };
	if (file.length < MAGIC.length + 4 || !file.subarray(0, 6).equals(MAGIC_PREFIX)) return { ok: false, reason: 'it is not a Periskope contacts cache' };
	const version = file.readUInt16BE(6);
	if (version !== CACHE_FORMAT_VERSION) return { ok: false, reason: `it has format version ${version}, this version reads ${CACHE_FORMAT_VERSION}` };
	const headerLength = file.readUInt32BE(8);
	const bodyStart = 12 + headerLength;
	if (headerLength > MAX_HEADER_BYTES || bodyStart > file.length) return { ok: false, reason: 'its header is cut short or damaged' };
	let header: unknown;
	try {
		header = JSON.parse(file.toString('utf8', 12, bodyStart));
	} catch {
		return { ok: false, reason: 'its header is damaged' };
	}
	if (!isHeader(header)) return { ok: false, reason: 'its header is damaged' };
	if (header.format !== CACHE_FORMAT_VERSION) return { ok: false, reason: `it has format version ${header.format}` };
	if (header.account !== account) return { ok: false, reason: 'it belongs to another account' };
	if (header.count > MAX_CONTACTS || header.rawBytes > MAX_RAW_BYTES) return { ok: false, reason: `it claims ${header.count} contacts in ${mb(header.rawBytes)}, more than a cache can be` };
	if (file.length - bodyStart !== header.bodyBytes) return { ok: false, reason: `it is cut short or has bytes added (${file.length - bodyStart} bytes of contacts, the header says ${header.bodyBytes})` };
	return { ok: true, header, bodyStart };
}

/** The whole file: header, checksum, decompression (bounded by the header's size) and every column. */
export async function decodeCache(file: Buffer, account: string): Promise<DecodeResult> {
	const head = decodeHeader(file, account);
	if (!head.ok) return head;
	const { header, bodyStart } = head;
	const body = file.subarray(bodyStart);
	if (sha256(body) !== header.sha256) return { ok: false, reason: 'its checksum does not match (the file is damaged)' };
	let raw: Buffer;
	try {
		raw = await inflate(body, { maxOutputLength: Math.max(1, header.rawBytes) });
	} catch (e) {
		return { ok: false, reason: `its contents do not decompress (${(e as Error).message})` };
	}
	if (raw.length !== header.rawBytes) return { ok: false, reason: 'its contents are not the size the header says' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		return { ok: false, reason: 'its contents are not valid JSON' };
	}
	const contacts = decodeColumns(parsed, header.count);
	if (typeof contacts === 'string') return { ok: false, reason: contacts };
	return { ok: true, contents: { header, contacts } };
}

function columnKeys(contacts: readonly Contact[]): string[] {
	const keys = new Set<string>();
	let last: Contact | undefined;
	for (const c of contacts) {
		// Rows mostly have the same keys: compare with the row before instead of walking each one.
		if (last !== undefined && sameKeyCount(c, last)) continue;
		for (const key of Object.keys(c)) keys.add(key);
		last = c;
	}
	return [...keys];
}

function sameKeyCount(a: Contact, b: Contact): boolean {
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

function encodeColumn(contacts: readonly Contact[], key: string): Column {
	const count = contacts.length;
	// Distinct values, by a key that tells strings, numbers, booleans, null and objects apart.
	const distinct = new Map<string, number>();
	const values: unknown[] = [];
	const indices: number[] = new Array(count);
	let plain = false;
	for (let row = 0; row < count; row++) {
		const contact = contacts[row]!;
		if (!Object.prototype.hasOwnProperty.call(contact, key)) {
			indices[row] = -1;
			continue;
		}
		const value = contact[key];
		const id = typeof value === 'string' ? `s${value}` : JSON.stringify(value) ?? 'null';
		let index = distinct.get(id);
		if (index === undefined) {
			index = values.length;
			values.push(value === undefined ? null : value);
			distinct.set(id, index);
			// Mostly distinct (ids, names, times): a plain column is smaller.
			if (values.length > 64 && values.length * 2 > row + 1) {
				plain = true;
				break;
			}
		}
		indices[row] = index;
	}
	if (!plain) return { d: values, i: indices };
	const v: unknown[] = new Array(count);
	const absent: number[] = [];
	for (let row = 0; row < count; row++) {
		const contact = contacts[row]!;
		if (Object.prototype.hasOwnProperty.call(contact, key)) v[row] = contact[key] ?? null;
		else {
			v[row] = null;
			absent.push(row);
		}
	}
	return absent.length ? { v, absent } : { v };
}

/** Rebuilds the rows; a string says why the columns are unusable. */
function decodeColumns(parsed: unknown, count: number): Contact[] | string {
	if (!isObject(parsed) || !Array.isArray(parsed.keys) || !Array.isArray(parsed.columns) || parsed.keys.length !== parsed.columns.length) {
		return 'its contents are not contact columns';
	}
	const keys = parsed.keys as unknown[];
	const columns = parsed.columns as unknown[];
	if (count > 0 && (!keys.includes('contact_id') || !keys.includes('labels'))) return 'its contents have no contact ids or labels';
	const rows: Record<string, unknown>[] = new Array(count);
	for (let row = 0; row < count; row++) rows[row] = {};
	for (let k = 0; k < keys.length; k++) {
		const key = keys[k];
		const column = columns[k];
		if (typeof key !== 'string' || key === '__proto__' || !isObject(column)) return 'a column is damaged';
		if (Array.isArray(column.d) && Array.isArray(column.i)) {
			const d = column.d as unknown[];
			const i = column.i as unknown[];
			if (i.length !== count) return `column ${key} has ${i.length} rows, the header says ${count}`;
			for (let row = 0; row < count; row++) {
				const index = i[row];
				if (index === -1) continue;
				if (typeof index !== 'number' || !(index >= 0 && index < d.length)) return `column ${key} is damaged`;
				rows[row]![key] = d[index];
			}
		} else if (Array.isArray(column.v)) {
			const v = column.v as unknown[];
			if (v.length !== count) return `column ${key} has ${v.length} rows, the header says ${count}`;
			for (let row = 0; row < count; row++) rows[row]![key] = v[row];
			if (column.absent !== undefined) {
				if (!Array.isArray(column.absent)) return `column ${key} is damaged`;
				for (const row of column.absent as unknown[]) {
					if (typeof row !== 'number' || !(row >= 0 && row < count)) return `column ${key} is damaged`;
					delete rows[row]![key];
				}
			}
		} else return `column ${key} is damaged`;
	}
	const seen = new Set<string>();
	for (const row of rows) {
		// What the store relies on: a unique string id and a list of string labels.
		const id = row.contact_id;
		if (typeof id !== 'string' || id === '' || seen.has(id)) return 'a contact has no id, or an id twice';
		seen.add(id);
		const labels = row.labels;
		// Rows may share a labels array (a dictionary value): the store never changes one in place.
		if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return `contact ${id} has damaged labels`;
	}
	return rows as Contact[];
}

function isHeader(value: unknown): value is CacheHeader {
	if (!isObject(value)) return false;
	const h = value as Record<string, unknown>;
	return (
		typeof h.format === 'number' &&
		typeof h.account === 'string' &&
		isCount(h.savedAt) &&
		isCount(h.count) &&
		typeof h.total === 'number' &&
		Number.isInteger(h.total) &&
		typeof h.complete === 'boolean' &&
		isCount(h.bodyBytes) &&
		isCount(h.rawBytes) &&
		typeof h.sha256 === 'string'
	);
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
