/**
 * Monaco from the bundle, never from a CDN: @monaco-editor/react would otherwise fetch it (the CSP forbids that and
 * the editor would stay on "Loading…"). One editor worker serves every language we use (Python needs no service).
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
loader.config({ monaco });

export { monaco };
