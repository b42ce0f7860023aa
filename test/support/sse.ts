import { get, IncomingMessage } from 'node:http';

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

export interface SseConnection {
  readonly frames: SseFrame[];
  readonly response: Promise<IncomingMessage>;
  readonly ended: Promise<void>;
  close(): void;
  pause(): void;
  resume(): void;
  /** Resolves when `condition` holds on the frames received, or rejects after the timeout. */
  until(condition: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** A raw Server-Sent Events client over a real socket, for tests. */
export function connectSse(port: number, path: string, headers: Record<string, string> = {}): SseConnection {
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  let request: ReturnType<typeof get> | undefined;
  let message: IncomingMessage | undefined;
  let endedResolve!: () => void;
  const ended = new Promise<void>((resolve) => (endedResolve = resolve));
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request = get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } }, (incoming) => {
      message = incoming;
      resolve(incoming);
      let buffer = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || !line.includes(':')) continue;
            const at = line.indexOf(':');
            frame[line.slice(0, at)] = line.slice(at + 1).replace(/^ /, '');
          }
          if (frame.data !== undefined || frame.event !== undefined) frames.push(frame);
        }
        for (const waiter of waiters) waiter();
      });
      incoming.on('end', () => {
        endedResolve();
        for (const waiter of waiters) waiter();
      });
      incoming.on('error', () => endedResolve());
    });
    request.on('error', reject);
  });
  return {
    frames,
    response,
    ended,
    close: () => request?.destroy(),
    pause: () => message?.pause(),
    resume: () => message?.resume(),
    until(condition, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (condition(frames)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`condition not met; ${frames.length} frames received`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export const eventFrames = (frames: SseFrame[]) => frames.filter((frame) => frame.id !== undefined);
