"""The S3 operations the evidence store relies on, against a real SeaweedFS (tests/s3server.py).

Only the ``minio`` SDK (and urllib for a presigned URL) talks to the server. No database.
Set S3SERVER_BENCH=1 to also time a 200 MiB streamed upload.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import socket
import time
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.datatypes import Part
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.retention import Retention

from tests.s3server import S3Server, ensure_bucket

MiB = 1024 * 1024


class IterStream(io.RawIOBase):
    """A read-only file-like over an iterator of byte chunks (what a streamed upload looks like)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def pseudo_random_chunks(total: int, seed: int, digest=None, chunk: int = MiB) -> Iterator[bytes]:
    """``total`` reproducible bytes in ``chunk``-sized pieces, fed to ``digest`` as they are made."""
    rng = random.Random(seed)
    left = total
    while left > 0:
        piece = rng.randbytes(min(chunk, left))
        left -= len(piece)
        if digest is not None:
            digest.update(piece)
        yield piece


def sha256_of_object(client: Minio, bucket: str, name: str, **kwargs) -> tuple[str, int]:
    response = client.get_object(bucket, name, **kwargs)
    digest, size = hashlib.sha256(), 0
    try:
        for piece in response.stream(MiB):
            digest.update(piece)
            size += len(piece)
    finally:
        response.close()
        response.release_conn()
    return digest.hexdigest(), size


@pytest.fixture(scope="module")
def s3():
    with S3Server() as server:
        yield server


@pytest.fixture(scope="module")
def client(s3) -> Minio:
    return s3.client()


@pytest.fixture(scope="module")
def bucket(client) -> str:
    assert ensure_bucket(client, "evidence-test") is True
    return "evidence-test"


def test_server_answers_on_loopback(s3, client):
    assert s3.endpoint == f"127.0.0.1:{s3.ports['s3.port']}"
    assert s3.startup_seconds < 30
    assert len(set(s3.ports.values())) == len(s3.ports)
    client.list_buckets()  # signed request with the configured identity
    intruder = Minio(s3.endpoint, access_key=s3.access_key, secret_key="wrong-secret", secure=False)
    with pytest.raises(S3Error) as refused:
        intruder.list_buckets()
    assert refused.value.code in ("SignatureDoesNotMatch", "AccessDenied")


def test_make_bucket_with_object_lock_enables_versioning(client, bucket):
    assert client.get_bucket_versioning(bucket).status == "Enabled"
    client.get_object_lock_config(bucket)  # raises if the bucket has no object lock
    assert ensure_bucket(client, bucket) is False  # idempotent

    client.make_bucket("plain-bucket")
    with pytest.raises(RuntimeError, match="without object lock"):
        ensure_bucket(client, "plain-bucket")
    assert ensure_bucket(client, "plain-bucket", object_lock=False) is False


def test_streamed_multipart_put_object_round_trip(client, bucket):
    sent = hashlib.sha256()
    size = 20 * MiB + 12345  # five parts of 5 MiB, the last one short
    stream = IterStream(pseudo_random_chunks(size, seed=1, digest=sent, chunk=64 * 1024 + 7))
    result = client.put_object(bucket, "streamed/20mib.bin", stream, length=-1, part_size=5 * MiB)

    assert result.version_id
    assert result.etag.endswith("-5")  # multipart ETag: md5-of-part-md5s "-" part count
    stat = client.stat_object(bucket, "streamed/20mib.bin")
    assert (stat.size, stat.version_id, stat.etag) == (size, result.version_id, result.etag)
    assert sha256_of_object(client, bucket, "streamed/20mib.bin") == (sent.hexdigest(), size)


