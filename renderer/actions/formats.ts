/** The format functions the editor's file actions use, as one lazily loaded chunk. */
// Before any module that defines a zod schema (the project file's).
import '../zod-config';
export * from '../../engine/api/file-formats';
export { appTrainingScript } from './training-script';
