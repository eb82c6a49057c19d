// Small hand-made contacts for unit tests of src/contacts, and an assertion the API tests share.
import assert from 'node:assert/strict';
import { PeriskopeApiError } from '../../src/api/errors';
import type { CachedRows } from '../../src/contacts/cachedRows';
import type { Contact } from '../../src/api/types';

export function contact(id: string, fields: Partial<Contact> = {}): Contact {
	return {
		contact_id: id.includes('@') ? id : `${id}@c.us`,
		contact_name: null,
		contact_type: 'user',
		contact_color: '#25D366',
		contact_image: null,
		is_imported: null,
		is_internal: null,
		is_my_contact: null,
		is_wa_contact: true,
		label_ids: {},
		labels: [],
		org_id: 'org',
		updated_at: '2025-01-20T11:36:51.793829+00:00',
		...fields,
	};
}

/** Awaits a promise that must fail with a PeriskopeApiError, and returns that error. */
export async function rejectsWithApiError(promise: Promise<unknown>): Promise<PeriskopeApiError> {
	try {
		await promise;
	} catch (e) {
		assert.ok(e instanceof PeriskopeApiError, `expected PeriskopeApiError, got ${e}`);
		return e;
	}
	assert.fail('expected a rejection');
}

/** Every row of a cache file, built (the store builds them one at a time, when read). */
export function builtRows(rows: CachedRows): Contact[] {
	return Array.from({ length: rows.count }, (_, row) => rows.contact(row));
}
