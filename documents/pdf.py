"""Word → PDF with LibreOffice headless (SPEC: documents and the case file as PDF).

Each process uses its own LibreOffice profile (-env:UserInstallation), so concurrent workers never
share one (a shared profile makes a second soffice exit at once or hang); within a process the
conversions take turns on a lock. Several files go through one soffice start-up: starting it costs
most of the time.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()
_profile: tuple[int, Path] | None = None


class ConversionFailed(Exception):
    """LibreOffice did not produce the PDF; the message says what it reported."""


def _profile_dir() -> Path:
    global _profile
    pid = os.getpid()
    if _profile is None or _profile[0] != pid:  # a forked worker gets its own
        path = Path(tempfile.gettempdir()) / f"zhifa-soffice-{pid}"
        _profile = (pid, path)
        atexit.register(shutil.rmtree, path, True)
    return _profile[1]


def docx_to_pdf(files: dict[str, bytes]) -> dict[str, bytes]:
    """Convert .docx files (name → bytes) to PDF in one LibreOffice run; returns name → PDF bytes."""
    if not files:
        return {}
    with _lock, tempfile.TemporaryDirectory(prefix="zhifa-convert-") as work:
        folder = Path(work)
        names = {}
        for index, (name, data) in enumerate(files.items()):
            path = folder / f"{index:04d}.docx"
            path.write_bytes(data)
            names[name] = path
        command = [
            settings.DOCUMENTS_SOFFICE,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder / "out"),
            *(str(p) for p in names.values()),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, timeout=settings.DOCUMENTS_SOFFICE_TIMEOUT, check=False
            )
        except FileNotFoundError as exc:
            raise ConversionFailed(
                f"未找到 LibreOffice（{settings.DOCUMENTS_SOFFICE}），无法生成 PDF"
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(
                f"LibreOffice 转换超时（{settings.DOCUMENTS_SOFFICE_TIMEOUT} 秒）"
            ) from exc
        out = {}
        for name, path in names.items():
            pdf = folder / "out" / (path.stem + ".pdf")
            if not pdf.exists():
                message = (result.stderr or result.stdout).decode(errors="replace").strip()[-500:]
                raise ConversionFailed(
                    f"LibreOffice 未能将“{name}”转换为 PDF：{message or result.returncode}"
                )
            out[name] = pdf.read_bytes()
        return out
