"""Helpers several test modules share: reading PDFs back, and program files to break."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from mentor_desk import services


def pdf_pages(path: Path) -> list[str]:
    """Each page's text (``pdftotext -raw``), whitespace collapsed to single spaces."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def pdf_text(path: Path) -> str:
    """The PDF's text in drawing order, whitespace collapsed to single spaces."""
    return " ".join(pdf_pages(path))


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, emb) of every font in the PDF, from ``pdffonts``."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th from the end
        rows.append((parts[0], parts[-5]))
    return rows


def three_programs(db_path: Path, northwind_doc: dict) -> None:
    """Programs One, Two, Three; the backups hold (One) and (One, Two)."""
    with services.open_file(db_path) as pf:
        for name in ("One", "Two", "Three"):
            services.import_document(pf, document=northwind_doc, source="n", rename=name)


def damage_file(path: Path) -> bytes:
    """Overwrite two pages after the first with noise; returns the damaged bytes."""
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = os.urandom(4096 * 2)
    path.write_bytes(bytes(data))
    return bytes(data)


def names_in(path: Path) -> list[str]:
    """The program names in a file or backup, read with plain sqlite3."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM programs ORDER BY name")]
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """What ``PRAGMA integrity_check`` says of the file ("ok" when whole)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


HOLDER = textwrap.dedent(
    """
    import sys
    from mentor_desk import services
    pf = services.open_file(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    pf.close()
    """
)


@contextlib.contextmanager
def held_by_another_process(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process has ``db_path`` open for writing until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        assert holder.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # a test may have killed it
            holder.stdin.write("\n")
            holder.stdin.close()
        holder.wait(timeout=10)
