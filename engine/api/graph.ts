/** The renderer's way into engine/graph/ (the document, inference, advice and fixes, templates): the page imports the engine only through engine/api. */
export * from '../graph/document';
export * from '../graph/inference';
export * from '../graph/summary';
export * from '../graph/naming';
export * from '../graph/fixes';
export * from '../graph/connection';
export * from '../graph/templates';
export * from '../graph/advice';
export * from '../graph/resources';
export * from '../graph/dag';
export * from '../graph/build';
export * from '../graph/groups';
export * from '../graph/group-edits';
