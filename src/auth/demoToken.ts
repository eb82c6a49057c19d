// The demo's token: handed in by `npm run demo`, honoured only in development mode.
import * as vscode from 'vscode';
import type { BaseUrl } from '../api/baseUrl';
import type { TokenStore } from './tokenStore';

/**
 * `npm run demo` runs code-server, whose web SecretStorage is lost on every reload; in
 * development mode only, it hands the double's token in through PERISKOPE_DEMO_TOKEN.
 * It still goes into SecretStorage like any other token, bound to the demo's API double.
 */
export async function seedDemoToken(mode: vscode.ExtensionMode, tokens: TokenStore, apiBase: BaseUrl, log: vscode.LogOutputChannel): Promise<void> {
	const demo = process.env.PERISKOPE_DEMO_TOKEN;
	if (!demo || !apiBase.ok || mode !== vscode.ExtensionMode.Development || (await tokens.get())) return;
	await tokens.set(demo, apiBase.origin);
	log.info(`Demo token from PERISKOPE_DEMO_TOKEN stored in secret storage (development mode), bound to ${apiBase.origin}.`);
}
