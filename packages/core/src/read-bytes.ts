/**
 * Reading many small files fast: one shared buffer for every read, and open, read, close (a third fewer system
 * calls than readFileSync, which matters at 20,000 files). Used where every file of a kind is read in a row: the
 * definition loader and the run record.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** One buffer for every read: most definitions are a few kB, and allocating per file costs more than reading. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's bytes (a view of a shared buffer, valid until the next call), or undefined when it cannot be read.
 */
export function readBytes(absolute: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    let length = 0;
    for (;;) {
      if (length === readBuffer.length) {
        const larger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(larger, 0, 0, length);
        readBuffer = larger;
      }
      const n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return readBuffer.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
