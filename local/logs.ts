/**
 * Where the handlers' logs go under `npm start`: the Powertools Logger writes one JSON object per
 * line to stdout or stderr, as in Lambda. Diverted, those lines are appended to a file and only
 * the rest (the banner, notifications, errors) reaches the console.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

type Write = typeof process.stdout.write;

/** A line the Powertools Logger wrote: one JSON object. */
const isJsonLog = (text: string): boolean => text.startsWith('{') && text.trimEnd().endsWith('}');

/**
 * Sends every JSON log line written to stdout or stderr to `file` from now on. Returns a
 * function that restores the streams.
 */
export function divertJsonLogs(file: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    const diverted = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      if (isJsonLog(text)) {
        appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
        const callback = rest.find((r): r is () => void => typeof r === 'function');
        callback?.();
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    };
    stream.write = diverted as Write;
    restore.push(() => {
      if (stream.write === (diverted as Write)) stream.write = original;
    });
  }
  return () => restore.forEach((r) => r());
}
