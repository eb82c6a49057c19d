// Setting keys and command ids in one place, and the one reader of the configuration.
import * as vscode from 'vscode';
import type { IdFormat } from './contacts/format';
import type { GroupBy } from './contacts/grouping';
import { MAX_PAGE_LIMIT } from './api/types';
import { BaseUrl, parseBaseUrl } from './api/baseUrl';
import { CACHE_MAX_AGE_MINUTES, clampInt, PAGE_SIZE, TIMEOUT_SECONDS } from './contacts/settingValues';

export const SECTION = 'periskope';

export const Setting = {
	apiBaseUrl: 'apiBaseUrl',
	pageSize: 'pageSize',
	defaultGrouping: 'defaultGrouping',
	idFormat: 'idFormat',
	requestTimeoutSeconds: 'requestTimeoutSeconds',
	cacheEnabled: 'cache.enabled',
	cacheRevalidateAfterMinutes: 'cache.revalidateAfterMinutes',
	codeFeaturesEnabled: 'codeFeatures.enabled',
	codeFeaturesExcludedLanguages: 'codeFeatures.excludedLanguages',
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
	allowApiOrigin: 'periskope.allowApiOrigin',
	clearCache: 'periskope.clearCache',
	filter: 'periskope.filter',
	clearFilter: 'periskope.clearFilter',
	editLabels: 'periskope.editLabels',
	renameContact: 'periskope.renameContact',
	toggleInternal: 'periskope.toggleInternal',
	revealContact: 'periskope.revealContact',
	toggleCodeFeatures: 'periskope.toggleCodeFeatures',
	toggleCodeFeaturesForLanguage: 'periskope.toggleCodeFeaturesForLanguage',
} as const;

export const ContextKey = {
	signedIn: 'periskope.signedIn',
	groupBy: 'periskope.groupBy',
	loadingAll: 'periskope.loadingAll',
	filtered: 'periskope.filtered',
} as const;

export const VIEW_ID = 'periskope.contacts';
export const DEFAULT_BASE_URL = 'https://api.periskope.app/v1';

export interface Config {
	/** Parsed and checked: a refused URL is kept as refused (with its reason), never replaced. */
	apiBase: BaseUrl;
	pageSize: number;
	defaultGrouping: GroupBy;
	idFormat: IdFormat;
	requestTimeoutMs: number;
	cacheEnabled: boolean;
	cacheMaxAgeMs: number;
	/** Hover, links and completion for contact ids in editors. */
	codeFeatures: { enabled: boolean; excludedLanguages: readonly string[] };
}

export function readConfig(): Config {
	const c = vscode.workspace.getConfiguration(SECTION);
	return {
		// Application-scoped in package.json, so only the user's own settings can name it.
		apiBase: parseBaseUrl(c.get<unknown>(Setting.apiBaseUrl, DEFAULT_BASE_URL)),
		// settings.json can hold anything: clamp to what the API and a sane request accept.
		pageSize: clampInt(c.get<unknown>(Setting.pageSize), PAGE_SIZE.min, MAX_PAGE_LIMIT, PAGE_SIZE.fallback),
		defaultGrouping: c.get<string>(Setting.defaultGrouping) === 'label' ? 'label' : 'type',
		idFormat: c.get<string>(Setting.idFormat) === 'number' ? 'number' : 'full',
		requestTimeoutMs: clampInt(c.get<unknown>(Setting.requestTimeoutSeconds), TIMEOUT_SECONDS.min, TIMEOUT_SECONDS.max, TIMEOUT_SECONDS.fallback) * 1000,
		// Anything but an explicit false keeps the cache on (a wrong value must not silently drop it).
		cacheEnabled: c.get<unknown>(Setting.cacheEnabled) !== false,
		cacheMaxAgeMs: clampInt(c.get<unknown>(Setting.cacheRevalidateAfterMinutes), CACHE_MAX_AGE_MINUTES.min, CACHE_MAX_AGE_MINUTES.max, CACHE_MAX_AGE_MINUTES.fallback) * 60_000,
		codeFeatures: {
			enabled: c.get<unknown>(Setting.codeFeaturesEnabled) !== false,
			excludedLanguages: stringList(c.get<unknown>(Setting.codeFeaturesExcludedLanguages)),
		},
	};
}

/** A list of strings from settings.json, whatever it holds. */
function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** True when a configuration change touches our section (or one key of it). */
export function affects(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
	return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
}
