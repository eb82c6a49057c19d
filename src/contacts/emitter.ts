// A tiny event emitter with the same shape as vscode.Event, so src/contacts stays free
// of the vscode module and the views can still subscribe with a disposable.

export interface Disposable {
	dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
	private listeners = new Set<Listener<T>>();

	readonly event = (listener: Listener<T>): Disposable => {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	};

	fire(value: T): void {
		for (const listener of [...this.listeners]) listener(value);
	}

	dispose(): void {
		this.listeners.clear();
	}
}
