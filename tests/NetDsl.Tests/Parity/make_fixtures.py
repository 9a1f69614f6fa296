"""PyTorch references for NetDsl's parity tests.

Each case below is a small PyTorch module whose state-dict keys equal those of the NetDsl network of the same name in
ParityNetworks.cs. For each case this script writes <case>.pt (torch.save of a dict of tensors): the module's
parameters and buffers (randomised, running statistics included), the input, the output in eval mode, the output in
train mode, the gradient of (train output * grad_seed).sum() with respect to the input, and the buffers after that
train-mode step. Run with Debian's PyTorch: /usr/bin/python3 make_fixtures.py OUTPUT_DIR
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def tf_same(size, window, stride, dilation=1):
    """TensorFlow's 'same' padding along one axis: (before, after), the odd cell after."""
    effective = dilation * (window - 1) + 1
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def pad_same_2d(x, window, stride, dilation=1):
    top, bottom = tf_same(x.shape[2], window, stride, dilation)
    left, right = tf_same(x.shape[3], window, stride, dilation)
    return F.pad(x, (left, right, top, bottom))


def naive_pool(x, window, stride, pads, reduce):
    """Pooling by explicit windows over the real cells only (padding never counts): Keras' semantics, written plainly."""
    top, bottom, left, right = pads
    n, c, h, w = x.shape
    out_h = (h + top + bottom - window) // stride + 1
    out_w = (w + left + right - window) // stride + 1
    rows = []
    for i in range(out_h):
        cols = []
        for j in range(out_w):
            r0, c0 = i * stride - top, j * stride - left
            r1, c1 = max(r0, 0), max(c0, 0)
            r2, c2 = min(r0 + window, h), min(c0 + window, w)
            cell = x[:, :, r1:r2, c1:c2].reshape(n, c, -1)
            cols.append(cell.amax(dim=2) if reduce == "max" else cell.mean(dim=2))
        rows.append(torch.stack(cols, dim=2))
    return torch.stack(rows, dim=2)


class Convolutions(nn.Module):
    input_shape = (4, 9, 9)

    def __init__(self):
        super().__init__()
        self.same = nn.Conv2d(4, 6, 3, stride=2)
        self.dilated = nn.Conv2d(6, 6, 3, padding=2, dilation=2, groups=3)
        self.point = nn.Conv2d(6, 8, 1, bias=False)
        self.dw = nn.Conv2d(8, 16, 3, padding=1, groups=8)
        self.dw_same = nn.Conv2d(16, 16, 3, stride=2, groups=16, bias=False)

    def forward(self, x):
        x = self.same(pad_same_2d(x, 3, 2))
        x = self.dilated(x)
        x = self.point(x)
        x = self.dw(x)
        return self.dw_same(pad_same_2d(x, 3, 2))


class Pools(nn.Module):
    input_shape = (3, 17, 17)

    def forward(self, x):
        x = naive_pool(x, 3, 2, (*tf_same(17, 3, 2), *tf_same(17, 3, 2)), "max")      # 9
        x = naive_pool(x, 3, 2, (*tf_same(9, 3, 2), *tf_same(9, 3, 2)), "mean")       # 5
        x = F.max_pool2d(x, 3, 2, padding=1)                                           # 3
        x = F.adaptive_avg_pool2d(x, (2, 2))                                           # 2
        x = F.pad(x, (0, 1, 1, 2))                                                     # [3, 5, 3]
        x = F.avg_pool2d(x, 2, 1)                                                      # [3, 4, 2]
        x = x[:, :, 1:, :1]                                                            # [3, 3, 1]
        return torch.cat([x.flatten(1), x.amax(dim=(2, 3)), x.mean(dim=(2, 3))], dim=1)


class Activations(nn.Module):
    input_shape = (6,)

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 8)
        self.prelu = nn.PReLU(8, 0.25)
        self.head = nn.Linear(8 * 15, 3)

    def forward(self, x):
        y = self.fc(x)
        branches = [
            torch.sigmoid(y), torch.tanh(y), F.leaky_relu(y, 0.2), F.elu(y, 0.5), F.gelu(y), F.gelu(y, approximate="tanh"),
            F.silu(y), F.hardsigmoid(y), F.hardswish(y), F.mish(y), F.relu(y), F.relu6(y), self.prelu(y), F.softmax(y, dim=-1),
            F.leaky_relu(y, 0.3),
        ]
        return torch.tanh(self.head(torch.cat(branches, dim=1)))


