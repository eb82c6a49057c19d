// The one gate between the token and the network: a request gets the token only for the
// origin the token is bound to. Another origin needs the user's yes in a modal that names
// both hosts; "no" sends nothing and is remembered until the user asks again.
import * as vscode from 'vscode';
import type { TokenTarget } from '../api/client';
import { PeriskopeApiError } from '../api/errors';
import type { TokenStore } from './tokenStore';

export const SEND_TOKEN = 'Send Token';

export class TokenGuard {
	/** Origins the user refused this session. */
	private readonly refused = new Set<string>();
	/** One question per origin at a time, however many requests wait for it. */
	private readonly asking = new Map<string, Promise<boolean>>();

	constructor(
		private readonly tokens: TokenStore,
		private readonly log: vscode.LogOutputChannel,
	) {}

	/** The token for a request to `target`, undefined when signed out; throws 'tokenWithheld' when not allowed. */
	async tokenFor(target: TokenTarget): Promise<string | undefined> {
		const bound = await this.tokens.get();
		if (!bound) return undefined;
		if (bound.origin === undefined) {
			// Stored before tokens were bound: the user's own setting named this origin then and now.
			await this.tokens.rebind(target.origin);
			this.log.info(`API token bound to ${target.origin} (it was stored before tokens were bound to an origin).`);
			return bound.token;
		}
		if (bound.origin === target.origin) return bound.token;
		if (this.refused.has(target.origin)) throw withheld(bound.origin, target);
		let answer = this.asking.get(target.origin);
		if (!answer) {
			answer = this.ask(bound.origin, target).finally(() => this.asking.delete(target.origin));
			this.asking.set(target.origin, answer);
		}
		if (!(await answer)) throw withheld(bound.origin, target);
		// Another window may have signed out while the question was open.
		const now = await this.tokens.get();
		return now?.token === bound.token ? now.token : undefined;
	}

	/** Forget a "no" for this origin, so the next request asks again. */
	reconsider(origin?: string): void {
		if (origin) this.refused.delete(origin);
		else this.refused.clear();
	}

	private async ask(boundOrigin: string, target: TokenTarget): Promise<boolean> {
		const from = hostOf(boundOrigin);
		this.log.warn(`The API base URL moved from ${boundOrigin} to ${target.origin}: asking before the token goes there.`);
		// A dialog that cannot be shown (VS Code refuses modals in some hosts) counts as "no": nothing is sent.
		const choice = await Promise.resolve(vscode.window.showWarningMessage(
			`Send your Periskope API token to ${target.host}?`,
			{
				modal: true,
				detail: `Your token was set for ${from}. The periskope.apiBaseUrl setting now points at ${target.host}. Send the token there only if you trust that server; "Cancel" sends nothing.`,
			},
			SEND_TOKEN,
		)).catch((e: unknown) => {
			this.log.warn(`Could not ask before sending the token to ${target.host}: ${e instanceof Error ? e.message : String(e)}`);
			return undefined;
		});
		if (choice === SEND_TOKEN) {
			await this.tokens.rebind(target.origin);
			this.refused.delete(target.origin);
			this.log.info(`API token allowed for ${target.origin} and bound to it.`);
			return true;
		}
		this.refused.add(target.origin);
		this.log.info(`API token withheld from ${target.origin}: nothing was sent.`);
		return false;
	}
}

function withheld(boundOrigin: string, target: TokenTarget): PeriskopeApiError {
	return new PeriskopeApiError(
		'tokenWithheld',
		`Your API token was not sent to ${target.host}: it was set for ${hostOf(boundOrigin)}.`,
	);
}

function hostOf(origin: string): string {
	try {
		return new URL(origin).host;
	} catch {
		return origin;
	}
}
