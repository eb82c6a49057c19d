// The API double in a process of its own, for the load figures: a real API runs on another
// machine, so the time it spends building a page must not be taken from the client's thread.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import fetch from 'node-fetch';

export interface ChildDouble {
	/** Base URL including /v1. */
	readonly url: string;
	readonly token: string;
	/** API requests the double has answered so far (its own record, read over HTTP). */
	requestCount(): Promise<number>;
	close(): Promise<void>;
}

const CLI = path.resolve(__dirname, '..', 'double', 'cli.js');
const READY = /^Periskope API double: (\S+)/m;

export async function startChildDouble(options: { contacts: number; seed: number; token: string; rateLimit?: number; latencyMs?: number }): Promise<ChildDouble> {
	const args = [CLI, '--contacts', String(options.contacts), '--seed', String(options.seed), '--token', options.token, '--port', '0'];
	if (options.rateLimit !== undefined) args.push('--rate-limit', String(options.rateLimit));
	// A real network: every answer waits this long, as a round trip to the API would.
	if (options.latencyMs !== undefined) args.push('--latency', String(options.latencyMs));
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		let err = '';
		const onOut = (chunk: Buffer) => {
			out += chunk.toString();
			const ready = READY.exec(out);
			if (ready) settle(() => resolve(ready[1]));
		};
		const onErr = (chunk: Buffer) => (err += chunk.toString());
		const onExit = (code: number | null) => settle(() => reject(new Error(`the API double exited (${code}) before it was ready: ${err.trim()}`)));
		const timer = setTimeout(() => {
			child.kill();
			settle(() => reject(new Error('the API double did not start within 60 s')));
		}, 60_000);
		const settle = (done: () => void) => {
			clearTimeout(timer);
			child.stdout!.off('data', onOut);
			child.stderr!.off('data', onErr);
			child.off('exit', onExit);
			// Keep draining its output so a chatty double can never block on a full pipe.
			child.stdout!.resume();
			child.stderr!.resume();
			done();
		};
		child.stdout!.on('data', onOut);
		child.stderr!.on('data', onErr);
		child.on('exit', onExit);
	});
	const controlBase = url.replace(/\/v1$/, '');
	return {
		url,
		token: options.token,
		async requestCount() {
			const response = await fetch(`${controlBase}/__double/requests`, { headers: { authorization: `Bearer ${options.token}` } });
			return ((await response.json()) as unknown[]).length;
		},
		close: () => stop(child),
	};
}

function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill('SIGTERM');
	});
}