def test_low_level_multipart_resumes_from_the_server_part_list(client, bucket):
    name = "resumable/case-1/video.bin"
    parts = [random.Random(seed).randbytes(n) for seed, n in ((11, 5 * MiB), (12, 5 * MiB), (13, 777))]
    upload_id = client._create_multipart_upload(bucket, name, {"Content-Type": "video/mp4"})
    for number, data in enumerate(parts[:2], start=1):
        etag = client._upload_part(bucket, name, data, None, upload_id, number)
        assert etag == hashlib.md5(data).hexdigest()

    # The uploader "crashes": only bucket and key survive. Find the upload and its parts on the server.
    del upload_id
    uploads = client._list_multipart_uploads(bucket, prefix="resumable/case-1/").uploads
    [upload] = [u for u in uploads if u.object_name == name]
    listed = client._list_parts(bucket, name, upload.upload_id)
    assert [(p.part_number, p.size, p.etag) for p in listed.parts] == [
        (n, len(d), hashlib.md5(d).hexdigest()) for n, d in enumerate(parts[:2], start=1)
    ]
    assert not listed.is_truncated
    page = client._list_parts(bucket, name, upload.upload_id, max_parts=1)
    assert [p.part_number for p in page.parts] == [1]
    assert page.is_truncated
    assert page.next_part_number_marker == "1"
    page = client._list_parts(bucket, name, upload.upload_id, part_number_marker=page.next_part_number_marker)
    assert [p.part_number for p in page.parts] == [2]

    etag3 = client._upload_part(bucket, name, parts[2], None, upload.upload_id, 3)
    done = client._complete_multipart_upload(
        bucket,
        name,
        upload.upload_id,
        [Part(p.part_number, p.etag) for p in listed.parts] + [Part(3, etag3)],
    )
    assert done.version_id

    stat = client.stat_object(bucket, name)
    assert (stat.size, stat.content_type, stat.version_id) == (
        sum(map(len, parts)),
        "video/mp4",
        done.version_id,
    )
    expected = hashlib.sha256(b"".join(parts)).hexdigest()
    assert sha256_of_object(client, bucket, name) == (expected, stat.size)
    remaining = client._list_multipart_uploads(bucket, prefix="resumable/case-1/").uploads
    assert name not in [u.object_name for u in remaining]


def test_abort_multipart_upload(client, bucket):
    name = "resumable/aborted.bin"
    upload_id = client._create_multipart_upload(bucket, name, {})
    client._upload_part(bucket, name, b"x" * (5 * MiB), None, upload_id, 1)
    assert upload_id in [u.upload_id for u in client._list_multipart_uploads(bucket, prefix=name).uploads]

    client._abort_multipart_upload(bucket, name, upload_id)

    assert upload_id not in [u.upload_id for u in client._list_multipart_uploads(bucket, prefix=name).uploads]
    with pytest.raises(S3Error) as gone:
        client._list_parts(bucket, name, upload_id)
    assert gone.value.code == "NoSuchUpload"
    with pytest.raises(S3Error) as missing:
        client.stat_object(bucket, name)
    assert missing.value.code == "NoSuchKey"


def test_presigned_get_serves_a_byte_range(client, bucket):
    data = random.Random(3).randbytes(4096)
    client.put_object(bucket, "ranged/photo.jpg", io.BytesIO(data), len(data), content_type="image/jpeg")
    url = client.presigned_get_object(bucket, "ranged/photo.jpg", expires=timedelta(minutes=5))

    request = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
        assert response.read() == data[100:200]

    with urllib.request.urlopen(url, timeout=10) as response:  # whole object, same URL
        assert (response.status, response.read()) == (200, data)


def test_stat_and_get_object_with_offset_and_length(client, bucket):
    data = random.Random(4).randbytes(10_000)
    written = client.put_object(
        bucket,
        "ranged/doc.pdf",
        io.BytesIO(data),
        len(data),
        content_type="application/pdf",
        metadata={"case": "A-1"},
    )
    stat = client.stat_object(bucket, "ranged/doc.pdf")
    assert (stat.size, stat.content_type, stat.etag) == (
        len(data),
        "application/pdf",
        hashlib.md5(data).hexdigest(),
    )
    assert stat.version_id == written.version_id
    assert stat.metadata["x-amz-meta-case"] == "A-1"

    response = client.get_object(bucket, "ranged/doc.pdf", offset=9_000, length=500)
    try:
        assert response.status == 206
        assert response.read() == data[9_000:9_500]
    finally:
        response.close()
        response.release_conn()
    response = client.get_object(bucket, "ranged/doc.pdf", offset=9_990)  # to the end
    try:
        assert response.read() == data[9_990:]
    finally:
        response.close()
        response.release_conn()


