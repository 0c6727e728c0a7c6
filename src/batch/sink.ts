/**
 * Where a batch's records go, one per note in input order, then a close with the summary. The CLI
 * writes an output format to stdout or a file (`formatSink`); tests and the HTTP server keep the
 * records (`memorySink`); a later sink (database tables) is one more implementation.
 */
import type { OutputSink } from '../io/sink.js';
import type { OutputFormat, OutputSummary, WriterOptions } from '../output/format-types.js';
import type { ErrorResult, Result } from '../output/schema.js';
import type { JsonRecordWriter } from '../output/writers.js';
import type { BatchRecord } from './records.js';

export interface ResultSink {
  /** Once, before the first record (a document's opening). */
  open(): Promise<void> | void;
  /** One note's record, in input order. The runner waits for it: a slow output slows the reading. */
  write(record: BatchRecord): Promise<void> | void;
  /**
   * After the last record, also after an interruption: the counts of what was written. Flush and
   * close; throws when the output cannot be written.
   */
  close(summary: OutputSummary): Promise<void> | void;
  /** The run failed (the output, or a bug), not a note: drop what is pending. Never throws. */
  abort(error: unknown): void;
}

/**
 * An output format (`--format`: json, ndjson, fhir) written to an OutputSink (stdout or a file, with
 * backpressure). Records made on a worker thread come as the UTF-8 bytes of their JSON: a writer
 * that frames serialized records (`resultFrame`, `errorJson`) gets them written as they are, with
 * no text on this thread; otherwise they are parsed for `result()` / `error()`.
 */
export function formatSink(format: OutputFormat, options: WriterOptions, out: OutputSink): ResultSink {
  const writer: JsonRecordWriter = format.create(options);
  const write = async (record: BatchRecord): Promise<void> => {
    const { body } = record;
    if (record.type === 'error') {
      await out.write(
        body.serialized && writer.errorJson
          ? writer.errorJson(body.json)
          : writer.error(body.value as ErrorResult),
      );
      return;
    }
    if (!body.serialized || !writer.resultFrame) {
      await out.write(writer.result(body.value as Result));
      return;
    }
    const [before, after] = writer.resultFrame();
    await out.write(before);
    await out.write(body.bytes ?? body.json);
    await out.write(after);
  };
  return {
    open: () => out.write(writer.begin()),
    write,
    async close(summary) {
      const end = writer.end(summary);
      for (const part of typeof end === 'string' ? [end] : end) await out.write(part);
      await out.close();
    },
    abort: () => out.abort(),
  };
}

/** A sink that keeps everything in memory (tests, the HTTP server). */
export interface MemorySink extends ResultSink {
  readonly records: BatchRecord[];
  /** Set by `close`. */
  readonly summary: OutputSummary | undefined;
  readonly opened: boolean;
  readonly closed: boolean;
  /** Set by `abort`. */
  readonly failure: unknown;
}

export function memorySink(): MemorySink {
  const records: BatchRecord[] = [];
  let summary: OutputSummary | undefined;
  let opened = false;
  let closed = false;
  let failure: unknown;
  return {
    records,
    get summary() {
      return summary;
    },
    get opened() {
      return opened;
    },
    get closed() {
      return closed;
    },
    get failure() {
      return failure;
    },
    open() {
      opened = true;
    },
    write(record) {
      records.push(record);
    },
    close(s) {
      summary = s;
      closed = true;
    },
    abort(e) {
      failure = e;
    },
  };
}
