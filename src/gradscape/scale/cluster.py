"""Where a Dask run runs: the cluster at an address, a Client the caller holds, or a
LocalCluster of worker processes sized to this machine.

gradscape schedules nothing itself: the graph goes to Dask's scheduler, which users already
run on Slurm (dask-jobqueue), Kubernetes (dask-kubernetes) or by hand (``dask scheduler``,
``dask worker``). Each worker process runs one task per thread; gradscape's tasks run their
compiled loop on that thread alone, so a LocalCluster gets one thread per process.

>>> check_address("tcp://10.0.0.5:8786")
'tcp://10.0.0.5:8786'
>>> check_address("10.0.0.5:8786")
'tcp://10.0.0.5:8786'
>>> check_address("http://x")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
gradscape.errors.DomainError: --scheduler takes a Dask scheduler address like ... 'http://x'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gradscape.errors import DomainError

__all__ = ["connect", "check_address", "require_dask", "MAX_LOCAL_WORKERS"]

# The most worker processes --workers may ask of one machine (a typo, not a cluster, beyond).
MAX_LOCAL_WORKERS = 256
_ADDRESS = re.compile(r"^(?:(tcp|tls|ucx)://)?([A-Za-z0-9_.\-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$")
_CONNECT_TIMEOUT = "10s"


def require_dask() -> None:
    """Fail with the fix when Dask is not installed."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise DomainError("this run needs Dask: pip install 'gradscape[dask]'") from None


def check_address(address: str) -> str:
    """A scheduler address as Dask takes it (``tcp://`` added when no protocol is given)."""
    m = _ADDRESS.match(address.strip())
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise DomainError("--scheduler takes a Dask scheduler address like tcp://HOST:PORT "
                          f"(or HOST:PORT), got {address!r}")
    return f"{m.group(1) or 'tcp'}://{m.group(2)}:{m.group(3)}"


@contextmanager
def connect(scheduler: Any = None, workers: int | None = None) -> Iterator[Any]:
    """A distributed Client: for ``scheduler`` (an address, or a Client, used as it is and
    left open), else for a new LocalCluster of ``workers`` processes (default: one per CPU),
    closed on exit."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # the caller's Client: theirs to close
        return
    if scheduler is not None:
        address = check_address(scheduler)
        try:
            client = Client(address, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise DomainError(f"cannot reach the Dask scheduler at {address} ({err}); check "
                              "the address and that the scheduler runs") from None
        try:
            yield client
        finally:
            client.close()
        return
    from gradscape.compile.threads import workers as cpus

    k = cpus() if workers is None else workers
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_LOCAL_WORKERS:
        raise DomainError(f"--workers takes 1 to {MAX_LOCAL_WORKERS} worker processes, "
                          f"got {k!r}")
    cluster = LocalCluster(n_workers=k, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()
