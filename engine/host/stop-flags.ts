/**
 * Trainings in flight by request id, so a `stop` request reaches them at once. Kept apart from the (lazily
 * loaded) training handlers so that answering `stop` never waits for a module to load while batches go on.
 */
export const stopFlags = new Map<string, { stop: boolean }>();

export function stopTraining(target: string): boolean {
  const flag = stopFlags.get(target);
  if (flag) flag.stop = true;
  return Boolean(flag);
}
