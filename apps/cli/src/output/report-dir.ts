import { constants } from 'node:fs';
import { access, mkdir, rmdir, stat, statfs } from 'node:fs/promises';
import { parse, resolve, sep } from 'node:path';
import { describeFsError, ReportDirectoryError } from './errors.js';

/**
 * Kernel file systems that only look like directories (statfs `f_type` magic numbers from
 * linux/magic.h). A recursive mkdir on procfs never ends; nothing written there is a report.
 */
const VIRTUAL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpffs'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstorefs'],
  [0xde5e81e4, 'efivarfs'],
]);

/** Where statfs is unavailable (not Linux), the usual mount points of those file systems. */
const VIRTUAL_PREFIXES = ['/proc', '/sys'];

async function virtualFileSystem(dir: string): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      return VIRTUAL_FILE_SYSTEMS.get(Number((await statfs(dir)).type));
    } catch {
      // fall through to the path check
    }
  }
  const hit = VIRTUAL_PREFIXES.find((p) => dir === p || dir.startsWith(`${p}/`));
  return hit === undefined ? undefined : hit.slice(1);
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Checks and creates a report directory before anything else runs, so that a run is never
 * lost at the end for want of a place to write it. Each missing component is created on its
 * own (non-recursive `mkdir`), after checking that its parent is a directory on a real file
 * system; an existing directory is used as is. A refusal removes the directories this call
 * created (nothing half-made is left behind).
 *
 * @param path the directory as the user gave it (relative to the working directory)
 * @returns the absolute path of the directory, which exists and is writable
 * @throws {ReportDirectoryError} one line naming the path and the cause: an empty path, a
 *   component on procfs / sysfs (or another kernel file system), an existing file (the
 *   directory itself or a parent), no permission, a read-only or full file system
 * @example
 * const dir = await prepareReportDir('out/run-1'); // '/home/me/out/run-1'
 */
export async function prepareReportDir(path: string): Promise<string> {
  if (typeof path !== 'string' || path.trim() === '')
    throw new ReportDirectoryError(JSON.stringify(path ?? ''), 'a directory path is required');
  if (path.includes('\0')) throw new ReportDirectoryError(JSON.stringify(path), 'contains NUL');
  const target = resolve(path);
  const created: string[] = [];
  try {
    return await createReportDir(target, created);
  } catch (error) {
    // Innermost first; a directory someone filled meanwhile is not empty and stays.
    for (const dir of created.reverse()) await rmdir(dir).catch(() => undefined);
    throw error;
  }
}

async function createReportDir(target: string, created: string[]): Promise<string> {
  const { root } = parse(target);
  const parts = target.slice(root.length).split(sep).filter(Boolean);
  let current = root;
  const fail = (reason: string): never => {
    throw new ReportDirectoryError(target, reason);
  };
  const refuseVirtual = async (dir: string) => {
    const kind = await virtualFileSystem(dir);
    if (kind !== undefined)
      fail(
        `${dir} is on ${kind}, a kernel file system, not a place for files; choose a directory on disk`,
      );
  };
  await refuseVirtual(current);
  for (const part of parts) {
    const next = current === root ? `${root}${part}` : `${current}${sep}${part}`;
    let info: Awaited<ReturnType<typeof statOrUndefined>>;
    try {
      info = await statOrUndefined(next);
    } catch (error) {
      fail(`cannot look at ${next}: ${describeFsError(error)}`);
    }
    if (info === undefined) {
      try {
        await mkdir(next);
        created.push(next);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Created meanwhile by someone else: fine if it is a directory (checked below).
        if (code !== 'EEXIST') fail(`cannot create ${next}: ${describeFsError(error)}`);
      }
      info = await statOrUndefined(next).catch(() => undefined);
      if (info === undefined) fail(`cannot create ${next}`);
    }
    if (!info!.isDirectory())
      fail(
        next === target
          ? 'exists and is not a directory'
          : `${next} is not a directory (a file cannot hold the report)`,
      );
    await refuseVirtual(next);
    current = next;
  }
  try {
    await access(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    fail(`not writable: ${describeFsError(error)}`);
  }
  return target;
}
