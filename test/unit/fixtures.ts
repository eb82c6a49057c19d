// Small hand-made contacts for unit tests of src/contacts.
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
