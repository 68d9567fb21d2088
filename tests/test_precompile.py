"""The kernel list of :mod:`sim.precompile`, the claims that split its work, the cache lock."""

import os
import subprocess
import sys
import textwrap
import time

from sim.precompile import _resolve, listed_signatures


def _python(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    return done.stdout


def test_every_listed_kernel_exists_with_a_valid_signature():
    listed = listed_signatures()
    assert len(listed) > 30
    assert len(_resolve(listed)) == len(listed)
    assert len(set(listed)) == len(listed)


def test_the_list_holds_every_kernel_a_run_compiles():
    # A fresh process: the test session compiles extra signatures for hand-made worlds.
    out = _python(
        """
        from sim.runner import run
        from sim.precompile import compiled_signatures, listed_signatures
        run("baseline", scale=0.002, horizon_months=13)
        missing = set(compiled_signatures()) - set(listed_signatures())
        print(len(compiled_signatures()), sorted(missing))
        """
    )
    n_compiled, missing = out.split(" ", 1)
    assert int(n_compiled) > 30
    assert missing.strip() == "[]", f"run `python -m sim.precompile --record`: {missing}"


def test_claimed_kernels_are_left_to_others_and_the_rest_compiled_into_the_cache(tmp_path):
    kernels = tmp_path / "kernels.txt"
    kernels.write_text(
        "# two small kernels\n"
        "sim.chunks\tchunk_count\t(int64, int64)\n"
        "sim.chunks\tchunk_bounds\t(int64, int64, int64)\n"
    )
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "1").touch()  # chunk_bounds: claimed by another process
    out = _python(
        f"""
        from pathlib import Path
        from sim.chunks import chunk_bounds, chunk_count
        from sim.precompile import _cached, compile_share
        claims = Path({str(claims)!r})
        compile_share(claims, 0, Path({str(kernels)!r}))
        print(_cached(chunk_count), _cached(chunk_bounds), sorted(p.name for p in claims.iterdir()))
        """,
        NUMBA_CACHE_DIR=str(tmp_path / "cache"),
    )
    assert out.split() == ["True", "False", "['0',", "'1']"]


def test_a_cache_save_waits_while_another_process_holds_the_cache_lock(tmp_path):
    import fcntl

    from sim.numba_cache import LOCK_NAME

    cache = tmp_path / "cache"
    cache.mkdir()
    held = os.open(cache / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sim
                from numba.core.caching import IndexDataCacheFile
                first = IndexDataCacheFile({str(cache)!r}, "kernel", "stamp")
                second = IndexDataCacheFile({str(cache)!r}, "kernel", "stamp")
                print("saving", flush=True)
                first.save("version a", b"code a")
                second.save("version b", b"code b")
                print(first.load("version b") == b"code b", second.load("version a") == b"code a")
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "saving"
        time.sleep(0.5)
        assert child.poll() is None  # waiting for the lock
        assert not list(cache.glob("kernel*"))
    finally:
        os.close(held)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and out.split() == ["True", "True"]
    assert sorted(p.name for p in cache.glob("kernel*")) == [
        "kernel.1.nbc",
        "kernel.2.nbc",
        "kernel.nbi",
    ]
