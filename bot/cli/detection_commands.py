"""``pasici classify | scan | eval | train``: the detection engine from the command line."""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.detection.errors import RulesDataError
from bot.detection.learned.model import ModelFileError

if TYPE_CHECKING:
    from bot.detection.engine import DetectionEngine, Thresholds
    from bot.settings.detection_models import ModelOnlySettings

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    classify = subparsers.add_parser("classify", help="classify a text, or JSON lines from stdin")
    classify.add_argument("text", nargs="?", help="the text (omit with --format jsonl)")
    classify.add_argument("--format", choices=("text", "jsonl"), default="text")
    _common(classify)
    classify.set_defaults(handler=_classify)

    scan = subparsers.add_parser("scan", help="score an exported comment thread (CSV or JSONL)")
    scan.add_argument("file", type=Path)
    scan.add_argument(
        "--text-column", required=True, help="column (CSV) or key (JSONL) with the text"
    )
    scan.add_argument("--format", choices=("csv", "jsonl"), help="default: from the file extension")
    scan.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8-sig",
        help="the file's text encoding, e.g. latin-1 or utf-16 (default: UTF-8, BOM or not)",
    )
    scan.add_argument(
        "--delimiter",
        type=_delimiter,
        help="CSV delimiter, one character or 'tab' (default: sniffed among , ; tab)",
    )
    scan.add_argument(
        "--out", type=Path, required=True, help="directory for scan.csv and scan.html"
    )
    _common(scan)
    scan.set_defaults(handler=_scan)

    evaluate = subparsers.add_parser("eval", help="metrics on a labelled JSONL file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--worst", type=int, default=10, help="errors listed per kind")
    _common(evaluate)
    evaluate.set_defaults(handler=_eval)

    train = subparsers.add_parser("train", help="rebuild the shipped model files")
    train.add_argument("--data-dir", type=Path, help="public data sets (default: ../shared/data)")
    train.add_argument("--no-public", action="store_true", help="train on the team corpus only")
    train.add_argument("--models-dir", type=Path, help="output (default: bot/detection/models)")
    train.add_argument("--cache-dir", type=Path, help="embedding cache (default: ~/.cache/pasici)")
    train.set_defaults(handler=_train)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="community policy file (thresholds, custom terms)"
    )
    parser.add_argument("--models-dir", type=Path, help="model files (default: the shipped ones)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _encoding(name: str) -> str:
    """An ``--encoding`` Python knows (argparse turns the ValueError into a usage error)."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r}") from None
    return name


def _delimiter(value: str) -> str:
    """A ``--delimiter``: one character, or ``tab`` / ``\\t`` for a tab."""
    delimiter = "\t" if value in ("tab", "\\t") else value
    if len(delimiter) != 1:
        raise argparse.ArgumentTypeError(f"expected one character or 'tab', not {value!r}")
    return delimiter


def _fail(message: str) -> int:
    print(f"pasici: {message}", file=sys.stderr)
    return 2


def _one_line(error: Exception) -> str:
    """The error's message on one line (a YAML error spans several, with a caret line)."""
    lines = (line.strip() for line in str(error).splitlines())
    return " ".join(line for line in lines if line and line != "^")


def _engine(
    arguments: argparse.Namespace,
) -> tuple[DetectionEngine, Thresholds, ModelOnlySettings]:
    """The engine, thresholds and gate, ready before any message is read: the rules data is
    checked and the encoders loaded now, so a missing or corrupt file fails at start.

    Raises ``RulesDataError``, ``ModelFileError`` or ``PolicyError``.
    """
    from bot.detection.classifier import check_rules_data
    from bot.detection.tools.verdict import engine_and_thresholds

    check_rules_data()
    engine, thresholds, gate = engine_and_thresholds(arguments.models_dir, arguments.config)
    engine.warm_up()
    return engine, thresholds, gate


def _classify(arguments: argparse.Namespace) -> int:
    from bot.detection.tools.jsonl import classify_stream, write_stream
    from bot.detection.tools.verdict import PolicyError, verdict_of

    if arguments.format == "text" and arguments.text is None:
        return _fail("classify needs a text (or --format jsonl to read JSON lines from stdin)")
    if arguments.format == "jsonl" and arguments.text is not None:
        return _fail(
            "classify --format jsonl reads JSON lines from stdin and takes no text argument"
            f" (got {arguments.text[:40]!r})"
        )
    try:
        engine, thresholds, gate = _engine(arguments)
    except (ModelFileError, PolicyError, RulesDataError) as error:
        return _fail(_one_line(error))
    if arguments.format == "jsonl":
        from tqdm import tqdm

        lines = tqdm(sys.stdin, desc="classifying", unit="line", disable=arguments.no_progress)
        write_stream(sys.stdout, classify_stream(lines, engine, thresholds, gate))
        return 0
    classification = engine.classify(arguments.text)
    verdict = verdict_of(classification, thresholds, gate)
    head = f"FLAGGED: {verdict.category}" if verdict.flagged else "ok (not flagged)"
    print(f"{head}  score={verdict.score:.2f}  lang={verdict.lang}")
    for item in sorted(classification.scores, key=lambda s: -s.score):
        print(f"  {item.category.value:<9} {item.score:.2f}")
    spans = dict.fromkeys(s for item in classification.scores for s in item.spans)
    for span in spans:  # once each: categories can share a span
        print(f"  span [{span.start}:{span.end}] {span.text!r}")
    for reason in verdict.reasons:
        print(f"  reason: {reason}")
    return 0


def _scan(arguments: argparse.Namespace) -> int:
    from bot.detection.tools.scan import ScanError, read_rows, scan, write_csv, write_html
    from bot.detection.tools.verdict import PolicyError

    file_format = arguments.format or (
        "jsonl" if arguments.file.suffix in (".jsonl", ".ndjson") else "csv"
    )
    try:
        engine, thresholds, gate = _engine(arguments)
        columns, rows = read_rows(
            arguments.file,
            arguments.text_column,
            file_format,
            encoding=arguments.encoding,
            delimiter=arguments.delimiter,
        )
        results = scan(rows, engine, thresholds, progress=not arguments.no_progress, gate=gate)
        arguments.out.mkdir(parents=True, exist_ok=True)
        write_csv(arguments.out / "scan.csv", columns, results)
        write_html(arguments.out / "scan.html", arguments.file, results)
    except (ModelFileError, PolicyError, RulesDataError, ScanError) as error:
        return _fail(_one_line(error))
    except OSError as error:
        return _fail(f"cannot write to {arguments.out}: {error.strerror}")
    flagged = sum(1 for _, v in results if v is not None and v.flagged)
    print(
        f"{len(results)} rows, {flagged} flagged -> "
        f"{arguments.out / 'scan.csv'}, {arguments.out / 'scan.html'}"
    )
    return 0


def _eval(arguments: argparse.Namespace) -> int:
    """Metrics of what the bot flags (``verdict_of`` with the community's gate, as classify and
    scan). Bad lines are each reported (file:line) and skipped; then the exit code is 1."""
    from bot.detection.tools.evaluate import DETECT_LANG, evaluate, render_report
    from bot.detection.tools.verdict import PolicyError
    from bot.detection.training.samples import CorpusError, read_labelled

    try:
        engine, thresholds, gate = _engine(arguments)
        samples, problems = read_labelled(arguments.file, default_lang=DETECT_LANG)
    except (ModelFileError, PolicyError, RulesDataError, CorpusError) as error:
        return _fail(_one_line(error))
    for problem in problems:
        print(f"pasici: {problem}", file=sys.stderr)
    outcomes = evaluate(samples, engine, thresholds, progress=not arguments.no_progress, gate=gate)
    print(render_report(outcomes, arguments.worst))
    if problems:
        print(f"pasici: {len(problems)} invalid line(s) skipped", file=sys.stderr)
        return 1
    return 0


def _train(arguments: argparse.Namespace) -> int:
    from bot.detection.learned.features import TokenBagEmbedder
    from bot.detection.learned.onnx_encoder import OnnxUseEmbedder
    from bot.detection.training.embed_cache import CachedEmbedder
    from bot.detection.training.fit import TrainingDataError
    from bot.detection.training.metrics import Scores, render_table
    from bot.detection.training.samples import CorpusError
    from bot.detection.training.train import TrainOptions, train

    options = TrainOptions(use_public=not arguments.no_public, data_dir=arguments.data_dir)
    if arguments.models_dir is not None:
        options = TrainOptions(
            models_dir=arguments.models_dir,
            use_public=options.use_public,
            data_dir=options.data_dir,
        )
    if options.use_public and arguments.data_dir is not None and not arguments.data_dir.is_dir():
        return _fail(f"--data-dir {arguments.data_dir} is not a directory")
    try:
        embedder = CachedEmbedder(OnnxUseEmbedder(), arguments.cache_dir)
    except ModelFileError as error:
        return _fail(str(error))
    mid_embedder = CachedEmbedder(TokenBagEmbedder(), arguments.cache_dir)
    try:
        result = train(
            options,
            embedder,
            log=lambda line: print(line, file=sys.stderr),
            mid_embedder=mid_embedder,
        )
    except (CorpusError, TrainingDataError, RulesDataError) as error:
        return _fail(_one_line(error))
    print("dev-set metrics (thresholds chosen on dev):")
    print(render_table(result.metrics))
    crossfold = {
        lang: Scores(**values) for lang, values in result.manifest["dev_metrics_crossfold"].items()
    }
    print(
        "\ndev-set metrics, cross-fold (thresholds chosen on one half of dev, scored on the other):"
    )
    print(render_table(crossfold))
    print(f"cascade: {result.manifest['cascade']}  dev stages: {result.manifest['dev_stages']}")
    print(f"wrote {options.models_dir}")
    return 0
