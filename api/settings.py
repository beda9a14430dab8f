"""Server settings, read once from the environment (``NQIKG_*``) and command-line overrides."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _env_number(name: str, default, cast):
    """``cast`` of the environment variable ``name``, or ``default``; a clear exit when it does not parse."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return cast(value)
    except ValueError:
        raise SystemExit(f"environment variable {name}={value!r} is not a valid {cast.__name__}") from None


@dataclass(frozen=True)
class Settings:
    store: Path = field(default_factory=lambda: Path(os.environ.get("NQIKG_STORE", "nqikg-data/store")))
    host: str = field(default_factory=lambda: os.environ.get("NQIKG_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_number("NQIKG_PORT", 8000, int))
    query_timeout: float = field(default_factory=lambda: _env_number("NQIKG_QUERY_TIMEOUT", 30.0, float))
    max_results: int = field(default_factory=lambda: _env_number("NQIKG_MAX_RESULTS", 10000, int))
    max_request_bytes: int = field(default_factory=lambda: _env_number("NQIKG_MAX_REQUEST_BYTES", 1_000_000, int))
    query_workers: int = field(default_factory=lambda: _env_number("NQIKG_QUERY_WORKERS", 2, int))
    write_token: str | None = field(default_factory=lambda: os.environ.get("NQIKG_WRITE_TOKEN") or None)
    cors_origins: tuple[str, ...] = field(default_factory=lambda: tuple(
        o for o in os.environ.get("NQIKG_CORS_ORIGINS", "").split(",") if o))
    bolt: bool = field(default_factory=lambda: os.environ.get("NQIKG_BOLT", "1") != "0")

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
