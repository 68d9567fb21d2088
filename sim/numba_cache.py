"""numba's on-disk cache, made safe to share between processes.

numba keeps the compiled versions of each kernel in an index file and one data file per
version (``__pycache__/*.nbi`` and ``*.nbc``). To save a version it reads the index,
takes the first free data-file number, writes the index, then the data; to load one it
reads the index, then the data file named there. Two processes that save versions of
one kernel at the same time can take the same number, and the index then names data
written for another version: the next run that loads it calls the wrong machine code
and crashes (numba issues 4807 and 10128 report such crashes). The simulator compiles
in several processes at once (:mod:`sim.precompile`, test workers, sweep workers), so
this module, imported with the package, makes each save and load one step under a lock
file in the cache folder (``fcntl.flock``; shared for loads, exclusive for saves), and
writes the data before the index that names it. Where no lock file can be made (a
read-only folder, no ``fcntl``), numba's own behaviour is kept.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from typing import Any

from numba.core import caching

try:
    import fcntl
except ImportError:  # not POSIX: numba's behaviour unchanged
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "labsim-numba-cache.lock"
_load_unlocked = caching.IndexDataCacheFile.load


@contextlib.contextmanager
def cache_lock(cache_path: str, exclusive: bool) -> Iterator[None]:
    """Hold the lock of the cache folder ``cache_path`` (shared or exclusive)."""
    try:
        fd = os.open(os.path.join(cache_path, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _save(self: caching.IndexDataCacheFile, key: Any, data: Any) -> None:
    with cache_lock(self._cache_path, exclusive=True):
        overloads = self._load_index()
        data_name = overloads.get(key)
        if data_name is not None:
            self._save_data(data_name, data)
            return
        taken = set(overloads.values())
        data_name = next(
            name for name in map(self._data_name, itertools.count(1)) if name not in taken
        )
        self._save_data(data_name, data)
        overloads[key] = data_name
        self._save_index(overloads)


def _load(self: caching.IndexDataCacheFile, key: Any) -> Any:
    with cache_lock(self._cache_path, exclusive=False):
        return _load_unlocked(self, key)


if fcntl is not None:
    caching.IndexDataCacheFile.save = _save
    caching.IndexDataCacheFile.load = _load
