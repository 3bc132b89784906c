// Entry module of the media probe's worker thread: parses one MP4 movie box with mp4box under
// the heap limit and time limit the probe sets. A hostile box can make mp4box allocate or loop
// without end; here that ends this worker, never the dock (media-probe.ts).
import { parentPort } from 'node:worker_threads';
import { createFile, Log, type Movie, MP4BoxBuffer } from 'mp4box';

// mp4box prints parse errors of every malformed file straight to the console; for the dock a
// malformed file is an expected case (reported as 'unparseable'), not a log line.
Object.assign(Log, { error: () => {}, warn: () => {} });

/** A request: an `ftyp` box followed by the bytes of the file's `moov` box. */
export interface ProbeRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** A reply: the movie header's times, or null when mp4box found none. */
export interface ProbeReply {
  readonly id: number;
  readonly movie: { readonly created: number; readonly timescale: number; readonly duration: number } | null;
  readonly error: string | null;
}

function parse(bytes: Uint8Array): ProbeReply['movie'] {
  const file = createFile();
  let movie: Movie | null = null;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = () => {};
  const buffer = new MP4BoxBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  buffer.fileStart = 0;
  file.appendBuffer(buffer, true);
  file.flush();
  const m = movie as Movie | null;
  if (!m) return null;
  return { created: m.created.getTime(), timescale: m.timescale, duration: m.duration };
}

parentPort?.postMessage({ ready: true }); // loaded: the probe's time limit starts per request from here

parentPort?.on('message', (request: ProbeRequest) => {
  let reply: ProbeReply;
  try {
    reply = { id: request.id, movie: parse(request.bytes), error: null };
  } catch (err) {
    reply = { id: request.id, movie: null, error: (err as Error)?.message ?? String(err) };
  }
  parentPort?.postMessage(reply);
});
