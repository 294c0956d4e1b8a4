// A stand-in for a running tslab kernel: the display helpers find tslab's writer in require.cache
// (tslab/dist/jupyter.js, `lastWriteDisplayData`); registering a fake module there captures what
// they would send to Jupyter.
import * as path from 'node:path';

export interface SentMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
  update: boolean;
}

export function installFakeKernel(): { sent: SentMessage[]; uninstall(): void } {
  const file = path.join(__dirname, 'fake-kernel', 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const sent: SentMessage[] = [];
  const exports = {
    lastWriteDisplayData: (message: Omit<SentMessage, 'update'>, update: boolean) =>
      sent.push({ ...message, update }),
  };
  require.cache[file] = {
    id: file,
    filename: file,
    loaded: true,
    exports,
  } as unknown as NodeJS.Module;
  return {
    sent,
    uninstall: () => {
      delete require.cache[file];
    },
  };
}
