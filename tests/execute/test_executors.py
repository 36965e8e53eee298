"""Executors: each gives the runs the local one gives, byte for byte; a Dask worker killed mid-run loses
no article. The Dask tests start a real scheduler and two workers on 127.0.0.1 (skipped without the
extra ``wirebrief[dask]``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirebrief.errors import ConfigError
from wirebrief.execute import LocalExecutor, make_executor
from wirebrief.pipeline import run
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store

SRC = Path(__file__).resolve().parents[2] / "src"


def _square(value: int) -> int:
    return value * value


@pytest.mark.parametrize("workers", [1, 2])
def test_the_local_executor_keeps_the_order_of_the_items(workers: int) -> None:
    executor = LocalExecutor(workers)
    try:
        assert list(executor.map(_square, iter(range(20)))) == [n * n for n in range(20)]
    finally:
        executor.close()


def test_asking_for_dask_without_a_reachable_scheduler_is_a_config_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(data_dir=tmp_path, executor="dask", dask_scheduler=f"tcp://127.0.0.1:{port}")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        make_executor(settings)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class DaskCluster:
    """A ``dask scheduler`` and two ``dask worker`` processes (no nanny: a killed worker stays dead)."""

    def __init__(self, tmp_path: Path) -> None:
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
        log = (tmp_path / "dask.log").open("w")
        self.scheduler = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                self.address.rsplit(":", 1)[1],
                "--no-dashboard",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dask",
                    "worker",
                    self.address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--local-directory",
                    str(tmp_path / f"w{n}"),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for n in range(2)
        ]
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    pytest.importorskip("distributed")
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("local"))
    run(settings, [str(sample_dir())])
    return {p.name: p.read_bytes() for p in sorted(settings.resolved_export_dir.iterdir())}


@pytest.mark.slow
def test_dask_workers_write_the_exports_the_local_executor_writes(
    dask_cluster: DaskCluster, local_exports: dict[str, bytes], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, executor="dask", dask_scheduler=dask_cluster.address)
    summary = run(settings, [str(sample_dir())])
    assert summary.briefs_new_versions == len(local_exports) // 3
    assert {p.name: p.read_bytes() for p in sorted(settings.resolved_export_dir.iterdir())} == local_exports


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_article(
    dask_cluster: DaskCluster, local_exports: dict[str, bytes], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, executor="dask", dask_scheduler=dask_cluster.address)
    victim = dask_cluster.workers[0]

    def kill_after_the_first_chunk(stage: str, done: int, total: int) -> None:
        if stage == "extract" and done > 0 and victim.poll() is None:
            victim.kill()  # SIGKILL: no goodbye to the scheduler, its tasks are lost with it
            victim.wait()

    summary = run(settings, [str(sample_dir())], kill_after_the_first_chunk)
    assert victim.poll() is not None, "the worker was never killed: the test tested nothing"
    with Store.open(settings.resolved_database_url) as store:
        stories = {s.id: s for s in store.stories()}
        briefed = [a for b in summary.briefs for a in stories[b.story_id].article_ids]
        missing = [a for a in briefed if store.extraction(a) is None]
    assert not missing
    assert {p.name: p.read_bytes() for p in sorted(settings.resolved_export_dir.iterdir())} == local_exports


def test_asking_for_dask_without_the_extra_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what Python does when a package is absent
    with pytest.raises(ConfigError, match=r"wirebrief\[dask\]"):
        make_executor(Settings(data_dir=tmp_path, executor="dask"))
