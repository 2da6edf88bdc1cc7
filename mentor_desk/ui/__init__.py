"""The window: Qt widgets, Qt models and dialogs.

Importing this package first works around a reference-count fault of PySide6
6.12.0 on Python 3.11 (see ``test_signals_and_models_do_not_exhaust_singletons``):
every ``Signal.emit()`` made from Python drops one reference to ``True``, and
every Python ``data()`` override that answers ``None`` to a view drops one to
``None``. After a few thousand such calls the count reaches zero and the
interpreter aborts ("deallocating None" / "deallocating True or False"), which
in a window means a crash some minutes into a session. Python 3.12 and later
make these objects immortal; on 3.11 the same is done here by raising their
counts far beyond anything a session can drop (2**40 calls).
"""

from __future__ import annotations

import sys


def _immortalize_singletons() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    if hasattr(sys, "gettotalrefcount"):  # a debug build lays objects out differently
        return
    # ctypes' C core is enough here: the ctypes package (0.4 MB, 3 ms at start-up) is not.
    from _ctypes import _SimpleCData

    class SsizeT(_SimpleCData):
        _type_ = "q" if sys.maxsize > 2**32 else "i"  # Py_ssize_t: long long or int

    for obj in (None, True, False):
        refcount = SsizeT.from_address(id(obj))  # ob_refcnt, the first field
        if refcount.value < 1 << 40:
            refcount.value += 1 << 40


_immortalize_singletons()
