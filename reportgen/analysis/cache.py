"""A disk cache of model results (metrics, confusion matrices, candidate scores) and of the data
study's facts, never models.

Entries are JSON with a checksum, keyed by everything that determines a fit: data fingerprint,
split, seed, model, its parameters and grid, tuning scheme, library versions and the version of
reportgen's analysis code. Nothing is unpickled; a corrupt entry is reported and recomputed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..files import default_cache_dir, read_bounded, write_atomic
from ..results import ModelPayload, dumps, parse_json_document

# Bump when the analysis changes what a fit produces, so old entries stop matching.
ANALYSIS_VERSION = 11
Payload = TypeVar("Payload", bound=BaseModel)


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def model_key(material: dict[str, Any]) -> str:
    """The cache key of one model's fits: a hash of what determines them."""
    return _digest({"analysis_version": ANALYSIS_VERSION, **material})


class ResultCache:
    """Model results by key, one checksummed JSON file each."""

    def __init__(self, folder: Path | None = None, enabled: bool = True) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()
        self.enabled = enabled

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, kind: type[Payload] = ModelPayload) -> tuple[Payload | None, str]:
        """(payload, "") on a hit; (None, why) on a miss: disabled, no entry, or corrupt.

        An entry is checked like any document from outside (the cache folder may be shared):
        size, JSON, key, checksum, then the schema."""
        if not self.enabled:
            return None, "cache off"
        path = self._path(key)
        if not path.exists():
            return None, "not in cache"
        try:
            entry = parse_json_document(read_bounded(path), path.name)
        except InputError as exc:
            return None, f"corrupt cache entry {path.name} ({str(exc)[:60]}), recomputed"
        ok = (
            isinstance(entry, dict)
            and entry.get("key") == key
            and entry.get("checksum") == _digest(entry.get("payload"))
        )
        if not ok:
            return None, f"corrupt cache entry {path.name} (checksum), recomputed"
        try:
            return kind.model_validate(entry["payload"]), ""
        except ValidationError:
            return None, f"corrupt cache entry {path.name} (schema), recomputed"

    def put(self, key: str, payload: BaseModel) -> None:
        """Store a payload; a cache that cannot be written is skipped, never fatal."""
        if not self.enabled:
            return
        path = self._path(key)
        data = payload.to_data()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            entry = {"key": key, "checksum": _digest(data), "payload": data}
            write_atomic(path, dumps(entry))
        except OSError:
            pass

    def put_model(self, key: str, data: bytes) -> None:
        """Store a model file (skops bytes) beside the entry; skipped when it cannot be."""
        if not self.enabled:
            return
        try:
            path = self._path(key).with_suffix(".skops")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError:
            pass

    def get_model(self, key: str) -> bytes | None:
        """The model file stored beside an entry, if any (entries from before have none)."""
        if not self.enabled:
            return None
        try:
            return self._path(key).with_suffix(".skops").read_bytes()
        except OSError:
            return None

    def clear(self) -> int:
        """Remove every entry (and the model files beside them); return how many entries."""
        count = 0
        if self.folder.is_dir():
            for path in self.folder.glob("*/*.json"):
                path.unlink(missing_ok=True)
                count += 1
            for path in self.folder.glob("*/*.skops"):
                path.unlink(missing_ok=True)
        return count
