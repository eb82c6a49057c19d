// Seeded, deterministic contacts for the API double: the same seed always gives the same
// org, so tests, the benchmark and the demo can name what they expect to see. Own PRNG
// (mulberry32) rather than Math.random, so a failing run can be replayed exactly.
import type { Contact } from '../../src/api/types';

/** The org every contact of the double belongs to (also sent as `x-periskope-org-id`). */
export const DOUBLE_ORG_ID = '5f1c2a9e-7b3d-4e6a-9c1f-2d8b7a6e4c31';

/** The 15 avatar colours the API uses (docs/periskope-api.md). */
export const CONTACT_COLORS = [
	'#B4876E', '#A5B337', '#06CF9C', '#25D366', '#02A698', '#7D9EF1', '#007BFC', '#5E47DE',
	'#7F66FF', '#9333EA', '#FA6533', '#C4532D', '#DC2626', '#FF2E74', '#DB2777',
] as const;

/** The org's labels, in the casing the org created them with (labels compare case-insensitively). */
export const LABELS = ['vip', 'lead', 'customer', 'support', 'partner', 'churned', 'beta', 'Billing', 'follow-up', 'Q3 campaign'] as const;

/** Newest generated timestamp (the seed page's newest row); older rows count back from it. */
const BASE_TIME_US = Date.UTC(2025, 0, 20, 11, 36, 51) * 1000 + 793_829;

/** mulberry32: tiny, fast, and good enough to spread test data; returns [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a, to derive stable values (label ids, chat ids) from strings without shared state. */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/**
 * The label's id, the same for every contact and every seed, whatever the casing of the
 * name (labels are case-insensitive). Shaped like the seed's `label-ukjqhqngnakncalm`.
 */
export function labelId(name: string): string {
	const key = name.trim().toLowerCase();
	let id = labelIds.get(key);
	if (id === undefined) {
		id = makeLabelId(key);
		labelIds.set(key, id);
	}
	return id;
}

const labelIds = new Map<string, string>();

function makeLabelId(key: string): string {
	const rng = mulberry32(hash(key));
	let id = 'label-';
	for (let i = 0; i < 16; i++) id += String.fromCharCode(97 + Math.floor(rng() * 26));
	return id;
}

/** `labels` and the `label_ids` object that goes with them. */
export function labelFields(labels: readonly string[]): Pick<Contact, 'labels' | 'label_ids'> {
	const label_ids: Record<string, boolean> = {};
	for (const label of labels) label_ids[labelId(label)] = true;
	return { labels: [...labels], label_ids };
}

/** ISO timestamp with microseconds and a `+00:00` offset, trailing zeros trimmed like Postgres. */
export function formatTimestamp(micros: number): string {
	const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
	let fraction = micros % 1_000_000;
	if (fraction === 0) return `${iso}+00:00`;
	let width = 6;
	while (fraction % 10 === 0) {
		fraction /= 10;
		width--;
	}
	return `${iso}.${String(fraction).padStart(width, '0')}+00:00`;
}

