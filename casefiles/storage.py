"""The evidence store: the one module that talks to object storage (SPEC §6, STYLE rule 6).

Two implementations behind one interface, chosen by the EVIDENCE_STORAGE setting:
- `S3Store`: MinIO / any S3-compatible server through the `minio` SDK (production; tests use a
  real SeaweedFS server). Object lock holds verified objects for their retention period.
- `LocalStore`: files under MEDIA_ROOT/evidence (the zero-setup default). Verified files are made
  read-only; the application enforces the same rules for both.

Everything streams: bytes pass through in bounded chunks, hashed on the way, never read whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.core import signing
from django.urls import reverse

CHUNK = 1024 * 1024
MIN_PART = 5 * 1024 * 1024  # S3: every part but the last is at least 5 MiB


class StorageError(Exception):
    """The store refused or failed an operation; the message says what, for a person."""


class ObjectLocked(StorageError):
    """The object is under retention: the store itself refuses to delete or overwrite it."""


class HashingReader:
    """A file-like view of a stream that counts and hashes what is read, and refuses more than `limit`."""

    def __init__(self, stream: BinaryIO, *, limit: int | None = None) -> None:
        self._stream = stream
        self._limit = limit
        self.size = 0
        self._sha = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        if self._limit is not None:
            remaining = self._limit - self.size
            if remaining <= 0:
                return b""
            n = remaining if n is None or n < 0 else min(n, remaining)
        data = self._stream.read(n)
        self.size += len(data)
        self._sha.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


@dataclass(frozen=True)
class Stored:
    size: int
    sha256: str
    version_id: str = ""


@dataclass(frozen=True)
class PartInfo:
    number: int
    size: int
    etag: str


class EvidenceStore(Protocol):
    backend: str

    def put_stream(self, key: str, stream: BinaryIO, *, length: int, content_type: str) -> Stored: ...
    def start_multipart(self, key: str, *, content_type: str) -> str: ...
    def put_part(
        self, key: str, upload_id: str, number: int, stream: BinaryIO, *, length: int
    ) -> PartInfo: ...
    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]: ...
    def complete_multipart(self, key: str, upload_id: str) -> Stored: ...
    def abort_multipart(self, key: str, upload_id: str) -> None: ...
    def read(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]: ...
    def size(self, key: str) -> int: ...
    def sha256(self, key: str) -> str: ...
    def lock(self, key: str, *, until: datetime, version_id: str = "") -> None: ...
    def delete(self, key: str, *, version_id: str = "") -> None: ...
    def check_ready(self) -> str: ...
    def playback_url(self, key: str, *, expires: timedelta, filename: str, download: bool) -> str: ...


def _sha_of(chunks: Iterator[bytes]) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


# --- local disk -----------------------------------------------------------------------------------------


class LocalStore:
    backend = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not str(path).startswith(str(self.root.resolve())):
            raise StorageError("非法的存储键")
        return path

    def check_ready(self) -> str:
        """Raise StorageError unless evidence can be written here now."""
        probe = self.root / ".ready-probe"
        try:
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise StorageError(f"证据目录不可写：{self.root}（{exc}）") from exc
        return f"local:{self.root}"

    def _upload_dir(self, upload_id: str) -> Path:
        if not upload_id.isalnum():
            raise StorageError("非法的上传标识")
        return self.root / ".uploads" / upload_id

    def put_stream(self, key: str, stream: BinaryIO, *, length: int, content_type: str) -> Stored:
        path = self._path(key)
        if path.exists():
            raise StorageError("对象已存在，不能覆盖")
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = self._write(path, stream, length=length, what="上传")
        return Stored(size=reader.size, sha256=reader.sha256)

    @staticmethod
    def _write(path: Path, stream: BinaryIO, *, length: int, what: str) -> HashingReader:
        """Stream exactly `length` bytes to `path` (via a temporary name, so a short read leaves nothing)."""
        reader = HashingReader(stream, limit=length)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as out:
            while chunk := reader.read(CHUNK):
                out.write(chunk)
        if reader.size != length:
            tmp.unlink(missing_ok=True)
            raise StorageError(f"{what}中断：应收 {length} 字节，实收 {reader.size} 字节")
        os.replace(tmp, path)
        return reader

    def start_multipart(self, key: str, *, content_type: str) -> str:
        upload_id = hashlib.sha256(f"{key}{os.urandom(16).hex()}".encode()).hexdigest()[:32]
        self._upload_dir(upload_id).mkdir(parents=True)
        return upload_id

    def put_part(self, key: str, upload_id: str, number: int, stream: BinaryIO, *, length: int) -> PartInfo:
        folder = self._upload_dir(upload_id)
        if not folder.is_dir():
            raise StorageError("上传会话不存在或已清理")
        reader = self._write(folder / f"{number:05d}", stream, length=length, what=f"分片 {number} 上传")
        return PartInfo(number=number, size=reader.size, etag=reader.sha256)

    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]:
        folder = self._upload_dir(upload_id)
        if not folder.is_dir():
            raise StorageError("上传会话不存在或已清理")
        return [
            PartInfo(number=int(p.name), size=p.stat().st_size, etag="")
            for p in sorted(folder.iterdir())
            if p.name.isdigit()
        ]

    def complete_multipart(self, key: str, upload_id: str) -> Stored:
        folder = self._upload_dir(upload_id)
        path = self._path(key)
        if path.exists():
            raise StorageError("对象已存在，不能覆盖")
        path.parent.mkdir(parents=True, exist_ok=True)
        sha, size = hashlib.sha256(), 0
        with open(path, "wb") as out:
            for part in self.list_parts(key, upload_id):
                with open(folder / f"{part.number:05d}", "rb") as src:
                    while chunk := src.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        shutil.rmtree(folder)
        return Stored(size=size, sha256=sha.hexdigest())

    def abort_multipart(self, key: str, upload_id: str) -> None:
        shutil.rmtree(self._upload_dir(upload_id), ignore_errors=True)

    def read(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        if not path.exists():
            raise StorageError("对象不存在")
        with open(path, "rb") as src:
            src.seek(offset)
            remaining = length
            while remaining is None or remaining > 0:
                chunk = src.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.exists():
            raise StorageError("对象不存在")
        return path.stat().st_size

    def sha256(self, key: str) -> str:
        return _sha_of(self.read(key))[1]

    def lock(self, key: str, *, until: datetime, version_id: str = "") -> None:
        # No object lock on a plain disk: read-only files, and the application's own rules.
        self._path(key).chmod(0o444)

    def delete(self, key: str, *, version_id: str = "") -> None:
        self._path(key).unlink(missing_ok=True)

    def playback_url(self, key: str, *, expires: timedelta, filename: str, download: bool) -> str:
        token = signing.dumps(
            {"key": key, "filename": filename, "download": download, "exp": int(expires.total_seconds())},
            salt="evidence-file",
        )
        return reverse("evidence-file", args=[token])


# --- S3 / MinIO -----------------------------------------------------------------------------------------


class S3Store:
    backend = "s3"

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool,
        part_size: int,
        lock_mode: str,
        threads: int = 1,
    ) -> None:
        from minio import Minio

        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure)
        self.bucket = bucket
        self.part_size = max(part_size, MIN_PART)
        self.lock_mode = lock_mode
        self.threads = max(1, threads)

    def _error(self, exc: Exception) -> StorageError:
        from minio.error import S3Error

        if isinstance(exc, S3Error) and exc.code in {"AccessDenied", "ObjectLocked", "InvalidRequest"}:
            return ObjectLocked(f"对象存储拒绝操作（{exc.code}）：{exc.message}")
        return StorageError(f"对象存储操作失败：{exc}")

    def check_ready(self) -> str:
        """Raise StorageError unless the bucket exists and locks objects (the evidence must be immutable)."""
        try:
            if not self.client.bucket_exists(self.bucket):
                raise StorageError(f"存储桶 {self.bucket} 不存在")
            self.client.get_object_lock_config(self.bucket)
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(f"对象存储不可用或存储桶未启用对象锁定：{exc}") from exc
        return f"s3:{self.bucket}"

    def _exists(self, key: str) -> bool:
        from minio.error import S3Error

        try:
            self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
                return False
            raise self._error(exc) from exc
        return True

    def put_stream(self, key: str, stream: BinaryIO, *, length: int, content_type: str) -> Stored:
        if self._exists(key):
            raise StorageError("对象已存在，不能覆盖")
        reader = HashingReader(stream, limit=length)
        try:
            result = self.client.put_object(
                self.bucket,
                key,
                reader,
                length=length,
                content_type=content_type or "application/octet-stream",
                part_size=self.part_size,
                # The SDK reads parts from our hashing reader in order, on this thread, and hands
                # them to its upload threads: the hash stays sequential, memory stays bounded.
                num_parallel_uploads=self.threads,
            )
        except Exception as exc:  # the SDK aborts its multipart upload before raising
            raise self._error(exc) from exc
        if reader.size != length:
            self.delete(key, version_id=result.version_id or "")
            raise StorageError(f"上传中断：应收 {length} 字节，实收 {reader.size} 字节")
        return Stored(size=reader.size, sha256=reader.sha256, version_id=result.version_id or "")

    def start_multipart(self, key: str, *, content_type: str) -> str:
        try:
            return self.client._create_multipart_upload(self.bucket, key, {"Content-Type": content_type})
        except Exception as exc:
            raise self._error(exc) from exc

    def put_part(self, key: str, upload_id: str, number: int, stream: BinaryIO, *, length: int) -> PartInfo:
        # One part is at most the configured part size: holding it whole is bounded memory.
        reader = HashingReader(stream, limit=length)
        data = reader.read(length)
        if len(data) != length:
            raise StorageError(f"分片 {number} 上传中断：应收 {length} 字节，实收 {len(data)} 字节")
        try:
            etag = self.client._upload_part(self.bucket, key, data, None, upload_id, number)
        except Exception as exc:
            raise self._error(exc) from exc
        return PartInfo(number=number, size=length, etag=etag)

    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]:
        parts: list[PartInfo] = []
        marker = None
        try:
            while True:
                result = self.client._list_parts(self.bucket, key, upload_id, part_number_marker=marker)
                parts += [PartInfo(number=p.part_number, size=p.size, etag=p.etag) for p in result.parts]
                if not result.is_truncated:
                    return parts
                marker = str(result.next_part_number_marker)
        except Exception as exc:
            raise self._error(exc) from exc

    def complete_multipart(self, key: str, upload_id: str) -> Stored:
        from minio.datatypes import Part

        parts = self.list_parts(key, upload_id)
        try:
            result = self.client._complete_multipart_upload(
                self.bucket, key, upload_id, [Part(p.number, p.etag) for p in parts]
            )
        except Exception as exc:
            raise self._error(exc) from exc
        size, sha = _sha_of(self.read(key))
        return Stored(size=size, sha256=sha, version_id=result.version_id or "")

    def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            self.client._abort_multipart_upload(self.bucket, key, upload_id)
        except Exception as exc:
            raise self._error(exc) from exc

    def read(self, key: str, *, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        try:
            response = self.client.get_object(self.bucket, key, offset=offset, length=length or 0)
        except Exception as exc:
            raise self._error(exc) from exc
        try:
            yield from response.stream(CHUNK)
        finally:
            response.close()
            response.release_conn()

    def size(self, key: str) -> int:
        try:
            return self.client.stat_object(self.bucket, key).size or 0
        except Exception as exc:
            raise self._error(exc) from exc

    def sha256(self, key: str) -> str:
        return _sha_of(self.read(key))[1]

    def lock(self, key: str, *, until: datetime, version_id: str = "") -> None:
        from minio.commonconfig import COMPLIANCE, GOVERNANCE
        from minio.retention import Retention

        mode = COMPLIANCE if self.lock_mode.upper() == "COMPLIANCE" else GOVERNANCE
        try:
            self.client.set_object_retention(
                self.bucket, key, Retention(mode, until), version_id=version_id or None
            )
        except Exception as exc:
            raise self._error(exc) from exc

    def delete(self, key: str, *, version_id: str = "") -> None:
        try:
            self.client.remove_object(self.bucket, key, version_id=version_id or None)
        except Exception as exc:
            raise self._error(exc) from exc

    def playback_url(self, key: str, *, expires: timedelta, filename: str, download: bool) -> str:
        disposition = "attachment" if download else "inline"
        headers = {"response-content-disposition": f"{disposition}; filename*=UTF-8''{_quote(filename)}"}
        return self.client.presigned_get_object(self.bucket, key, expires=expires, response_headers=headers)

    def list_incomplete(self, prefix: str = "") -> list[tuple[str, str, datetime | None]]:
        result = self.client._list_multipart_uploads(self.bucket, prefix=prefix or None)
        return [(u.object_name, u.upload_id, u.initiated_time) for u in result.uploads]


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


_store: EvidenceStore | None = None


def get_store() -> EvidenceStore:
    """The configured store (one per process)."""
    global _store
    if _store is None:
        _store = build_store()
    return _store


def build_store() -> EvidenceStore:
    if settings.EVIDENCE_STORAGE == "s3":
        return S3Store(
            endpoint=settings.S3_ENDPOINT,
            access_key=settings.S3_ACCESS_KEY,
            secret_key=settings.S3_SECRET_KEY,
            bucket=settings.S3_BUCKET,
            secure=settings.S3_SECURE,
            part_size=settings.EVIDENCE_PART_SIZE,
            lock_mode=settings.EVIDENCE_LOCK_MODE,
            threads=settings.EVIDENCE_UPLOAD_THREADS,
        )
    if settings.EVIDENCE_STORAGE == "local":
        return LocalStore(Path(settings.MEDIA_ROOT) / "evidence")
    raise StorageError(f"未知的 EVIDENCE_STORAGE：{settings.EVIDENCE_STORAGE}（应为 local 或 s3）")


def reset_store() -> None:
    """Forget the cached store (tests switch backends)."""
    global _store
    _store = None