class Merges(nn.Module):
    input_shape = (4, 6, 6)

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 1)
        self.squeeze = nn.Linear(4, 2)
        self.excite = nn.Linear(2, 4)
        self.out = nn.Conv2d(24, 3, 1)

    def forward(self, x):
        a, b = self.a(x), self.b(x)
        total = a + b + x
        difference = a - b
        product = a * b
        mean = (a + b + x) / 3
        high = torch.maximum(torch.maximum(a, b), x)
        low = torch.minimum(a, b)
        gate = torch.sigmoid(self.excite(F.relu(self.squeeze(total.mean(dim=(2, 3)))))).reshape(-1, 4, 1, 1)
        scaled = total * gate
        return torch.sigmoid(self.out(torch.cat([difference, product, mean, high, low, scaled], dim=1)))


class Norms(nn.Module):
    input_shape = (8, 5, 5)

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(8, eps=1e-4, momentum=0.2)
        self.gn = nn.GroupNorm(4, 8, eps=1e-5)
        self.inorm = nn.InstanceNorm2d(8, eps=1e-3, affine=True)
        self.bn_plain = nn.BatchNorm2d(8, eps=1e-3, momentum=0.01, affine=False)
        self.bn_batch = nn.BatchNorm2d(8, eps=1e-3, momentum=0.01, track_running_stats=False)
        self.ln = nn.LayerNorm(200, eps=1e-3)
        self.fc = nn.Linear(200, 6, bias=False)
        self.bn_flat = nn.BatchNorm1d(6, eps=1e-3, momentum=0.01)

    def forward(self, x):
        x = self.bn(x)
        x = self.gn(x)
        x = self.inorm(x)
        x = self.bn_plain(x)
        x = self.bn_batch(x)
        return self.bn_flat(self.fc(self.ln(x.flatten(1))))


class Sequences(nn.Module):
    input_shape = (4, 11)

    def __init__(self):
        super().__init__()
        self.same = nn.Conv1d(4, 6, 3, stride=2)
        self.dilated = nn.Conv1d(6, 6, 3, padding=2, dilation=2, groups=2, bias=False)
        self.bn = nn.BatchNorm1d(6, eps=1e-3, momentum=0.01)
        self.ln = nn.LayerNorm(6, eps=1e-3)
        self.fc = nn.Linear(36, 3)

    def forward(self, x):
        before, after = tf_same(11, 3, 2)
        x = self.same(F.pad(x, (before, after)))                      # [6, 6]
        x = self.bn(self.dilated(x))
        x = self.ln(x)
        x = x.permute(0, 2, 1)
        return self.fc(x.reshape(x.shape[0], -1))


class Resampling(nn.Module):
    input_shape = (4, 5, 5)

    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)
        self.up_padded = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, bias=False)
        self.mix = nn.Conv2d(26, 3, 1)

    def forward(self, x):
        a = self.up_padded(self.up(x))                                         # [4, 20, 20]
        b = F.interpolate(x, scale_factor=4, mode="nearest")                  # [4, 20, 20]
        c = F.interpolate(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), scale_factor=2, mode="bilinear", align_corners=True)
        ab = torch.cat([a, b], dim=1)                                           # [8, 20, 20]
        d = ab.reshape(-1, 2, 4, 20, 20).transpose(1, 2).reshape(-1, 8, 20, 20)   # channel shuffle, groups 2
        e = d.chunk(2, dim=1)[1]                                                # [4, 20, 20]
        f = ab.chunk(4, dim=1)[3]                                               # [2, 20, 20]
        return self.mix(torch.cat([a, b, c, d, e, f], dim=1))


class Residual(nn.Module):
    """The ResidualNet sample's ResNet basic blocks (see ParityNetworks.cs)."""

    input_shape = (3, 12, 12)

    class Basic(nn.Module):
        def __init__(self, inputs, filters, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inputs, filters, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1)
            self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1)
            self.project = stride != 1 or inputs != filters
            if self.project:
                self.proj = nn.Conv2d(inputs, filters, 1, stride=stride, bias=False)
                self.proj_bn = nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1)

        def forward(self, x):
            y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
            shortcut = self.proj_bn(self.proj(x)) if self.project else x
            return F.relu(y + shortcut)

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(8, eps=1e-5, momentum=0.1)
        self.block1 = Residual.Basic(8, 8, 1)
        self.block2 = Residual.Basic(8, 16, 2)
        self.block3 = Residual.Basic(16, 16, 1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem_bn(self.stem(x))), 3, 2, padding=1)
        x = self.block3(self.block2(self.block1(x)))
        return self.fc(x.mean(dim=(2, 3)))