/** Microseconds since the epoch of an `updated_at`, or undefined if it does not parse. */
export function parseTimestamp(value: string | null): number | undefined {
	if (!value) return undefined;
	const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(value);
	if (!m) return undefined;
	const ms = Date.parse(m[1] + (m[3] || 'Z'));
	if (Number.isNaN(ms)) return undefined;
	return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

function avatarUrl(contactId: string, micros: number): string {
	return `https://storage.googleapis.com/periskope-images/${DOUBLE_ORG_ID}%2F${encodeURIComponent(contactId)}.jpg?timestamp=${Math.floor(micros / 1000)}`;
}

type ContactFields = Pick<
	Contact,
	| 'contact_color' | 'contact_id' | 'contact_image' | 'contact_name' | 'contact_type' | 'is_imported' | 'is_internal'
	| 'is_my_contact' | 'is_wa_contact' | 'label_ids' | 'labels' | 'updated_at'
>;

/** Field order as in the seed response (alphabetical), so bodies look like the real API's. */
function makeContact(fields: ContactFields): Contact {
	return {
		contact_color: fields.contact_color,
		contact_id: fields.contact_id,
		contact_image: fields.contact_image,
		contact_name: fields.contact_name,
		contact_type: fields.contact_type,
		is_imported: fields.is_imported,
		is_internal: fields.is_internal,
		is_my_contact: fields.is_my_contact,
		is_wa_contact: fields.is_wa_contact,
		label_ids: fields.label_ids,
		labels: fields.labels,
		org_id: DOUBLE_ORG_ID,
		updated_at: fields.updated_at,
	};
}

const FIXED_TIME_US = BASE_TIME_US + 3_600_000_000; // an hour newer than any generated row

function fixed(id: string, index: number, fields: Partial<ContactFields>): Contact {
	const updated = FIXED_TIME_US - index * 61_000_123;
	return makeContact({
		contact_color: CONTACT_COLORS[index % CONTACT_COLORS.length],
		contact_id: id,
		contact_image: null,
		contact_name: null,
		contact_type: 'user',
		is_imported: null,
		is_internal: null,
		is_my_contact: null,
		is_wa_contact: true,
		...labelFields([]),
		updated_at: formatTimestamp(updated),
		...fields,
	});
}

/** Ids of the known contacts that head every generated list, for tests to look up. */
export const FIXED_IDS = {
	twoLabels: '447700900001@c.us',
	hostile: '15550100002@c.us',
	nullName: '919876500003@c.us',
	unknownType: '919812300004@c.us',
	group: '120363000000000005@g.us',
	longName: '447700900006@c.us',
	bidiOverride: '447700900007@c.us',
} as const;

/** A name of 10,000 characters: tab titles, headings and rows must stay usable. */
export const LONG_NAME = `Very Long Name ${'Abcdefghij '.repeat(909)}End`.slice(0, 10_000);
/** "evil" wrapped in a right-to-left override: drawn as "live" unless the control is removed. */
export const BIDI_OVERRIDE_NAME = 'Mallory \u202eevil\u202c Example';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

/**
 * Known contacts, always first (newest) in a generated list, in this order. Treat as
 * read-only: generateContacts hands out copies, so a test that edits the live list
 * cannot change these.
 */
export const FIXED_CONTACTS: readonly Contact[] = Object.freeze([
	fixed(FIXED_IDS.twoLabels, 0, {
		contact_name: 'Ada Lovelace',
		contact_image: avatarUrl(FIXED_IDS.twoLabels, FIXED_TIME_US),
		is_my_contact: true,
		...labelFields(['vip', 'customer']),
	}),
	fixed(FIXED_IDS.hostile, 1, { contact_name: HOSTILE_NAME, ...labelFields(['support']) }),
	fixed(FIXED_IDS.nullName, 2, { contact_type: 'business', is_wa_contact: false }),
	fixed(FIXED_IDS.unknownType, 3, { contact_name: 'राहुल शर्मा', contact_type: 'enterprise', is_internal: true }),
	fixed(FIXED_IDS.group, 4, { contact_name: 'Support Team 🛠️', contact_type: null, is_wa_contact: null, label_ids: null }),
	fixed(FIXED_IDS.longName, 5, { contact_name: LONG_NAME, ...labelFields(['lead']) }),
	fixed(FIXED_IDS.bidiOverride, 6, { contact_name: BIDI_OVERRIDE_NAME }),
]);

function copy(contact: Contact): Contact {
	return { ...contact, labels: [...contact.labels], label_ids: contact.label_ids ? { ...contact.label_ids } : null };
}

// Name parts per script. Mixed on purpose: search, sorting and rendering must cope with all.
const FIRST = {
	latin: ['James', 'Maria', 'Wei', 'Aisha', 'Liam', 'Olivia', 'Noah', 'Emma', 'Lucas', 'Sofia', 'Yasin', 'Bk', 'Fatima', 'Arjun', 'Chloe', 'Mateo'],
	accented: ['José', 'Zoë', 'François', 'Łukasz', 'Søren', 'Ana María', 'Björn', 'Çağla', 'Dvořák', 'Nguyễn', 'Renée', 'Ñandú'],
	devanagari: ['राहुल', 'प्रिया', 'अमित', 'सुनीता', 'विकास', 'अनीता', 'संजय', 'पूजा'],
	arabic: ['محمد', 'أحمد', 'فاطمة', 'عائشة', 'يوسف', 'مريم', 'علي', 'خالد'],
	cyrillic: ['Иван', 'Ольга', 'Дмитрий', 'Наталья', 'Сергей', 'Анна', 'Алексей', 'Мария'],
	cjk: ['王伟', '李娜', '张敏', '田中 太郎', '佐藤 花子', '김민준', '이서연', '陈静'],
} as const;
const LAST = {
	latin: ['Smith', 'Garcia', 'Khan', 'Patel', 'Müller', 'Rossi', 'Silva', 'Okafor', "O'Brien", 'Nakamura', 'Dubois', 'van der Berg'],
	devanagari: ['शर्मा', 'वर्मा', 'गुप्ता', 'सिंह', 'पटेल', 'जोशी'],
	arabic: ['الحسن', 'عبدالله', 'الراشد', 'المنصور', 'حداد'],
	cyrillic: ['Петров', 'Иванова', 'Смирнов', 'Кузнецова', 'Попов'],
} as const;
const LAST_OTHER = [...LAST.devanagari, ...LAST.cyrillic, ...LAST.arabic];
const BUSINESS = ['Traders', 'Electronics', 'Logistics', 'Bakery', 'Clinic', 'Studio', 'Pharma', 'Textiles', 'Motors', 'Foods', 'Support', 'Sales'];
const GROUPS = ['Team Standup', 'Family 👨‍👩‍👧', 'Launch 🚀', 'Customer Success', 'Weekend Cricket', 'Вечеринка', 'परिवार', 'Ops Alerts'];
const EMOJI = ['🚀', '❤️', '🍕', '⭐', '👨‍👩‍👧', '🇮🇳', '🔥', '😊', '📦', '🏠'];

// Country code, national number length, and the digits a mobile number may start with.
const COUNTRIES: readonly [string, number, string][] = [
	['91', 10, '6789'], ['91', 10, '6789'], ['91', 10, '6789'], ['62', 11, '8'], ['1', 10, '2345678'],
	['44', 10, '7'], ['971', 9, '5'], ['55', 11, '1234'], ['7', 10, '9'], ['86', 11, '1'],
	['49', 11, '1'], ['33', 9, '67'], ['234', 10, '789'], ['20', 10, '1'], ['52', 10, '3568'],
];

/** Makes contacts one at a time from one PRNG stream; ids never repeat within `usedIds`. */
export class ContactFactory {
	private readonly rng: () => number;

	constructor(seed: number, private readonly usedIds: Set<string> = new Set()) {
		this.rng = mulberry32(seed);
	}

	private pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.rng() * items.length)];
	}

	private chance(p: number): boolean {
		return this.rng() < p;
	}

	/** n random digits (n <= 15). Two draws, because one 32-bit draw cannot cover 10^15 values. */
	private digits(n: number): string {
		const low = Math.min(n, 7);
		const high = n - low;
		const lowPart = String(Math.floor(this.rng() * 10 ** low)).padStart(low, '0');
		return high === 0 ? lowPart : String(Math.floor(this.rng() * 10 ** high)).padStart(high, '0') + lowPart;
	}

	private newId(group: boolean): string {
		for (;;) {
			let id: string;
			if (group) {
				id = `120363${this.digits(12)}@g.us`; // the shape of current WhatsApp group ids
			} else {
				const [cc, len, starts] = this.pick(COUNTRIES);
				id = `${cc}${starts[Math.floor(this.rng() * starts.length)]}${this.digits(len - 1)}@c.us`;
			}
			if (!this.usedIds.has(id)) {
				this.usedIds.add(id);
				return id;
			}
		}
	}

	private personName(): string {
		const r = this.rng();
		if (r < 0.42) return `${this.pick(FIRST.latin)} ${this.pick(LAST.latin)}`;
		if (r < 0.5) return this.pick(FIRST.latin); // first name only, or with a number: "Yasin 3"
		if (r < 0.53) return `${this.pick(FIRST.latin)} ${1 + Math.floor(this.rng() * 9)}`;
		if (r < 0.62) return `${this.pick(FIRST.accented)} ${this.pick(LAST.latin)}`;
		if (r < 0.72) return `${this.pick(FIRST.devanagari)} ${this.pick(LAST.devanagari)}`;
		if (r < 0.8) return `${this.pick(FIRST.arabic)} ${this.pick(LAST.arabic)}`;
		if (r < 0.87) return `${this.pick(FIRST.cyrillic)} ${this.pick(LAST.cyrillic)}`;
		if (r < 0.94) return this.pick(FIRST.cjk);
		if (r < 0.985) return `${this.pick(FIRST.latin)} ${this.pick(EMOJI)}`;
		// Rare awkward ones: decomposed accents (NFD), surrounding spaces, a very long name.
		const odd = Math.floor(this.rng() * 3);
		if (odd === 0) return 'Zoe\u0308 Lefe\u0300vre';
		if (odd === 1) return `  ${this.pick(FIRST.latin)}  `;
		return `${this.pick(FIRST.latin)} ${this.pick(LAST.latin)} — ${'Regional Sales Office '.repeat(4).trim()}`;
	}

	private businessName(): string {
		const owner = this.chance(0.5) ? this.pick(LAST.latin) : this.pick(LAST_OTHER);
		return this.chance(0.15) ? `${this.pick(EMOJI)} ${owner} ${this.pick(BUSINESS)}` : `${owner} ${this.pick(BUSINESS)}`;
	}

	private flag(pNull: number, pTrue: number): boolean | null {
		const r = this.rng();
		return r < pNull ? null : r < pNull + pTrue;
	}

	private pickLabels(): string[] {
		const r = this.rng();
		const n = r < 0.6 ? 0 : r < 0.85 ? 1 : r < 0.95 ? 2 : 3;
		if (n === 0) return [];
		const chosen = new Set<string>();
		while (chosen.size < n) chosen.add(this.pick(LABELS));
		return [...chosen];
	}

	/** One contact last updated at `updatedAtUs` (microseconds since the epoch). */
	make(updatedAtUs: number): Contact {
		const group = this.chance(0.01);
		const r = this.rng();
		const type = group ? null : r < 0.7 ? 'user' : r < 0.95 ? 'business' : r < 0.98 ? null : this.pick(['enterprise', 'bot', 'channel']);
		const id = this.newId(group);
		const name = this.chance(0.15)
			? null
			: group
				? this.pick(GROUPS)
				: type === 'business'
					? this.businessName()
					: this.personName();
		const labels = this.pickLabels();
		const label_ids: Record<string, boolean> = {};
		for (const label of labels) label_ids[labelId(label)] = true;
		// Built in place, in the seed's field order: this runs 100k times for the benchmark.
		return {
			contact_color: this.pick(CONTACT_COLORS),
			contact_id: id,
			contact_image: this.chance(0.7) ? avatarUrl(id, updatedAtUs) : null,
			contact_name: name,
			contact_type: type,
			is_imported: this.flag(0.8, 0.1),
			is_internal: this.flag(0.9, 0.03),
			is_my_contact: this.flag(0.7, 0.2),
			is_wa_contact: this.flag(0.02, 0.6),
			label_ids: labels.length === 0 && this.chance(0.02) ? null : label_ids,
			labels,
			org_id: DOUBLE_ORG_ID,
			updated_at: formatTimestamp(updatedAtUs),
		};
	}
}

