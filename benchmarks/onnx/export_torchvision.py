#!/usr/bin/env python3
"""PyTorch's own ONNX exports of torchvision's mobilenet_v2 and resnet18 (1000 classes, eval mode), the reference of
`NetDsl.Benchmarks onnx`: written with torch.onnx.export at opset 17 (the newest Debian's PyTorch 1.13 writes), the
batch axis dynamic, constants folded, as a PyTorch user deploys them.
Usage: /usr/bin/python3 export_torchvision.py OUT_DIR
"""
import os
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1)
    for name, create in (("MobileNetV2", torchvision.models.mobilenet_v2), ("ResNet18", torchvision.models.resnet18)):
        model = create().eval()
        path = os.path.join(out, f"{name}.torch.onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=17, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
        print(f"{name}: {path} ({os.path.getsize(path):,} bytes), torch {torch.__version__}, torchvision {torchvision.__version__}")


if __name__ == "__main__":
    main()
