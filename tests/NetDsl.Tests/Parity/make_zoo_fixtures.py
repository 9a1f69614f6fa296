"""PyTorch references for NetDsl's model-zoo parity tests.

Usage: /usr/bin/python3 make_zoo_fixtures.py OUTPUT_DIR [NAME ...]   (no names: every model below)

For each model (a torchvision constructor, or the small UNet defined here) this script writes into OUTPUT_DIR:
  <Name>.safetensors     the whole state_dict() under torchvision's own keys, BatchNorm buffers included;
  <Name>.pt              torch.save of the same state dict (only the small models listed in PT_MODELS);
  <Name>.io.safetensors  'input' [2, C, H, W] and 'output', the eval-mode output under torch.no_grad(), and 'output64',
                         the same computed in float64;
and one zoo.json describing every model written in this run (constructor, trainable count, input and output shapes).

Every tensor of the state dict is set by carry_the_input from torch.Generator().manual_seed(2000 + index), index
being the model's position in MODELS (so a model's fixture does not depend on which names are asked for); the input is
torch.randn drawn from that same generator afterwards. Everything is float32 (num_batches_tracked stays int64).

The safetensors files are written by the small writer below (no safetensors or numpy package needed) and read back
after writing; every tensor must equal the one written, exactly.
"""
import ctypes
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as models

sys.dont_write_bytecode = True  # importing make_fixtures leaves no __pycache__ beside the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import randomise  # noqa: E402  (make_fixtures runs nothing on import)


# ---------------------------------------------------------------------------------------------------------------------
# safetensors: 8-byte little-endian header length N, N bytes of JSON (padded with spaces so 8 + N is a multiple of 8),
# then the tensors' bytes one after another, row-major, little-endian; data_offsets count from the byte after the header.

DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}
TORCH_DTYPES = {name: dtype for dtype, name in DTYPES.items()}


def raw_bytes(tensor):
    """A zero-copy view of a contiguous CPU tensor's bytes (the tensor must stay alive while the view is used)."""
    assert tensor.device.type == "cpu" and tensor.is_contiguous()
    size = tensor.numel() * tensor.element_size()
    if size == 0:
        return memoryview(b"")
    return memoryview((ctypes.c_char * size).from_address(tensor.data_ptr())).cast("B")


def write_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> tensor, streaming one tensor at a time (never one bytes object for the whole file)."""
    if sys.byteorder != "little":
        raise RuntimeError("the writer stores the machine's bytes as they are; safetensors needs little-endian")
    prepared = []
    header = {}
    offset = 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().cpu().contiguous()
        size = tensor.numel() * tensor.element_size()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        prepared.append(tensor)
        offset += size
    header["__metadata__"] = dict(metadata or {"format": "pt"})
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as file:
        file.write(len(text).to_bytes(8, "little"))
        file.write(text)
        for tensor in prepared:
            file.write(raw_bytes(tensor))
    return 8 + len(text) + offset


def read_safetensors(path):
    """Reads a safetensors file into a dict name -> tensor (in the header's order), checking its layout on the way."""
    tensors = {}
    with open(path, "rb") as file:
        length = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(length).decode("utf-8"))
        start = 8 + length
        end = 0
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            dtype = TORCH_DTYPES[entry["dtype"]]
            shape = entry["shape"]
            begin, stop = entry["data_offsets"]
            count = 1
            for extent in shape:
                count *= extent
            element = torch.empty((), dtype=dtype).element_size()
            if stop - begin != count * element:
                raise ValueError(f"{path}: {name} has {stop - begin} bytes for shape {shape} of {entry['dtype']}")
            buffer = bytearray(stop - begin)
            file.seek(start + begin)
            if file.readinto(buffer) != len(buffer):
                raise ValueError(f"{path}: {name} runs past the end of the file")
            if count == 0:
                tensors[name] = torch.empty(shape, dtype=dtype)
            else:
                tensors[name] = torch.frombuffer(buffer, dtype=dtype).reshape(shape)
            end = max(end, stop)
        file.seek(0, os.SEEK_END)
        if file.tell() != start + end:
            raise ValueError(f"{path}: {file.tell() - start - end} bytes after the last tensor")
    return tensors


