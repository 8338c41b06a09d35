"""Reading and writing the files a learner hands us, without surprises.

- `read_text` reads at most `limit` bytes: a path to /dev/zero, /dev/urandom or a
  huge file is refused with a message instead of filling the memory.
- `check_writable` says before any work is done whether a file can be written
  there (a missing folder is found before a 10-second training run, not after).
- `write_text` replaces a file only once the new text is complete: it writes a
  temporary file beside it and renames it over the old one, so a failure halfway
  (a full disk, an error while producing the text) leaves the old file as it was.

Errors are `FileProblem`s whose text names the file and says what is wrong.
"""
from __future__ import annotations

import os
import stat
import tempfile

MB = 1024 * 1024


class FileProblem(ValueError):
    """A file that cannot be read or written, with the reason in plain words."""


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


def read_text(path: str, limit: int, what: str) -> str:
    """The UTF-8 text of `path` (a leading byte-order mark is dropped), at most `limit` bytes."""
    try:
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as err:
        raise FileProblem(f"cannot read {path}: {_reason(err)}") from None
    if len(raw) > limit:
        raise FileProblem(f"cannot read {path}: it is larger than {limit // MB} MB, "
                          f"too large for {what}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileProblem(f"cannot read {path}: it is not text (byte {err.start + 1} "
                          "is not UTF-8)") from None


def check_writable(path: str) -> None:
    """Raise FileProblem if `path` cannot be written (checked before the work starts)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not os.path.isdir(folder):
            raise FileProblem(f"cannot write {path}: the folder {os.path.dirname(path) or '.'} "
                              "does not exist") from None
        if not os.access(folder, os.W_OK):
            raise FileProblem(f"cannot write {path}: the folder is not writable") from None
        return
    except OSError as err:
        raise FileProblem(f"cannot write {path}: {_reason(err)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileProblem(f"cannot write {path}: it is a folder")
    if not os.access(path, os.W_OK):
        raise FileProblem(f"cannot write {path}: permission denied")


def write_text(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path`, replacing the old file only once the new one is
    complete (see `write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str, data: bytes) -> None:
    """Write `data` to `path`, replacing the old file only once the new one is complete.

    A path that is not a regular file (a terminal, /dev/stdout, a pipe) is written
    directly: there is nothing to keep and nothing to rename over.
    """
    check_writable(path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    try:
        if not regular:
            with open(path, "wb") as f:
                f.write(data)
            return
        fd, tmp = tempfile.mkstemp(prefix=".ganlab-", suffix=".tmp",
                                   dir=os.path.dirname(os.path.abspath(path)))
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            if os.path.exists(path):     # keep the old file's permissions
                os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
            else:
                os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as err:
        raise FileProblem(f"cannot write {path}: {_reason(err)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
