// Setting keys and command ids in one place, and the one reader of the configuration.
import * as vscode from 'vscode';
import type { IdFormat } from './contacts/format';
import type { GroupBy } from './contacts/grouping';
import { MAX_PAGE_LIMIT } from './api/types';

export const SECTION = 'periskope';

export const Setting = {
	apiBaseUrl: 'apiBaseUrl',
	pageSize: 'pageSize',
	defaultGrouping: 'defaultGrouping',
	idFormat: 'idFormat',
	requestTimeoutSeconds: 'requestTimeoutSeconds',
} as const;

export const Command = {
	setToken: 'periskope.setToken',
	signOut: 'periskope.signOut',
	refresh: 'periskope.refresh',
	loadMore: 'periskope.loadMore',
	loadAll: 'periskope.loadAll',
	cancelLoad: 'periskope.cancelLoad',
	groupByType: 'periskope.groupByType',
	groupByLabel: 'periskope.groupByLabel',
	search: 'periskope.search',
	openContact: 'periskope.openContact',
	copyContactId: 'periskope.copyContactId',
	insertContactId: 'periskope.insertContactId',
	openInWhatsApp: 'periskope.openInWhatsApp',
	showMore: 'periskope.showMore',
	showLog: 'periskope.showLog',
} as const;

export const ContextKey = {
	signedIn: 'periskope.signedIn',
	groupBy: 'periskope.groupBy',
	loadingAll: 'periskope.loadingAll',
} as const;

export const VIEW_ID = 'periskope.contacts';
export const DEFAULT_BASE_URL = 'https://api.periskope.app/v1';

export interface Config {
	apiBaseUrl: string;
	pageSize: number;
	defaultGrouping: GroupBy;
	idFormat: IdFormat;
	requestTimeoutMs: number;
}

export function readConfig(): Config {
	const c = vscode.workspace.getConfiguration(SECTION);
	const pageSize = Math.floor(c.get<number>(Setting.pageSize, 500));
	const base = c.get<string>(Setting.apiBaseUrl, DEFAULT_BASE_URL).trim();
	return {
		apiBaseUrl: /^https?:\/\//.test(base) ? base : DEFAULT_BASE_URL,
		// Clamp here too: settings.json can hold anything, and the API answers 422 above 2000.
		pageSize: Math.min(MAX_PAGE_LIMIT, Math.max(1, Number.isFinite(pageSize) ? pageSize : 500)),
		defaultGrouping: c.get<string>(Setting.defaultGrouping) === 'label' ? 'label' : 'type',
		idFormat: c.get<string>(Setting.idFormat) === 'number' ? 'number' : 'full',
		requestTimeoutMs: Math.max(1, c.get<number>(Setting.requestTimeoutSeconds, 30)) * 1000,
	};
}

/** True when a configuration change touches our section (or one key of it). */
export function affects(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
	return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
}
