// The tslab kernel as milab starts it (the kernelspec that environment/setup.sh writes points
// here): tslab itself, with two upstream bugs worked around, both of which lost a notebook's
// output.
//
// 1. tslab sends every Jupyter message with `socket.send(...)` and never awaits it
//    (tslab/dist/jupyter.js, ZmqMessage.signAndSend). zeromq.js 6 allows one send in progress per
//    socket: after 512 sends in one tick (its guard against starving the event loop), or whenever
//    the socket cannot take a message at once (a busy machine), a send is deferred and the next one
//    throws EBUSY, "Socket is busy writing". tslab's uncaughtException handler logs that and the
//    message is lost: a cell's output line, a display, or the status message the client waits for.
//    With TF.js's wasm backend loaded, whose Emscripten glue rethrew every uncaught exception, the
//    kernel died with exit status 7 instead (seen in 000-mmim under load;
//    lib/src/backend/backend.ts removes that handler). Here every socket's sends are queued one
//    after the other.
// 2. The IOPub socket is a zeromq PUB socket, which silently drops messages for a subscriber whose
//    queue holds 1000 (the default high-water mark): a burst of output that the client reads more
//    slowly than the kernel writes it, as on a loaded machine, lost lines (25 of 2000 in a test).
//    Here a publisher's queue is unbounded; it holds what the client has not read yet.
import * as zmq from 'zeromq';

type Send = (...args: unknown[]) => Promise<void>;
const PATCHED = Symbol.for('milab.losslessZmq');

/** Make zeromq lose no message: each socket's send() starts only after its previous send finished,
 * and a Publisher created afterwards queues without limit. Idempotent. */
export function makeZmqLossless(): void {
  const proto = zmq.Socket.prototype as unknown as { send: Send; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const send = proto.send;
  // The last send of each socket; a failed send does not block the ones after it.
  const tails = new WeakMap<object, Promise<void>>();
  function serializedSend(this: object, ...args: unknown[]): Promise<void> {
    const previous = tails.get(this) ?? Promise.resolve();
    const sent = previous.then(() => send.apply(this, args));
    tails.set(
      this,
      sent.catch(() => undefined),
    );
    return sent;
  }
  // The native method is read-only but configurable.
  Object.defineProperty(proto, 'send', {
    value: serializedSend,
    writable: false,
    configurable: true,
  });

  // tslab creates its IOPub socket as `new zmq.Publisher()` from this module's exports (a writable
  // property); the socket options can only be given to the constructor or set before it binds.
  const Publisher = zmq.Publisher;
  class UnboundedPublisher extends Publisher {
    constructor(options: ConstructorParameters<typeof zmq.Publisher>[0] = {}) {
      super({ sendHighWaterMark: 0, ...options }); // 0: no limit
    }
  }
  (zmq as unknown as Record<string, unknown>).Publisher = UnboundedPublisher;
  Object.defineProperty(proto, PATCHED, { value: true });
}

/** Exit when the process that started the kernel is gone (as ipykernel's parent poller does): a
 * kernel whose executor or Jupyter server died would otherwise keep computing, unseen, for
 * hours. */
function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      process.stderr.write(
        `tslab kernel: the process that started it (pid ${parent}) is gone; exiting\n`,
      );
      process.exit(1);
    }
  }, 2000).unref();
}

if (require.main === module) {
  makeZmqLossless();
  exitWithParent();
  // tslab's own entry point (node_modules/.bin/tslab): it reads `kernel --config-path FILE` from
  // argv.
  (require('tslab/dist/main.js') as { main: () => void }).main();
}
