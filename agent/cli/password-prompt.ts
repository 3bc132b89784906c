import { StringDecoder } from 'node:string_decoder';
import { DockError } from '../errors.ts';
import { withWords } from '../i18n/error-words.ts';
import { type Said, said, sayIn } from '../i18n/said.ts';

/** A stdin that may be a terminal (process.stdin, or a stream in tests). */
export type PasswordInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/** No password was given: the prompt was cancelled or the input ended first (why, from the catalogue). */
export class NoPasswordError extends DockError {
  constructor(why: Said) {
    super('NO_PASSWORD', sayIn('en', why));
    withWords(this, why.key, why.params);
  }
}

/** The password and its repetition differ. */
export class PasswordMismatchError extends DockError {
  constructor() {
    super('PASSWORD_MISMATCH', sayIn('en', said('cli.pw.mismatch')));
    withWords(this, 'cli.pw.mismatch');
  }
}

/** Whether `input` is a terminal we can read a password from without echo. */
export function isTerminal(input: PasswordInput): boolean {
  return input.isTTY === true && typeof input.setRawMode === 'function';
}

/**
 * Read one password from a terminal in raw mode: nothing is echoed, not even stars.
 * Backspace and Ctrl-U edit; Enter ends; Ctrl-C or Ctrl-D on an empty line cancel.
 */
export function promptHidden(
  input: PasswordInput,
  output: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  // Echo off before the prompt shows, so nothing typed after seeing it is ever echoed.
  input.setRawMode?.(true);
  output.write(prompt);
  const decoder = new StringDecoder('utf8');
  let chars: string[] = [];
  return new Promise<string>((resolve, reject) => {
    const finish = (err: Error | null) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(chars.join(''));
    };
    const onEnd = () => finish(new NoPasswordError(said('cli.pw.ended')));
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      // An escape sequence (arrow keys, function keys) arrives as one chunk: it is not password text.
      if (text.startsWith('\u001b')) return;
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new NoPasswordError(said('cli.pw.cancelled')));
        if (ch === '\u0004')
          return finish(chars.length ? null : new NoPasswordError(said('cli.pw.cancelled')));
        if (ch === '\u007f' || ch === '\b') chars.pop();
        else if (ch === '\u0015') chars = [];
        else if (ch >= ' ') chars.push(ch);
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

/** Read the first line of `input` (for --password-stdin), without its line ending. */
export async function readFirstLine(input: NodeJS.ReadableStream, maxBytes = 4096): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let bytes = 0;
  let complete = false;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buf.length;
    text += decoder.write(buf);
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      text = text.slice(0, nl);
      complete = true;
      break;
    }
    if (bytes > maxBytes) throw new NoPasswordError(said('cli.pw.lineTooLong', { max: maxBytes }));
  }
  if (!complete) text += decoder.end();
  text = text.replace(/\r$/, '');
  if (text === '') throw new NoPasswordError(said('cli.pw.empty'));
  return text;
}

/** Read the first `count` lines of `input` (for --password-stdin with several signers). */
export async function readLines(
  input: NodeJS.ReadableStream,
  count: number,
  maxBytes = 16_384,
): Promise<string[]> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let bytes = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buf.length;
    text += decoder.write(buf);
    if (text.split('\n').length > count) break;
    if (bytes > maxBytes) throw new NoPasswordError(said('cli.pw.tooLong', { max: maxBytes }));
  }
  text += decoder.end();
  const lines = text
    .split('\n')
    .slice(0, count)
    .map((l) => l.replace(/\r$/, ''));
  if (lines.length < count || lines.some((l) => l === ''))
    throw new NoPasswordError(said('cli.pw.fewer', { n: count }));
  return lines;
}
