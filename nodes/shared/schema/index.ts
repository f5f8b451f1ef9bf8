export * from './family';
export * from './cost';
export * from './references';
export * from './drafts';
export * from './knownIssues';
