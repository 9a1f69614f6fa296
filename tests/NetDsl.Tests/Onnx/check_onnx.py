#!/usr/bin/env python3
"""The official ONNX checker on every .onnx file of a folder, and ONNX's own shape inference against NetDsl's shapes.

For each file: onnx.checker.check_model with full_check (the model, every node against its operator's schema, and
shape inference in strict mode); then the declared shapes of every intermediate value (NetDsl writes one per value)
are removed, ONNX infers them again from the graph alone, and each inferred shape must equal the declared one.
Prints one JSON object per file and a last line "N checked, N failed"; exits 1 when any file fails.
Usage: check_onnx.py FOLDER
"""
import copy
import glob
import json
import os
import sys

import onnx
from onnx import checker, shape_inference


def dims(value):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in value.type.tensor_type.shape.dim]


def check(path):
    model = onnx.load(path)
    checker.check_model(model, full_check=True)
    declared = {v.name: dims(v) for v in model.graph.value_info}
    stripped = copy.deepcopy(model)
    del stripped.graph.value_info[:]
    inferred = shape_inference.infer_shapes(stripped, check_type=True, strict_mode=True)
    found = {v.name: dims(v) for v in inferred.graph.value_info}
    found.update({v.name: dims(v) for v in inferred.graph.output})
    # Where ONNX's inference loses the symbolic batch (Resize by scales makes it an unknown 'unk__k'), the static sizes
    # must still agree; such values are counted, not failed.
    def agrees(shape, inferred):
        return inferred is not None and len(shape) == len(inferred) and all(
            a == b or (isinstance(a, str) and isinstance(b, str) and b.startswith("unk__")) for a, b in zip(shape, inferred))
    differ = [(name, shape, found.get(name)) for name, shape in declared.items() if not agrees(shape, found.get(name))]
    batch_unknown = sum(1 for name, shape in declared.items() if found.get(name) != shape and agrees(shape, found.get(name)))
    produced = {o for n in model.graph.node for o in n.output}
    unshaped = sorted(produced - set(declared) - {o.name for o in model.graph.output})
    return {
        "file": os.path.basename(path),
        "opset": model.opset_import[0].version,
        "nodes": len(model.graph.node),
        "values": len(declared),
        "batch_unknown_to_onnx": batch_unknown,
        "differ": [{"value": n, "netdsl": a, "onnx": b} for n, a, b in differ[:10]],
        "unshaped": unshaped[:10],
    }


def main():
    folder = sys.argv[1]
    failed = 0
    files = sorted(glob.glob(os.path.join(folder, "*.onnx")))
    print("onnx", onnx.__version__, file=sys.stderr)
    for path in files:
        try:
            result = check(path)
            result["ok"] = not result["differ"] and not result["unshaped"]
        except Exception as error:  # the checker's own errors, reported per file
            result = {"file": os.path.basename(path), "ok": False, "error": f"{type(error).__name__}: {error}"[:2000]}
        failed += 0 if result["ok"] else 1
        print(json.dumps(result), flush=True)
    print(f"{len(files)} checked, {failed} failed")
    sys.exit(1 if failed or not files else 0)


if __name__ == "__main__":
    main()
