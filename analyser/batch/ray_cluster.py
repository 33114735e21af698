"""The Ray cluster a ``--engine ray`` batch runs on: importing Ray quietly, connecting to a cluster or starting a
local one (its files in a temporary folder, removed afterwards; usage statistics off), and checking an address.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import tempfile
from typing import Any

from .workers import WorkerStartError

__all__ = ["RAY_MISSING"]

RAY_MISSING = "the ray engine needs Ray, which is not installed: pip install 'ksb-analyser[cluster]'"
_QUIET_PATTERN = "A worker died or was killed while executing a task"
_RAY_LOGGER = logging.getLogger("ray")


def _import_ray() -> Any:
    """Ray, imported with its usage statistics off; WorkerStartError naming the fix when it is missing."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ.setdefault("RAY_DEDUP_LOGS_SKIP_REGEX", _QUIET_PATTERN)  # read when ray is imported
    # No stack dump on stderr when the batch is stopped (SIGTERM): Ray's handler then exits cleanly.
    os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
    if os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH"):
        os.environ.setdefault("RAY_AUTH_MODE", "token")  # a cluster's token given: use it (Ray reads this at import)
    try:
        import ray
    except ImportError as err:
        raise WorkerStartError(RAY_MISSING) from err
    return ray


class _Connection:
    """This process's connection to Ray for one run: a local cluster started for it, or a running one."""

    def __init__(self, ray: Any, address: str | None) -> None:
        self.ray = ray
        self.address = address
        self.owned = False
        self.temp_dir: str | None = None
        self.log_level = logging.NOTSET

    def __enter__(self) -> "_Connection":
        # Ray logs to stderr from its own handler: its warnings (token authentication on, and
        # the like) are not for the batch's user, who is told what failed in the batch's words.
        self.log_level = _RAY_LOGGER.level
        _RAY_LOGGER.setLevel(max(self.log_level, logging.ERROR))
        if self.ray.is_initialized():
            return self
        try:
            if self.address is None:
                self._start_local()
            else:
                _check_reachable(self.address)
                self.ray.init(address=self.address, configure_logging=False, log_to_driver=False)
        except Exception as err:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError ...
            self.ray.shutdown()  # whatever it started
            self._clean_up()
            first = " ".join(str(err).split(". ")[0].split()) or type(err).__name__
            if self.address is None:
                raise WorkerStartError(f"could not start a local Ray cluster: {first}") from err
            advice = (
                "set RAY_AUTH_TOKEN (or RAY_AUTH_TOKEN_PATH, a file) to the cluster's token"
                if "token" in first.lower()
                else "start it with 'ray start --head' or check --address (and give this machine the cluster's token in RAY_AUTH_TOKEN)"
            )
            raise WorkerStartError(f"cannot connect to the Ray cluster at {self.address} ({first}): {advice}") from err
        self.owned = True
        return self

    def _start_local(self) -> None:
        # Ray's token authentication, with a token in this process's environment (which the
        # cluster's processes inherit): without one, Ray writes one to ~/.ray/auth_token. The
        # token stays for the life of the process, because Ray keeps the first one it reads.
        os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
        self.temp_dir = tempfile.mkdtemp(prefix="ksb-ray-")
        self.ray.init(
            address="local",  # a new cluster even when RAY_ADDRESS names another
            num_cpus=os.cpu_count() or 1,
            include_dashboard=False,
            _temp_dir=self.temp_dir,
            configure_logging=False,
            log_to_driver=False,
        )

    def free_cpus(self) -> int:
        """The CPUs no one holds now (at least one: the actors then wait for it)."""
        return max(1, int(self.ray.available_resources().get("CPU", 0)))

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.ray.shutdown()
        self._clean_up()

    def _clean_up(self) -> None:
        _RAY_LOGGER.setLevel(self.log_level)
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None


def _check_reachable(address: str) -> None:
    """A HOST:PORT that nothing answers on fails now (Ray would retry for minutes); ``auto`` is Ray's to find."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return
    with socket.create_connection((host.removeprefix("ray://"), int(port)), timeout=10):
        pass
