/**
 * What main accepts on each renderer → main channel, and the checks it runs before answering: the sender must
 * be our page (app://layercanvas, top frame) and the payload must match its schema. Pure: testable without
 * Electron, with plain objects standing in for IPC events.
 */
import { z } from 'zod';
import { APP_ORIGIN, CHANNELS } from './channels';

const filters = z
  .array(z.object({ name: z.string().max(200), extensions: z.array(z.string().regex(/^(\*|[\w.-]{1,20})$/)).max(50) }))
  .max(20)
  .optional();

/** The largest autosave snapshot main keeps: a project file (weights as base64) of a big model. */
export const MAX_RECOVERY_CHARS = 512 * 2 ** 20;

export const recoverySnapshotSchema = z.object({
  savedAt: z.number().finite().nonnegative(),
  title: z.string().max(500),
  file: z.object({ name: z.string().min(1).max(255), path: z.string().min(1).max(4096).optional() }).optional(),
  project: z.string().max(MAX_RECOVERY_CHARS),
});

export const IPC_SCHEMAS = {
  [CHANNELS.openFile]: z.tuple([filters]),
  [CHANNELS.openFolder]: z.tuple([]),
  [CHANNELS.saveFile]: z.tuple([
    z.object({
      suggestedName: z.string().min(1).max(255),
      data: z.union([z.string(), z.instanceof(Uint8Array)]),
      path: z.string().min(1).max(4096).optional(),
      filters,
      backup: z.boolean().optional(),
    }),
  ]),
  [CHANNELS.recentFiles]: z.tuple([]),
  [CHANNELS.documentState]: z.tuple([z.object({ title: z.string().max(500), dirty: z.boolean() })]),
  [CHANNELS.theme]: z.tuple([z.enum(['system', 'light', 'dark'])]),
  [CHANNELS.requestEnginePort]: z.tuple([]),
  [CHANNELS.restartEngine]: z.tuple([]),
  [CHANNELS.engineCancelled]: z.tuple([z.string().min(1).max(200)]),
  [CHANNELS.recoveryRead]: z.tuple([]),
  [CHANNELS.recoveryWrite]: z.tuple([recoverySnapshotSchema]),
  [CHANNELS.recoveryClear]: z.tuple([]),
} as const;

export type InboundChannel = keyof typeof IPC_SCHEMAS;
export type ArgsOf<C extends InboundChannel> = z.infer<(typeof IPC_SCHEMAS)[C]>;

/** The parts of an IPC event the sender check needs (Electron's event.senderFrame has these). */
export interface SenderInfo {
  url: string | undefined;
  /** Whether the sending frame is the window's top frame (no iframe may talk to main). */
  isTopFrame: boolean;
}

export function isTrustedSender(sender: SenderInfo | null | undefined): boolean {
  if (!sender?.url || !sender.isTopFrame) return false;
  try {
    const url = new URL(sender.url);
    // URL.origin is "null" for non-special schemes, so compare scheme and host directly.
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export type IpcCheck<C extends InboundChannel> = { ok: true; args: ArgsOf<C> } | { ok: false; reason: string };

export function checkIpc<C extends InboundChannel>(
  channel: C,
  sender: SenderInfo | null | undefined,
  args: unknown[],
): IpcCheck<C> {
  if (!isTrustedSender(sender)) {
    return {
      ok: false,
      reason: `refused ${channel} from ${sender?.url ?? 'an unknown frame'}${sender && !sender.isTopFrame ? ' (not the top frame)' : ''}`,
    };
  }
  const schema = IPC_SCHEMAS[channel];
  if (!schema) return { ok: false, reason: `unknown channel '${channel}'` };
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `bad arguments for ${channel}: ${issue.path.join('.') || '(arguments)'}: ${issue.message}`,
    };
  }
  return { ok: true, args: parsed.data as ArgsOf<C> };
}