def write_checked(path, tensors):
    size = write_safetensors(path, tensors)
    back = read_safetensors(path)
    if list(back) != list(tensors):
        raise AssertionError(f"{path}: keys read back differ from those written")
    for name, tensor in tensors.items():
        if back[name].dtype != tensor.dtype or back[name].shape != tensor.shape or not torch.equal(back[name], tensor):
            raise AssertionError(f"{path}: {name} read back differs from the tensor written")
    return size


# ---------------------------------------------------------------------------------------------------------------------
# UNet: four levels below the top, base width 16, two classes; BatchNorm after each convolution, transposed-convolution
# upsampling and skip connections concatenated before the decoder's convolutions.

class DoubleConv(nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(x)))


class UNet(nn.Module):
    def __init__(self, inputs=3, classes=2, base=16):
        super().__init__()
        self.enc1 = DoubleConv(inputs, base)
        self.enc2 = DoubleConv(base, base * 2)
        self.enc3 = DoubleConv(base * 2, base * 4)
        self.enc4 = DoubleConv(base * 4, base * 8)
        self.bottom = DoubleConv(base * 8, base * 16)
        self.up4 = nn.ConvTranspose2d(base * 16, base * 8, 2, stride=2)
        self.dec4 = DoubleConv(base * 16, base * 8)
        self.up3 = nn.ConvTranspose2d(base * 8, base * 4, 2, stride=2)
        self.dec3 = DoubleConv(base * 8, base * 4)
        self.up2 = nn.ConvTranspose2d(base * 4, base * 2, 2, stride=2)
        self.dec2 = DoubleConv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose2d(base * 2, base, 2, stride=2)
        self.dec1 = DoubleConv(base * 2, base)
        self.head = nn.Conv2d(base, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        e4 = self.enc4(F.max_pool2d(e3, 2))
        b = self.bottom(F.max_pool2d(e4, 2))
        d4 = self.dec4(torch.cat([e4, self.up4(b)], dim=1))
        d3 = self.dec3(torch.cat([e3, self.up3(d4)], dim=1))
        d2 = self.dec2(torch.cat([e2, self.up2(d3)], dim=1))
        d1 = self.dec1(torch.cat([e1, self.up1(d2)], dim=1))
        return self.head(d1)


# ---------------------------------------------------------------------------------------------------------------------
# The zoo: (name, constructor as text, constructor, input shape without the batch). The order fixes the seeds: append only.

MODELS = [
    ("ResNet18", "models.resnet18()", lambda: models.resnet18(), (3, 64, 64)),
    ("ResNet34", "models.resnet34()", lambda: models.resnet34(), (3, 64, 64)),
    ("ResNet50", "models.resnet50()", lambda: models.resnet50(), (3, 64, 64)),
    ("MobileNetV2Width100", "models.mobilenet_v2(width_mult=1.0)", lambda: models.mobilenet_v2(width_mult=1.0), (3, 64, 64)),
    ("MobileNetV2Width050", "models.mobilenet_v2(width_mult=0.5)", lambda: models.mobilenet_v2(width_mult=0.5), (3, 64, 64)),
    ("SqueezeNet11", "models.squeezenet1_1()", lambda: models.squeezenet1_1(), (3, 64, 64)),
    ("Vgg11BatchNorm", "models.vgg11_bn()", lambda: models.vgg11_bn(), (3, 64, 64)),
    ("MobileNetV3Small", "models.mobilenet_v3_small()", lambda: models.mobilenet_v3_small(), (3, 64, 64)),
    ("EfficientNetB0", "models.efficientnet_b0()", lambda: models.efficientnet_b0(), (3, 64, 64)),
    ("DenseNet121", "models.densenet121()", lambda: models.densenet121(), (3, 64, 64)),
    ("GoogLeNet", "models.googlenet(aux_logits=False, transform_input=False, init_weights=False)",
     lambda: models.googlenet(aux_logits=False, transform_input=False, init_weights=False), (3, 64, 64)),
    ("ShuffleNetV2X10", "models.shufflenet_v2_x1_0()", lambda: models.shufflenet_v2_x1_0(), (3, 64, 64)),
    ("UNet", "UNet(inputs=3, classes=2, base=16)", lambda: UNet(inputs=3, classes=2, base=16), (3, 64, 64)),
]

# The small models that also get a torch.save file (the others are covered by safetensors alone).
PT_MODELS = {"ResNet18", "SqueezeNet11", "MobileNetV2Width100", "UNet"}

BATCH = 2


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def carry_the_input(model, generator, input_shape):
    """Weights under which the output depends on the input, as a trained network's does.

    randomise's kernels (bound 1/sqrt(fan_in)) lose a third of the variance at every layer, so a deep network's eval
    output would be nearly a constant of its biases. Here kernels get He's bound sqrt(6/fan_in) (the variance survives
    a ReLU), and each BatchNorm's running statistics are those of its own input on random batches (cumulative, as a
    calibration pass computes them), so eval-mode BatchNorm normalises what really reaches it. Scales, shifts and
    biases keep randomise's non-trivial values."""
    randomise(model, generator)
    with torch.no_grad():
        for _, parameter in model.named_parameters():
            if parameter.dim() > 1:
                fan_in = parameter[0].numel()
                parameter.copy_((torch.rand(parameter.shape, generator=generator) * 2 - 1) * (6.0 / fan_in) ** 0.5)
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if norms:
        momenta = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None
        model.train()
        with torch.no_grad():
            for _ in range(4):
                model(torch.randn((8,) + tuple(input_shape), generator=generator))
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum


def build(index):
    """The model at MODELS[index] with its deterministic weights (carry_the_input), in eval mode, and its generator."""
    _, _, make, input_shape = MODELS[index]
    torch.manual_seed(2000 + index)  # dropout and stochastic depth draw from the global generator while calibrating
    model = make()
    generator = torch.Generator().manual_seed(2000 + index)
    carry_the_input(model, generator, input_shape)
    model.eval()
    return model, generator


def make_one(output, index):
    name, call, _, input_shape = MODELS[index]
    started = time.time()
    model, generator = build(index)
    x = torch.randn((BATCH,) + tuple(input_shape), generator=generator) * 1.0
    with torch.no_grad():
        y = model(x)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"{name}: eval output is {type(y).__name__}, not a tensor")
    y = y.float().contiguous()
    state = model.state_dict()
    for key, tensor in state.items():
        if tensor.dtype != (torch.int64 if key.endswith("num_batches_tracked") else torch.float32):
            raise TypeError(f"{name}: {key} is {tensor.dtype}")
    if not torch.isfinite(y).all():
        raise ValueError(f"{name}: the output is not finite")
    # The two samples' outputs must differ well beyond rounding, or the comparison would not check the network's body.
    spread = ((y[0] - y[1]).abs().max() / y.abs().max()).item()
    if spread < 1e-2:
        raise ValueError(f"{name}: the output hardly depends on the input (relative difference of the samples {spread:.1e})")
    write_checked(os.path.join(output, name + ".safetensors"), state)
    if name in PT_MODELS:
        torch.save(state, os.path.join(output, name + ".pt"))
    # The same weights in float64: an output with float32's rounding taken out, so a comparison can tell a structural
    # difference from the rounding of two libtorch builds.
    with torch.no_grad():
        y64 = model.double()(x.double()).contiguous()
    model.float()
    write_checked(os.path.join(output, name + ".io.safetensors"), {"input": x.contiguous(), "output": y, "output64": y64})
    count = trainable(model)
    entry = {"torchvision": call, "parameters": count, "input": list(x.shape), "output": list(y.shape)}
    if name == "UNet":
        entry["width64_parameters"] = trainable(UNet(inputs=3, classes=2, base=64))  # the original U-Net's widths
    print(f"{name}: {call}, {count:,} parameters, input {list(x.shape)} -> output {list(y.shape)}, largest |output| "
          f"{y.abs().max().item():.3g}, samples differ by {spread:.2f} of it, {time.time() - started:.1f} s", flush=True)
    return entry


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    output, names = argv[0], argv[1:]
    known = [name for name, _, _, _ in MODELS]
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    os.makedirs(output, exist_ok=True)
    started = time.time()
    zoo = {}
    for index, name in enumerate(known):
        if names and name not in names:
            continue
        zoo[name] = make_one(output, index)
    with open(os.path.join(output, "zoo.json"), "w") as file:
        json.dump(zoo, file, indent=2)
        file.write("\n")
    print(f"{len(zoo)} model(s) in {time.time() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
