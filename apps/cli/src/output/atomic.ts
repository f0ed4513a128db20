import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeFsError, FileWriteError } from './errors.js';

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: the
 * bytes go to a temporary file in the same directory, which is flushed to disk (`fsync`) and
 * then renamed over `path`. On any error (a full disk, no permission) the temporary file is
 * removed and the file that was at `path` stays as it was.
 *
 * @throws {FileWriteError} one line naming `path` and the cause (`no space left on device (ENOSPC)`)
 * @example
 * await writeFileAtomic('out/metrics.json', JSON.stringify(report));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw new FileWriteError(path, describeFsError(error));
  }
  // The rename is durable once the directory entry is flushed too; not every file system
  // lets a directory be opened for that, and the file itself is already safe.
  try {
    const dirHandle = await open(dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
  } catch {
    // best effort
  }
}