class SamePadding(nn.Module):
    """Even sizes, so TensorFlow's 'same' is asymmetric (the odd row and column after); half padding; the [Add] shortcut."""

    input_shape = (3, 8, 8)

    class Shortcut(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(4, 4, 3, padding=1)

        def forward(self, x):
            return self.conv(x) + x

    def __init__(self):
        super().__init__()
        self.same = nn.Conv2d(3, 4, 3, stride=2)
        self.wide = nn.Conv2d(4, 4, 5, stride=2, padding=2)
        self.res = SamePadding.Shortcut()

    def forward(self, x):
        x = self.same(F.pad(x, (0, 1, 0, 1)))                                 # 8 -> 4, TF 'same' at stride 2
        x = self.res(x)
        y = naive_pool(x, 3, 2, (0, 1, 0, 1), "max")                           # 4 -> 2, 'same'
        z = naive_pool(x, 3, 1, (1, 1, 1, 1), "mean")                          # Pad = 1, padded cells not counted
        h = self.wide(z)                                                        # 4 -> 2
        return torch.cat([y, h], dim=1)


class CustomLayer(nn.Module):
    """A user's own module in a [Custom] layer: space-to-depth by 2 (PyTorch's pixel_unshuffle) with a learned scale."""

    input_shape = (3, 6, 6)

    class SpaceToDepth(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(12, 1, 1))

        def forward(self, x):
            return F.pixel_unshuffle(x, 2) * self.scale

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.s2d = CustomLayer.SpaceToDepth()
        self.head = nn.Conv2d(12, 2, 1)

    def forward(self, x):
        return self.head(self.s2d(self.conv(x)))


class NonSquare(nn.Module):
    """Kernels, strides and paddings that differ per axis (Inception v3's 1×7), and ceil-mode max pooling (GoogLeNet)."""

    input_shape = (3, 9, 11)

    def __init__(self):
        super().__init__()
        self.row = nn.Conv2d(3, 4, (1, 7), padding=(0, 3))
        self.tall = nn.Conv2d(4, 4, (5, 3), stride=(1, 2), padding=(2, 0))
        self.column = nn.Conv2d(4, 4, (3, 1), padding=1, groups=4)

    def forward(self, x):
        x = self.tall(self.row(x))                                # [4, 9, 5]
        x = F.max_pool2d(x, 3, 2, ceil_mode=True)                 # [4, 4, 2]
        x = self.column(x)                                        # [4, 4, 4]
        return F.max_pool2d(x, 3, 2, padding=1, ceil_mode=True)   # [4, 3, 3]


class Separable(nn.Module):
    """SeparableConv2D: a grouped k×k convolution without bias, then a 1×1 one (Keras' SeparableConv2D)."""

    input_shape = (4, 8, 8)

    class Part(nn.Module):
        def __init__(self, inputs, outputs, kernel, stride, padding, multiplier, bias):
            super().__init__()
            self.depthwise = nn.Conv2d(inputs, inputs * multiplier, kernel, stride=stride, padding=padding, groups=inputs, bias=False)
            self.pointwise = nn.Conv2d(inputs * multiplier, outputs, 1, bias=bias)

        def forward(self, x):
            return self.pointwise(self.depthwise(x))

    def __init__(self):
        super().__init__()
        self.sep = Separable.Part(4, 6, 3, 1, 1, 2, True)
        self.sep_same = Separable.Part(6, 5, 3, 2, 0, 1, False)

    def forward(self, x):
        x = F.relu(self.sep(x))                                   # [6, 8, 8], Pad = 1, Activation = ReLU
        return self.sep_same(F.pad(x, (0, 1, 0, 1)))              # [5, 4, 4], TF 'same' at stride 2


class Dropouts(nn.Module):
    """Dropout layers are the identity in eval mode; in train mode they draw random masks, so only eval is compared."""

    input_shape = (3, 4, 4)
    eval_only = True

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        return self.conv(x).flatten(1)


class Options(nn.Module):
    """A block with its activation as an enum parameter and expression options; average pooling's ceil and count modes."""

    input_shape = (4, 9, 9)

    class ConvAct(nn.Module):
        def __init__(self, inputs, filters, groups, dilation, act, norm):
            super().__init__()
            self.conv = nn.Conv2d(inputs, filters, 3, padding=dilation, dilation=dilation, groups=groups, bias=groups == 1)
            self.act_fn = act
            if norm:
                self.bn = nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01)

        def forward(self, x):
            x = self.act_fn(self.conv(x))
            return self.bn(x) if hasattr(self, "bn") else x

    def __init__(self):
        super().__init__()
        self.first = Options.ConvAct(4, 8, 2, 2, F.hardswish, False)
        self.second = Options.ConvAct(8, 8, 1, 1, F.relu, True)
        self.point = nn.Conv2d(8, 6, 1)

    def forward(self, x):
        x = F.silu(self.point(self.second(self.first(x))))                                # [6, 9, 9]
        ceil = F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=False)  # [6, 5, 5]
        counted = F.avg_pool2d(x, 3, 1, padding=1)                                        # count_include_pad=True
        ceil_unpadded = F.avg_pool2d(x, 2, 2, ceil_mode=True)                             # [6, 5, 5]
        before, after = tf_same(9, 2, 2)                                                  # (0, 1): asymmetric
        same_counted = F.avg_pool2d(F.pad(x, (before, after, before, after)), 2, 2)       # the zeros count
        return torch.cat([t.flatten(1) for t in (ceil, counted, ceil_unpadded, same_counted)], dim=1)


