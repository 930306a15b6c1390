"""One typed configuration for a run, with defaults that work; optionally read from TOML.

A TOML file mirrors the dataclasses, e.g.::

    workers = 2
    [clean]
    split_stacked = false
    [dedup]
    threshold = 0.5

Unknown keys are refused with their name, so a typo never silently falls back to a default.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaners.config import CleanConfig
from pipelines.dedup import DedupConfig
from pipelines.furniture import FurnitureConfig


@dataclass(frozen=True, slots=True)
class RunConfig:
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    furniture: FurnitureConfig = field(default_factory=FurnitureConfig)
    workers: int = 0  # clean-stage processes (or Dask workers of a local cluster); 0 = one per CPU core
    engine: str = "local"  # "local" processes | "dask" (a LocalCluster) | "dask=SCHEDULER_ADDRESS"
    max_input_bytes: int = 20_000_000  # a larger page, file or record becomes a "too_large" error

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Engine:
    kind: str  # "local" (pipelines.clean) or "dask" (pipelines.engine_dask)
    address: str | None = None  # dask scheduler address; None = a LocalCluster for the run


def parse_engine(spec: str | None) -> Engine:
    """``local`` (or None), ``dask`` (a LocalCluster) or ``dask=ADDRESS`` (an existing scheduler)."""
    if spec is None or spec == "local":
        return Engine("local")
    kind, eq, address = spec.partition("=")
    if kind != "dask" or (eq and not address):
        raise ValueError(f"engine {spec!r}: expected local, dask or dask=SCHEDULER_ADDRESS")
    return Engine("dask", address or None)


def load_config(path: Path | None = None, **overrides: Any) -> RunConfig:
    """The defaults, updated from a TOML file and then from keyword overrides (CLI flags)."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"config {path}: {exc}") from exc
    data.update({k: v for k, v in overrides.items() if v is not None})
    return _build(RunConfig, data, str(path or "config"))


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    kwargs = {}
    for name, value in data.items():
        default = fields[name].default_factory() if fields[name].default_factory is not dataclasses.MISSING else None
        if dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise ValueError(f"{where}: [{name}] must be a table")
            kwargs[name] = _build(type(default), value, f"{where} [{name}]")
        else:
            kwargs[name] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def config_to_dict(config: RunConfig) -> dict[str, Any]:
    """The effective configuration, for the run manifest."""
    return dataclasses.asdict(config)
