import { OverfitError } from '@overfit/core';

/** A report directory that cannot be used: refused before any data is loaded. */
export class ReportDirectoryError extends OverfitError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`report directory ${path}: ${reason}`);
  }
}

/** A file that could not be written; the file that was there before (if any) is untouched. */
export class FileWriteError extends OverfitError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system or limit',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many levels of symbolic links',
};

/** `no space left on device (ENOSPC)`: the cause of a Node fs error in a few words, one line. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `${CAUSES[code] ?? code.toLowerCase()} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
