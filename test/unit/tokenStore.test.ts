// The token store tells listeners once per change of the token: storing writes two secrets and
// VS Code echoes each back as a change event, which must not read as a second sign-in (a new token
// starts the contacts session over). A read that overlaps a write must not undo it. Runs on the
// bench's `vscode` stub (the store needs only EventEmitter) and a fake SecretStorage that echoes
// every write a turn later, as VS Code does.
import assert from 'node:assert/strict';
import type { TokenStore as TokenStoreClass } from '../../src/auth/tokenStore';
import { createVscodeStub, installVscodeModule } from '../bench/vscodeStub';

installVscodeModule(createVscodeStub({ calls: [], missing: [] }));
// Loaded after the stub is in place (esbuild initialises a required module on first use).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TokenStore } = require('../../src/auth/tokenStore') as { TokenStore: typeof TokenStoreClass };

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

class EchoingSecrets {
	readonly values = new Map<string, string>();
	private readonly listeners = new Set<(e: { key: string }) => unknown>();
	readonly onDidChange = (listener: (e: { key: string }) => unknown) => {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	};
	async get(key: string): Promise<string | undefined> {
		await turn();
		return this.values.get(key);
	}
	async store(key: string, value: string): Promise<void> {
		this.values.set(key, value);
		await turn();
		this.echo(key);
	}
	async delete(key: string): Promise<void> {
		this.values.delete(key);
		await turn();
		this.echo(key);
	}
	/** What another window's write looks like here: the value changes, then the event comes. */
	changeElsewhere(key: string, value: string | undefined): void {
		if (value === undefined) this.values.delete(key);
		else this.values.set(key, value);
		this.echo(key);
	}
	private echo(key: string): void {
		setImmediate(() => this.listeners.forEach((l) => l({ key })));
	}
}

/** Lets every echo and the reads they start settle. */
async function settle(): Promise<void> {
	for (let i = 0; i < 20; i++) await turn();
}

describe('TokenStore', () => {
	let secrets: EchoingSecrets;
	let store: TokenStoreClass;
	let told: boolean[];

	beforeEach(async () => {
		secrets = new EchoingSecrets();
		store = new TokenStore(secrets as never);
		told = [];
		store.onDidChange((signedIn) => told.push(signedIn));
		assert.equal(await store.get(), undefined);
	});
	afterEach(() => store.dispose());

	it('storing a token tells listeners once, though both secrets echo back', async () => {
		await store.set('token-a', 'https://api.periskope.app');
		await settle();
		assert.deepEqual(told, [true]);
		assert.deepEqual(await store.get(), { token: 'token-a', origin: 'https://api.periskope.app' });
	});

	it('the same token stored again is no change; another token is one', async () => {
		await store.set('token-a', 'https://api.periskope.app');
		await settle();
		await store.set('token-a', 'https://api.periskope.app');
		await settle();
		await store.set('token-b', 'https://api.periskope.app');
		await settle();
		assert.deepEqual(told, [true, true]);
		assert.equal((await store.get())?.token, 'token-b');
	});

	it('a read that overlaps a write never undoes it', async () => {
		// Another window's echo arrives while this one stores: its read may see the token missing.
		const setting = store.set('token-a', 'https://api.periskope.app');
		secrets.changeElsewhere('periskope.apiTokenOrigin', 'https://api.periskope.app');
		await setting;
		await settle();
		assert.deepEqual(told, [true]);
		assert.equal((await store.get())?.token, 'token-a');
	});

	it('sign-out tells once; a token set in another window tells once', async () => {
		await store.set('token-a', 'https://api.periskope.app');
		await settle();
		await store.clear();
		await settle();
		assert.deepEqual(told, [true, false]);
		secrets.changeElsewhere('periskope.apiTokenOrigin', 'https://api.periskope.app');
		secrets.changeElsewhere('periskope.apiToken', 'token-c');
		await settle();
		assert.deepEqual(told, [true, false, true]);
		assert.equal((await store.get())?.token, 'token-c');
	});
});