@pytest.mark.parametrize("mode", [GOVERNANCE, COMPLIANCE])
def test_retention_refuses_deleting_the_version(client, bucket, mode):
    name = f"locked/{mode.lower()}.bin"
    data = f"evidence under {mode}".encode()
    version = client.put_object(bucket, name, io.BytesIO(data), len(data)).version_id
    until = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)

    client.set_object_retention(bucket, name, Retention(mode, until), version_id=version)

    retention = client.get_object_retention(bucket, name, version_id=version)
    assert (retention.mode, retention.retain_until_date) == (mode, until)
    with pytest.raises(S3Error) as refused:
        client.remove_object(bucket, name, version_id=version)
    assert refused.value.code == "AccessDenied"
    with pytest.raises(S3Error):  # nor may the date be brought forward
        client.set_object_retention(
            bucket, name, Retention(mode, until - timedelta(hours=1)), version_id=version
        )
    client.set_object_retention(bucket, name, Retention(mode, until + timedelta(days=1)), version_id=version)

    # Without a version id a delete only stacks a delete marker; the locked version stays readable.
    client.remove_object(bucket, name)
    with pytest.raises(S3Error) as hidden:
        client.stat_object(bucket, name)
    assert hidden.value.code in ("NoSuchKey", "MethodNotAllowed")
    assert client.stat_object(bucket, name, version_id=version).size == len(data)
    assert sha256_of_object(client, bucket, name, version_id=version) == (
        hashlib.sha256(data).hexdigest(),
        len(data),
    )
    versions = list(client.list_objects(bucket, prefix=name, include_version=True))
    assert sorted((v.version_id == version, v.is_delete_marker) for v in versions) == [
        (False, True),
        (True, False),
    ]

    # An Admin may bypass GOVERNANCE (x-amz-bypass-governance-retention), never COMPLIANCE.
    errors = list(client.remove_objects(bucket, [DeleteObject(name, version)], bypass_governance_mode=True))
    if mode == GOVERNANCE:
        assert errors == []
        with pytest.raises(S3Error):
            client.stat_object(bucket, name, version_id=version)
    else:
        assert [e.code for e in errors] == ["AccessDenied"]
        assert client.stat_object(bucket, name, version_id=version).size == len(data)


def test_servers_run_side_by_side_and_stop_cleanly(s3):
    with S3Server() as other:
        assert other.endpoint != s3.endpoint
        assert not set(other.ports.values()) & set(s3.ports.values())
        ensure_bucket(other.client(), "other-bucket")
        assert [b.name for b in other.client().list_buckets()] == ["other-bucket"]
        base_dir, pid = other.base_dir, other.pid
    assert not base_dir.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_start_failure_reports_the_log_tail():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = S3Server(ports={"s3.port": port}, startup_timeout=15)
        with pytest.raises(RuntimeError, match=rf"(?s)weed exited.*{port}.*not available"):
            server.start()
    assert server.base_dir is None and server.process is None


@pytest.mark.skipif(
    not os.environ.get("S3SERVER_BENCH"), reason="set S3SERVER_BENCH=1 to time a 200 MiB upload"
)
def test_benchmark_200mib_streamed_put(client, bucket, capsys):
    size, sent = 200 * MiB, hashlib.sha256()
    chunks = list(pseudo_random_chunks(size, seed=9, digest=sent))  # generate up front: time the upload only
    started = time.perf_counter()
    result = client.put_object(bucket, "bench/200mib.bin", IterStream(chunks), length=-1, part_size=16 * MiB)
    elapsed = time.perf_counter() - started
    assert result.etag.endswith("-13")
    started = time.perf_counter()
    assert sha256_of_object(client, bucket, "bench/200mib.bin") == (sent.hexdigest(), size)
    read_elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nput 200 MiB (part_size 16 MiB): {elapsed:.2f}s = {size / MiB / elapsed:.1f} MiB/s;"
            f" get+sha256: {read_elapsed:.2f}s = {size / MiB / read_elapsed:.1f} MiB/s"
        )
