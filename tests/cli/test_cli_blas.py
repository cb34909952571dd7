"""OpenBLAS kernels pinned before numpy loads, so training rebuilds the shipped heads anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.cli.blas import KERNELS, pin_kernels

_X86 = frozenset({"sse4_2", "avx", "avx2", "fma", "avx512f"})


def test_pins_the_kernels_on_x86_64_with_avx2() -> None:
    environ: dict[str, str] = {}
    assert pin_kernels(environ, machine="x86_64", flags=_X86)
    assert environ == {"OPENBLAS_CORETYPE": KERNELS}


def test_an_explicit_choice_is_kept() -> None:
    environ = {"OPENBLAS_CORETYPE": "SkylakeX"}
    assert not pin_kernels(environ, machine="x86_64", flags=_X86)
    assert environ == {"OPENBLAS_CORETYPE": "SkylakeX"}


def test_cpus_that_cannot_run_the_kernels_are_left_alone() -> None:
    for machine, flags in [("aarch64", _X86), ("x86_64", frozenset({"sse4_2", "avx"}))]:
        environ: dict[str, str] = {}
        assert not pin_kernels(environ, machine=machine, flags=flags)
        assert environ == {}


def test_the_pasici_command_loads_openblas_with_the_pinned_kernels() -> None:
    """In a fresh interpreter, as the ``pasici`` script runs: bot.cli.main first, numpy after."""
    expected = pin_kernels({})  # True when this machine's CPU runs the pinned kernels
    script = (
        "import json, os, bot.cli.main, numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps([os.environ.get('OPENBLAS_CORETYPE'),"
        " [i.get('architecture') for i in threadpool_info() if i['internal_api'] == 'openblas']]))"
    )
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    completed = subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, check=True
    )
    coretype, architectures = json.loads(completed.stdout)
    assert architectures  # numpy's OpenBLAS is found
    if expected:
        assert coretype == KERNELS
        assert set(architectures) == {KERNELS}
    else:
        assert coretype is None
