"""Pin OpenBLAS to one kernel family: ``pasici train`` (and every score) the same on any x86-64.

OpenBLAS picks its kernels for the CPU it runs on, and kernels for different CPUs round floats
differently: ``pasici train`` on an AVX-512 machine (OpenBLAS "SkylakeX" kernels) gave heads that
differ from the shipped ones by up to 1e-4 (same metrics); with the AVX2 "Haswell" kernels, which
every x86-64 CPU since 2013 runs, it rebuilds the shipped ``heads.npz`` byte for byte on both
machines measured. The choice is read once, when OpenBLAS loads (with numpy): ``pin_kernels``
must run before numpy is imported, so ``bot.cli.main`` calls it first. An explicit
``OPENBLAS_CORETYPE`` in the environment is kept.
"""

from __future__ import annotations

import platform
from collections.abc import MutableMapping
from pathlib import Path

__all__ = ["KERNELS", "pin_kernels"]

KERNELS = "Haswell"
_CPUINFO = Path("/proc/cpuinfo")


def _cpu_flags() -> frozenset[str]:
    try:
        text = _CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def pin_kernels(
    environ: MutableMapping[str, str],
    machine: str | None = None,
    flags: frozenset[str] | None = None,
) -> bool:
    """Set ``OPENBLAS_CORETYPE`` to ``KERNELS`` when unset and the CPU runs them (x86-64 with
    AVX2 and FMA); True if set here."""
    if "OPENBLAS_CORETYPE" in environ:
        return False
    machine = platform.machine() if machine is None else machine
    if machine.lower() not in ("x86_64", "amd64"):
        return False
    flags = _cpu_flags() if flags is None else flags
    if not {"avx2", "fma"} <= flags:
        return False
    environ["OPENBLAS_CORETYPE"] = KERNELS
    return True
