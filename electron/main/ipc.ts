/**
 * The renderer → main handlers. Every message is checked before it is answered: the sender must be our page's top
 * frame and the arguments must match the channel's schema (electron/common/ipc-schemas.ts); anything else is
 * refused and logged.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { checkIpc, type ArgsOf, type InboundChannel, type SenderInfo } from '../common/ipc-schemas';

function senderOf(event: IpcMainEvent | IpcMainInvokeEvent): SenderInfo | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isTopFrame: frame.parent === null };
}

/** An invoke channel: the renderer awaits the handler's result; a refused call rejects. */
export function handle<C extends InboundChannel>(
  channel: C,
  handler: (event: IpcMainInvokeEvent, ...args: ArgsOf<C>) => unknown,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => {
    const check = checkIpc(channel, senderOf(event), args);
    if (!check.ok) {
      console.warn(`IPC: ${check.reason}`);
      throw new Error(check.reason);
    }
    return handler(event, ...(check.args as ArgsOf<C>));
  });
}

/** A one-way channel: refused messages are dropped. */
export function listen<C extends InboundChannel>(
  channel: C,
  handler: (event: IpcMainEvent, ...args: ArgsOf<C>) => void,
): void {
  ipcMain.on(channel, (event, ...args: unknown[]) => {
    const check = checkIpc(channel, senderOf(event), args);
    if (!check.ok) {
      console.warn(`IPC: ${check.reason}`);
      return;
    }
    handler(event, ...(check.args as ArgsOf<C>));
  });
}
