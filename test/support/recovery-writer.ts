/**
 * A process that does nothing but autosave: RecoveryStore.save in a loop, each snapshot numbered, ~2 MB each.
 * test/electron/recovery-store.test.ts kills it at random moments and checks the slot always reads whole.
 * Usage: node --import tsx test/support/recovery-writer.ts <slot file>
 */
import { RecoveryStore } from '../../electron/main/recovery-store';

const file = process.argv[2];
if (!file) throw new Error('usage: recovery-writer.ts <slot file>');
const store = new RecoveryStore(file);
const filler = 'A'.repeat(2 * 2 ** 20);
for (let n = 1; ; n += 1) {
  store.save({ savedAt: n, title: `snapshot ${n}`, project: JSON.stringify({ n, filler }) });
  if (n === 1) process.stdout.write('writing\n');
}
