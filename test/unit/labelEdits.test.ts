// What Edit Labels does to each contact, and how the confirmation says it.
import assert from 'node:assert/strict';
import { describePlan, labelBatches, labelChoices, labelProblem, planIsEmpty, planLabels } from '../../src/contacts/labelEdits';
import { contact } from './fixtures';

const a = contact('1', { contact_name: 'Ada', labels: ['vip', 'support'] });
const b = contact('2', { contact_name: 'Bo', labels: ['VIP', 'support'] });
const c = contact('3', { contact_name: 'Cy', labels: ['vip', 'Support', 'lead'] });

describe('Label edits', () => {
	it('the picker: the selection\'s labels picked (most common first, with how many have them), other known labels after', () => {
		const choices = labelChoices([a, b, c], ['partner', 'VIP', 'beta']);
		assert.deepEqual(choices.map((x) => [x.label, x.on, x.picked]), [
			['support', 3, true],
			['vip', 3, true],
			['lead', 1, true],
			['beta', 0, false],
			['partner', 0, false],
		]);
	});

	it('same labels everywhere: labels become the picked ones; the confirmation names count, result and removals', () => {
		const plan = planLabels([a, b], ['vip', 'lead'], ['vip', 'lead', 'support']);
		assert.deepEqual(plan.changes.map((x) => x.after), [['vip', 'lead'], ['VIP', 'lead']]);
		assert.deepEqual(plan.removed, ['support']);
		assert.equal(describePlan(plan).title, '2 contacts: labels become vip, lead; removed: support');
		assert.match(describePlan(plan).detail, /replaces all labels of each contact/);
		assert.equal(labelBatches(plan).length, 1, 'same labels case-insensitively: one request');
	});

	it('differing labels are kept per contact and said so, never flattened', () => {
		const plan = planLabels([a, b, c], ['vip', 'support', 'lead', 'new one'], ['vip', 'support', 'lead']);
		assert.deepEqual(plan.changes.map((x) => x.after), [
			['vip', 'support', 'new one'],
			['VIP', 'support', 'new one'],
			['vip', 'Support', 'lead', 'new one'],
		]);
		assert.deepEqual(plan.kept, [{ label: 'lead', on: 1 }]);
		assert.deepEqual(plan.added, ['new one']);
		assert.deepEqual(plan.created, ['new one']);
		const text = describePlan(plan);
		assert.equal(text.title, '3 contacts have different labels: kept as they are: lead (on 1 of 3); added to all: new one');
		assert.match(text.detail, /New labels are created: new one\./);
		assert.match(text.detail, /Cy: vip, Support, lead, new one/);
		assert.equal(labelBatches(plan).length, 2, 'two distinct results, two requests');
	});

	it('removing a label some contacts had takes it from them only; one contact is named', () => {
		const plan = planLabels([a, c], ['vip', 'support'], []);
		assert.deepEqual(plan.changes.map((x) => x.after), [['vip', 'support'], ['vip', 'Support']]);
		assert.deepEqual(plan.removed, ['lead']);
		assert.deepEqual(labelBatches(plan).map((x) => x.contacts.map((y) => y.contact_id)), [['3@c.us']], 'only the changed contact is sent');
		assert.equal(describePlan(planLabels([a], [], [])).title, 'Ada: labels become none; removed: support, vip');
	});

	it('nothing changes when the picks are the labels they have, in any case', () => {
		assert.equal(planIsEmpty(planLabels([a, b], ['SUPPORT', 'vip'], [])), true);
		assert.equal(planIsEmpty(planLabels([a, b], ['support'], [])), false);
	});

	it('a label must be sendable', () => {
		assert.equal(labelProblem('ok'), undefined);
		assert.match(labelProblem('a,b')!, /comma/);
		assert.match(labelProblem('  ')!, /empty/);
	});
});
