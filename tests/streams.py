"""A file-like stream of any size whose bytes are made as they are read (tests and benchmarks)."""

from __future__ import annotations

import hashlib
import io

_BLOCK = bytes(i % 251 for i in range(251 * 4096))


class PatternStream(io.RawIOBase):
    """`size` bytes of a repeating pattern; nothing is held in memory but the chunk asked for."""

    def __init__(self, size: int) -> None:
        self.size, self.pos = size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n is None or n < 0 else min(n, self.size - self.pos)
        if n <= 0:
            return b""
        offset, out = self.pos % 251, bytearray()
        while len(out) < n:
            take = min(n - len(out), len(_BLOCK) - offset)
            out += _BLOCK[offset : offset + take]
            offset = 0
        self.pos += n
        return bytes(out)


def pattern_sha256(size: int) -> str:
    sha, stream = hashlib.sha256(), PatternStream(size)
    while chunk := stream.read(1 << 20):
        sha.update(chunk)
    return sha.hexdigest()