export interface GenerateOptions {
	seed?: number;
	/** Contacts put first (newest), copied; default FIXED_CONTACTS. Pass [] for none. */
	fixed?: readonly Contact[];
}

/**
 * `count` contacts in total, newest first: copies of the fixed contacts, then generated
 * ones with ever older `updated_at`. Same seed, same list.
 */
export function generateContacts(count: number, options: GenerateOptions = {}): Contact[] {
	const seed = options.seed ?? 1;
	const head = (options.fixed ?? FIXED_CONTACTS).slice(0, Math.max(0, count)).map(copy);
	const factory = new ContactFactory(seed, new Set(head.map((c) => c.contact_id)));
	const rng = mulberry32(seed ^ 0x5bd1e995); // separate stream, so timing does not shift the contacts
	const contacts = head;
	let time = BASE_TIME_US;
	while (contacts.length < count) {
		contacts.push(factory.make(time));
		// Mostly bursts (imports, sync) with the odd long quiet spell.
		time -= rng() < 0.8 ? Math.floor(rng() * 2_000_000) : Math.floor(rng() * 3_600_000_000);
	}
	return contacts;
}

/** Group chats of the org that contacts may share; derived from the seed alone. */
function groupPool(seed: number): string[] {
	const rng = mulberry32(seed ^ 0x27d4eb2f);
	const pool: string[] = [];
	for (let i = 0; i < 24; i++) {
		let digits = '';
		for (let d = 0; d < 12; d++) digits += Math.floor(rng() * 10);
		pool.push(`120363${digits}@g.us`);
	}
	return pool;
}

/**
 * `chat_ids` for a single-contact read: its own 1-1 chat (id = contact id) and 0–4 common
 * groups, the same every time for the same contact and seed.
 */
export function chatIdsFor(contactId: string, seed = 1): string[] {
	if (contactId.endsWith('@g.us')) return [contactId];
	const pool = groupPool(seed);
	const rng = mulberry32(hash(contactId) ^ seed);
	const groups = new Set<string>();
	const n = Math.floor(rng() * 5);
	while (groups.size < n) groups.add(pool[Math.floor(rng() * pool.length)]);
	return [contactId, ...groups];
}
