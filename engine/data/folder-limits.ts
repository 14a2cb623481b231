/**
 * The most files an image-folder import takes. Shared by the engine's `dataset-import-folder` schema and the hosts,
 * which refuse bigger folders before reading them; kept apart from the protocol so the page can import it without
 * zod.
 */
export const MAX_FOLDER_FILES = 20_000;
