// Loads every page with a ContactPager and a sink that keeps the latest version of each contact,
// in the order first seen: the pager's rules, without the store. For the paging tests.
import { ContactPager, type NextPageOptions, type PagerOptions, type PageResult } from '../../src/api/paging';
import type { ListClient } from '../../src/api/pageSource';
import type { Contact } from '../../src/api/types';

export interface LoadAllResult {
	contacts: Contact[];
	/** Distinct contacts loaded. */
	seen: number;
	/** What the API said the org holds (-1 if unknown). */
	reportedTotal: number;
	malformed: number;
	/** The walk could not prove it saw every contact. */
	listChanged: boolean;
}

export async function loadAllContacts(
	client: ListClient,
	pageSize: number,
	opts: NextPageOptions & { maxPages?: number; onPage?: (page: PageResult, pager: ContactPager) => void; onNotice?: (text: string) => void } = {},
): Promise<LoadAllResult> {
	const { pager, contacts } = countingPager(client, pageSize, { maxPages: opts.maxPages, onNotice: opts.onNotice });
	try {
		while (!pager.done) {
			const page = await pager.next(opts);
			opts.onPage?.(page, pager);
		}
	} finally {
		pager.cancel();
	}
	return { contacts: contacts(), seen: pager.seenCount, reportedTotal: pager.reportedTotal, malformed: pager.malformed, listChanged: pager.listChanged };
}

/** A pager whose sink keeps the latest version of each contact it was handed, in the order first seen. */
export function countingPager(client: ListClient, pageSize: number, options: Omit<PagerOptions, 'sink'> = {}): { pager: ContactPager; contacts: () => Contact[] } {
	const byId = new Map<string, Contact>();
	const pager = new ContactPager(client, pageSize, {
		...options,
		sink: (rows) => {
			let added = 0;
			let unchanged = 0;
			for (const row of rows) {
				const before = byId.get(row.contact_id);
				if (!before) added++;
				else if (before.updated_at === row.updated_at) unchanged++;
				byId.set(row.contact_id, row);
			}
			return { added, unchanged };
		},
	});
	return { pager, contacts: () => [...byId.values()] };
}
