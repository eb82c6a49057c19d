// Tree ids come from raw keys, so VS Code keeps expansion and selection across refreshes, and a
// contact under two labels is two distinct rows.
import assert from 'node:assert/strict';
import type { GroupBy } from '../../src/contacts/grouping';
import { ContactStore } from '../../src/contacts/store';
import { nodeId, type TreeNode } from '../../src/views/treeModel';
import { generateContacts } from '../double/generator';

function allNodes(store: ContactStore, by: GroupBy, withMessages = true): TreeNode[] {
	const nodes: TreeNode[] = [];
	for (const group of store.groups(by)) {
		nodes.push({ kind: 'group', by, group, complete: true });
		for (const contact of store.groupContacts(by, group.key)) nodes.push({ kind: 'contact', by, groupKey: group.key, contact });
		nodes.push({ kind: 'showMore', by, groupKey: group.key, shown: 1, size: 2 });
	}
	if (!withMessages) return nodes;
	nodes.push({ kind: 'loadMore', loaded: 1, total: 2, loading: false });
	for (const key of ['error', 'empty', 'changed', 'malformed']) nodes.push({ kind: 'message', key, label: key, icon: 'info' });
	return nodes;
}

describe('tree ids', () => {
	const contacts = () => generateContacts(3000, { seed: 11 });

	it('are unique across both groupings at once, with a contact under two labels twice', () => {
		const store = new ContactStore();
		store.ingest(contacts());
		const nodes = [...allNodes(store, 'type'), ...allNodes(store, 'label', false)];
		const ids = nodes.map(nodeId);
		assert.equal(new Set(ids).size, ids.length, 'no two nodes share an id');
		const twoLabels = store.groupContacts('label', store.groups('label')[0].key).find((c) => c.labels.length >= 2);
		if (twoLabels) {
			const rows = nodes.filter((n) => n.kind === 'contact' && n.by === 'label' && n.contact.contact_id === twoLabels.contact_id);
			assert.ok(rows.length >= 2);
		}
	});

	it('are stable across a refresh and across switching the grouping back and forth', () => {
		const first = new ContactStore();
		first.ingest(contacts());
		const before = { type: allNodes(first, 'type').map(nodeId), label: allNodes(first, 'label').map(nodeId) };
		// A refresh: the store is emptied and the same org loads again, in pages.
		first.clear();
		const again = contacts();
		for (let i = 0; i < again.length; i += 500) first.ingest(again.slice(i, i + 500));
		assert.deepEqual(allNodes(first, 'type').map(nodeId), before.type);
		assert.deepEqual(allNodes(first, 'label').map(nodeId), before.label);
		assert.deepEqual(allNodes(first, 'type').map(nodeId), before.type, 'and type again after label');
	});

	it('never come from display text: a renamed contact keeps its id', () => {
		const store = new ContactStore();
		const [one] = generateContacts(1, { seed: 2 });
		store.ingest([{ ...one }]);
		const id = nodeId({ kind: 'contact', by: 'type', groupKey: store.groups('type')[0].key, contact: store.get(one.contact_id)! });
		store.ingest([{ ...one, contact_name: 'Someone Else' }]);
		assert.equal(nodeId({ kind: 'contact', by: 'type', groupKey: store.groups('type')[0].key, contact: store.get(one.contact_id)! }), id);
	});
});
