"""Build hook: compiles the detection engine's per-message modules with mypyc.

``pip install .`` (a wheel) compiles them (C extensions next to the same ``.py`` sources, about
1.2x faster per message, same verdicts: ``tests/packaging/test_compiled_engine.py``);
``PASICI_PURE_PYTHON=1`` builds pure Python, as the development checkout runs (``make``'s
editable installs set it: tests, coverage and edits see the ``.py`` files). Everything else is
in ``pyproject.toml``.
"""

from __future__ import annotations

import os

from setuptools import setup

# the modules every message goes through, after ``bot.detection.engine`` (in import order)
COMPILED_MODULES = [
    "bot/detection/charfold.py",
    "bot/detection/normalise.py",
    "bot/detection/langid.py",
    "bot/detection/lexicon.py",
    "bot/detection/context.py",
    "bot/detection/suppressors.py",
    "bot/detection/rules.py",
    "bot/detection/rules_harm.py",
    "bot/detection/analysis.py",
    "bot/detection/custom.py",
    "bot/detection/classifier.py",
    "bot/detection/learned/segmenter.py",
    "bot/detection/learned/features.py",
    "bot/detection/engine.py",
]


def _extensions() -> list[object]:
    if os.environ.get("PASICI_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    extensions = mypycify(
        ["--config-file", "mypyc.ini", *COMPILED_MODULES],
        opt_level="3",
        group_name="pasici_detection",
    )
    for extension in extensions:
        # no C compiler: a warning and the pure-Python modules (the bot logs which it runs)
        extension.optional = True
    return list(extensions)


setup(ext_modules=_extensions())