class TwoInputs(nn.Module):
    """A block of two inputs (a U-Net decoder level): upsample the first, concatenate the second, convolve."""

    input_shape = (3, 8, 8)

    class UpLevel(nn.Module):
        def __init__(self, inputs, filters):
            super().__init__()
            self.conv = nn.Conv2d(inputs, filters, 3, padding=1)

        def forward(self, x, skip):
            up = F.interpolate(x, scale_factor=2, mode="nearest")
            return F.relu(self.conv(torch.cat([up, skip], dim=1)))

    def __init__(self):
        super().__init__()
        self.enc = nn.Conv2d(3, 4, 3, padding=1)
        self.mid = nn.Conv2d(4, 8, 3, padding=1)
        self.dec = TwoInputs.UpLevel(8 + 4, 4)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        enc = F.relu(self.enc(x))                       # [4, 8, 8]
        mid = self.mid(F.max_pool2d(enc, 2))            # [8, 4, 4]
        return self.head(self.dec(mid, enc))            # [2, 8, 8]


CASES = [Convolutions, Pools, Activations, Merges, Norms, Sequences, Resampling, Residual, SamePadding, CustomLayer, NonSquare, Separable, Dropouts,
         Options, TwoInputs]


def randomise(module, generator):
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif name.endswith("running_mean"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.3)
            elif name.endswith("weight") and tensor.dim() == 1:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif name.endswith("bias"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.2)
            else:
                # Kernels: uniform with PyTorch's default bound 1/sqrt(fan_in), so activations stay of order 1.
                fan_in = tensor[0].numel()
                tensor.copy_((torch.rand(tensor.shape, generator=generator) * 2 - 1) * (1.0 / fan_in) ** 0.5)


def family_counts(output):
    """torchvision's trainable-parameter counts of the family members written in Families.cs."""
    import json
    import torchvision.models as models
    members = {
        "ResNet18": models.resnet18(), "ResNet34": models.resnet34(), "ResNet50": models.resnet50(), "ResNet101": models.resnet101(),
        "MobileNetV2Width100": models.mobilenet_v2(width_mult=1.0), "MobileNetV2Width050": models.mobilenet_v2(width_mult=0.5),
        "SqueezeNet11": models.squeezenet1_1(), "Vgg11BatchNorm": models.vgg11_bn(),
        "MobileNetV3Small": models.mobilenet_v3_small(), "EfficientNetB0": models.efficientnet_b0(), "DenseNet121": models.densenet121(),
        "GoogLeNet": models.googlenet(aux_logits=False, transform_input=False, init_weights=False),
        "ShuffleNetV2X05": models.shufflenet_v2_x0_5(), "ShuffleNetV2X10": models.shufflenet_v2_x1_0(),
        "ShuffleNetV2X15": models.shufflenet_v2_x1_5(), "ShuffleNetV2X20": models.shufflenet_v2_x2_0(),
    }
    counts = {name: sum(p.numel() for p in model.parameters() if p.requires_grad) for name, model in members.items()}
    with open(os.path.join(output, "families.json"), "w") as file:
        json.dump(counts, file, indent=2, sort_keys=True)
    print("families:", counts)


def main(output):
    os.makedirs(output, exist_ok=True)
    torch.set_num_threads(1)
    family_counts(output)
    for index, case in enumerate(CASES):
        generator = torch.Generator().manual_seed(1000 + index)
        module = case()
        randomise(module, generator)
        record = {name: tensor.clone() for name, tensor in module.state_dict().items()}
        x = torch.randn((4,) + case.input_shape, generator=generator) * 1.5
        module.eval()
        with torch.no_grad():
            record["__eval"] = module(x)
        record["__input"] = x
        if getattr(case, "eval_only", False):
            torch.save(record, os.path.join(output, case.__name__ + ".pt"))
            print(f"{case.__name__}: {tuple(x.shape)} -> {tuple(record['__eval'].shape)}, eval only")
            continue
        module.train()
        inputs = x.clone().requires_grad_(True)
        train = module(inputs)
        seed = torch.randn(train.shape, generator=generator)
        (train * seed).sum().backward()
        record["__train"] = train.detach()
        record["__grad_seed"] = seed
        record["__grad_input"] = inputs.grad.detach()
        for name, tensor in module.state_dict().items():
            if "running" in name:
                record["__after." + name] = tensor.clone()
        torch.save(record, os.path.join(output, case.__name__ + ".pt"))
        print(f"{case.__name__}: {tuple(x.shape)} -> {tuple(record['__eval'].shape)}, {len(module.state_dict())} tensors")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures")
