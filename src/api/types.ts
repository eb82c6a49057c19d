// The Periskope contact as the API returns it (see docs/periskope-api.md).
// Every field is nullable in practice; unknown fields pass through untouched.

export interface Contact {
	contact_id: string;
	contact_name: string | null;
	contact_type: string | null;
	contact_color: string | null;
	contact_image: string | null;
	is_imported: boolean | null;
	is_internal: boolean | null;
	is_my_contact: boolean | null;
	is_wa_contact: boolean | null;
	label_ids: Record<string, boolean> | null;
	labels: string[];
	org_id: string | null;
	updated_at: string | null;
	/** Only on a single-contact read: its 1-1 chat and common groups. */
	chat_ids?: string[];
	/** Fields we do not model pass through. */
	[extra: string]: unknown;
}

/** One page of `GET /contacts`. */
export interface ContactPage {
	contacts: Contact[];
	/** Total contacts in the org, as the API reports it (-1 when it sent no usable number). */
	count: number;
	/** 1-based number of the first row served, and of the last (-1 when not usable). */
	from: number;
	to: number;
}

/** The API's maximum (and default) page size. */
export const MAX_PAGE_LIMIT = 2000;
