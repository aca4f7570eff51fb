from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files import File

from core.models import Upload

CHUNK = 1024 * 1024


def file_sha256(path: str | Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def upload_store(*, upload: Upload, source: str | Path | File) -> None:
    """Copy the bytes into storage (streamed, never whole in memory) and set sha256 and size."""
    target = Path(settings.MEDIA_ROOT) / upload.file.field.upload_to(upload, upload.original_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        else:
            for chunk in source.chunks(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    upload.file.name = str(target.relative_to(settings.MEDIA_ROOT))
    upload.sha256 = digest.hexdigest()
    upload.size = size


def import_path_resolve(path: str) -> Path:
    """A registered server-side path must lie under the configured import folder."""
    root = Path(settings.DART_IMPORT_ROOT).resolve()
    candidate = (root / path).resolve()
    if root not in candidate.parents and candidate != root:
        raise PermissionError("The path is outside the import folder.")
    if not candidate.is_file():
        raise FileNotFoundError(f"No file {path} in the import folder.")
    return candidate


def upload_copy_to(upload: Upload, target: Path) -> None:
    with upload.file.open("rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
