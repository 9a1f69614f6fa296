#!/usr/bin/python3
"""Keystroke-to-diagnostic latency of NetDsl's analyzer through a real C# language server (csharp-ls).

    python3 benchmarks/editor/lsp_latency.py --networks 50 [--repeats 10] [--warmup 1] [--edit dense|kernel]
                                             [--diagnostics push|pull] [--net-analyzers on|off]
                                             [--inprocess] [--keep] [--project-dir DIR] [--json FILE]

What it does (Python 3 standard library only; needs the .NET 10 SDK):
 1. packs NetDsl (`dotnet pack src/NetDsl/NetDsl.csproj`, a fresh 0.1.0-lsp.<n> version) into
    artifacts/editor-benchmark/packages, unless --package-dir names a folder that already holds a NetDsl package;
 2. writes a console project (net10.0) into a temporary directory, outside the repository: one file per network
    (MLPs, small CNNs, LeNets, ResNets on a shared basic block, Inception and U-Net nets on shared blocks, nets with a
    residual block of their own) and a Program.cs that uses some of them; it references the package as a user does
    (PackageReference + RestoreAdditionalProjectSources) and is restored and built once;
 3. starts csharp-ls (installed into artifacts/tools/csharp-ls from the NuGet feed when missing) over stdio with
    `csharp.analyzersEnabled = true` (the answer to the server's `workspace/configuration` request for its `csharp`
    section; csharp-ls reads no initializationOptions), opens one CNN's file, waits until its diagnostics are
    stable, then `--warmup` (not counted) and `--repeats` times: applies an edit that introduces a shape error
    (`dense`: comments out the GlobalAveragePooling2D before the Dense, ND0007; `kernel`: types a 0 after a kernel
    size 3, ND0005), measures the time until an ND diagnostic for the file arrives, reverts the edit and measures until
    it is gone. Push (textDocument/publishDiagnostics) is the default; `--diagnostics pull` declares pull support,
    which turns csharp-ls's push off, and asks textDocument/diagnostic after each edit until the answer has (or, after
    the revert, no longer has) the ND diagnostic;
 4. prints the median, minimum and maximum (and the server's CPU time per edit, which a loaded machine inflates less
    than the wall time), the time to the first diagnostics after opening, and whether any CS error appeared beside the
    ND error;
 5. with --inprocess, builds benchmarks/editor/profile (in a temporary copy) and runs it on the same project: where
    the time of one edit goes (generator, compiler diagnostics of the whole compilation, each analyzer), measured in
    the process with Roslyn 5.9.0, the version csharp-ls 0.28.0 ships.

The server and its build hosts are started in their own process group and ended when the run ends; the temporary
project is removed unless --keep is given, and --project-dir measures such a kept project again without packing or
building (the edit, the diagnostics mode and the profile may differ between such runs).
"""

import argparse
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CSHARP_LS_VERSION = "0.28.0"
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1",
           MSBUILDDISABLENODEREUSE="1")
# No build server or MSBuild node outlives a command of this script.
BUILD_FLAGS = ["-nodeReuse:false", "-p:UseSharedCompilation=false"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, cwd, what):
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.exit(f"{what} failed ({' '.join(map(str, command))}):\n{done.stdout[-6000:]}")
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return done.stdout


# ---------------------------------------------------------------------------------------------------------------------
# The project: 50 networks (or --networks), in one file each.

BLOCKS = '''using NetDsl;

namespace Bench;

/// <summary>ResNet's basic block: two 3×3 convolutions, a projection of the input only where the shape changes.</summary>
[Conv2D("filters", 3, "strides", Pad = 1, UseBias = false, Name = "conv1")]
[BatchNorm(Name = "bn1"), ReLU(Name = "relu")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Conv2D("filters", 1, "strides", UseBias = false, From = "input", Name = "downsample", When = "strides != 1 || inputChannels != filters")]
[BatchNorm(Name = "downsample_bn", When = "strides != 1 || inputChannels != filters")]
[Add("bn2", "downsample_bn", Name = "add")]
[ReLU(Name = "out")]
public sealed class BasicBlockAttribute : BlockAttribute
{
    public BasicBlockAttribute(int filters, int strides = 1) { }
    public BasicBlockAttribute(int filters, string strides) { }
}

/// <summary>Convolution, BatchNorm, ReLU, with PyTorch's kernel // 2 padding.</summary>
[Conv2D("filters", "kernel", Padding = Padding.Half, UseBias = false, Name = "conv")]
[BatchNorm(Epsilon = 0.001, Name = "bn"), ReLU(Name = "relu")]
public sealed class ConvBnAttribute : BlockAttribute
{
    public ConvBnAttribute(int filters, int kernel = 1) { }
    public ConvBnAttribute(object filters, object? kernel = null) { }
}

/// <summary>GoogLeNet's Inception module: four branches on the same input, joined on the channels.</summary>
[ConvBn("c1", Name = "branch1")]
[ConvBn("c3reduce", From = "input", Name = "branch2_reduce"), ConvBn("c3", 3, Name = "branch2")]
[ConvBn("c5reduce", From = "input", Name = "branch3_reduce"), ConvBn("c5", 5, Name = "branch3")]
[MaxPooling2D(3, 1, Pad = 1, From = "input", Name = "branch4_pool"), ConvBn("pool", Name = "branch4")]
[Concatenate("branch1", "branch2", "branch3", "branch4", Name = "concat")]
public sealed class InceptionAttribute : BlockAttribute
{
    public InceptionAttribute(int c1, int c3reduce, int c3, int c5reduce, int c5, int pool) { }
}

/// <summary>U-Net's double convolution.</summary>
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU(Name = "relu1")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2"), BatchNorm(Name = "bn2"), ReLU(Name = "relu2")]
public sealed class DoubleConvAttribute : BlockAttribute
{
    public DoubleConvAttribute(int filters) { }
}
'''


def mlp(name, i):
    w1, w2 = 64 + 32 * (i % 4), 32 + 16 * (i % 3)
    return f'''[Network, Input(784)]
[Dense({w1}), ReLU]
[Dense({w2}), ReLU]
[Dense(10)]
public partial class {name} {{ }}
'''


def mlp_bn(name, i):
    w = 32 * (1 + i % 4)
    return f'''[Network, Input(784)]
[Dense({w}, UseBias = false), BatchNorm, ReLU]
[Dense({w}, UseBias = false), BatchNorm, ReLU]
[Dense(10)]
public partial class {name} {{ }}
'''


def mlp_dropout(name, i):
    w = 128 + 64 * (i % 3)
    return f'''[Network, Input(784)]
[Dense({w}), ReLU, Dropout(0.5)]
[Dense({w}), ReLU, Dropout(0.5)]
[Dense(10)]
public partial class {name} {{ }}
'''


def cnn(name, i):
    f = 8 + 4 * (i % 3)
    # The edits (EDITS below) find these two lines.
    return f'''[Network, Input(1, 28, 28)]
[Conv2D({f}, 3, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU]
[MaxPooling2D(2)]
[Conv2D({2 * f}, 3, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU]
[MaxPooling2D(2)]
[Conv2D({4 * f}, 3), ReLU]
[GlobalAveragePooling2D]
[Dense(10)]
public partial class {name} {{ }}
'''


def lenet(name, i):
    return f'''[Network, Input(3, 32, 32)]
[Conv2D({6 + i % 4}, 5), ReLU]
[MaxPooling2D(2)]
[Conv2D(16, 5), ReLU]
[MaxPooling2D(2)]
[Flatten]
[Dense(120), ReLU]
[Dense(84), ReLU]
[Dense(10)]
public partial class {name} {{ }}
'''


def resnet(name, i):
    w = 8 * (1 + i % 3)
    return f'''[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[Conv2D({w}, 3, Pad = 1, UseBias = false, Name = "stem"), BatchNorm(Name = "stem_bn"), ReLU(Name = "stem_relu")]
[BasicBlock({w}, Repeat = "2", Name = "layer1")]
[BasicBlock({2 * w}, "repeatIndex == 0 ? 2 : 1", Repeat = "2", Name = "layer2")]
[BasicBlock({4 * w}, "repeatIndex == 0 ? 2 : 1", Repeat = "2", Name = "layer3")]
[GlobalAveragePooling2D(Name = "pool")]
[Dense(10, Name = "fc")]
public partial class {name} {{ }}
'''


def inception(name, i):
    k = 1 + i % 2
    return f'''[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[ConvBn({16 * k}, 3, Name = "stem")]
[MaxPooling2D(2, Name = "stem_pool")]
[Inception({8 * k}, {8 * k}, {12 * k}, {2 * k}, {4 * k}, {4 * k}, Name = "inception1")]
[Inception({12 * k}, {12 * k}, {16 * k}, {4 * k}, {6 * k}, {6 * k}, Name = "inception2")]
[MaxPooling2D(3, 2, Pad = 1, Name = "pool")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(10, Name = "fc")]
public partial class {name} {{ }}
'''


def own_residual(name, i):
    f = 16 + 8 * (i % 2)
    return f'''/// <summary>A residual unit of this file's network: two 3×3 convolutions and the input added back.</summary>
[Conv2D("filters", 3, Padding = Padding.Same, UseBias = false, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU(Name = "relu1")]
[Conv2D("filters", 3, Padding = Padding.Same, UseBias = false, Name = "conv2"), BatchNorm(Name = "bn2")]
[Add(Name = "add"), ReLU(Name = "out")]
public sealed class {name}UnitAttribute : BlockAttribute
{{
    public {name}UnitAttribute(int filters) {{ }}
}}

[Network, Input(3, 32, 32)]
[Conv2D({f}, 3, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU]
[{name}Unit({f}), {name}Unit({f})]
[MaxPooling2D(2)]
[{name}Unit({f})]
[GlobalAveragePooling2D, Dense(10)]
public partial class {name} {{ }}
'''


def unet(name, i):
    w = 8 * (1 + i % 2)
    return f'''[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[DoubleConv({w}, Name = "enc1")]
[MaxPooling2D(2, Name = "down1")]
[DoubleConv({2 * w}, Name = "enc2")]
[MaxPooling2D(2, Name = "down2")]
[DoubleConv({4 * w}, Name = "bottom")]
[Conv2DTranspose({2 * w}, 2, 2, Name = "up2")]
[Concatenate("up2", "enc2", Name = "skip2")]
[DoubleConv({2 * w}, Name = "dec2")]
[Conv2DTranspose({w}, 2, 2, Name = "up1")]
[Concatenate("up1", "enc1", Name = "skip1")]
[DoubleConv({w}, Name = "dec1")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(10, Name = "fc")]
public partial class {name} {{ }}
'''


# One cycle of ten kinds; network i has kind KINDS[i % 10]. Network 1 (a CNN) is the one edited.
KINDS = [("Mlp", mlp), ("Cnn", cnn), ("LeNet", lenet), ("MlpBn", mlp_bn), ("ResNet", resnet), ("Cnn", cnn),
         ("MlpDropout", mlp_dropout), ("Inception", inception), ("Residual", own_residual), ("UNet", unet)]

# name -> (what is typed, the ND id expected); edit_text makes the change.
EDITS = {
    "dense": ('"// " typed before [GlobalAveragePooling2D], so the Dense gets a feature map', "ND0007"),
    "kernel": ('a "0" typed after the last kernel size 3 (3 -> 30), larger than its 7x7 input', "ND0005"),
}

PROJECT = '''<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestoreAdditionalProjectSources>{packages}</RestoreAdditionalProjectSources>
{properties}  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NetDsl" Version="{version}" />
  </ItemGroup>
</Project>
'''


def network_names(count):
    names = []
    for i in range(count):
        prefix, _ = KINDS[i % len(KINDS)]
        names.append(f"{prefix}{i:02d}")
    return names


def write_project(directory, count, packages, version, net_analyzers):
    names = network_names(count)
    properties = "" if net_analyzers else "    <EnableNETAnalyzers>false</EnableNETAnalyzers>\n"
    (directory / "Bench.csproj").write_text(PROJECT.format(packages=packages, version=version, properties=properties))
    (directory / "Blocks.cs").write_text(BLOCKS)
    nets = directory / "Networks"
    nets.mkdir()
    kinds = {}
    for i, name in enumerate(names):
        prefix, template = KINDS[i % len(KINDS)]
        kinds[prefix] = kinds.get(prefix, 0) + 1
        (nets / f"{name}.cs").write_text("using NetDsl;\n\nnamespace Bench;\n\n" + template(name, i))
    edited = names[1]
    others = [n for n in names if n != edited][:3]
    uses = "".join(f"Console.WriteLine({n}.TrainableParameters);\n" for n in others)
    (directory / "Program.cs").write_text(f'''using System;
using Bench;

// Uses some of the networks as an application would: their constants and a constructor.
Console.WriteLine({edited}.Summary);
{uses}using var model = new {edited}();
Console.WriteLine(model.forward(TorchSharp.torch.zeros(1, 1, 28, 28)).shape[1]);
''')
    return names, kinds, nets / f"{edited}.cs"


def edit_text(path, edit):
    """The edited file's text after the edit, and the edit as an LSP range change (line, character, inserted)."""
    text = path.read_text()
    lines = text.split("\n")
    if edit == "dense":
        index = lines.index("[GlobalAveragePooling2D]")
        line, character, inserted = index, 0, "// "
    else:
        index = max(i for i, l in enumerate(lines) if re.match(r"\[Conv2D\(\d+, 3\)", l))
        line, character, inserted = index, lines[index].index(", 3)") + 3, "0"
    changed = lines[:]
    changed[line] = lines[line][:character] + inserted + lines[line][character:]
    return text, "\n".join(changed), (line, character, inserted)


def package(args):
    if args.package_dir:
        directory = Path(args.package_dir).resolve()
        found = sorted(directory.glob("NetDsl.*.nupkg"), key=lambda p: p.stat().st_mtime)
        if not found:
            sys.exit(f"no NetDsl.*.nupkg in {directory}")
        version = found[-1].name[len("NetDsl."):-len(".nupkg")]
        return directory, version
    directory = REPO / "artifacts" / "editor-benchmark" / "packages"
    directory.mkdir(parents=True, exist_ok=True)
    version = f"0.1.0-lsp.{int(time.time())}"
    run(["dotnet", "pack", "src/NetDsl/NetDsl.csproj", "-c", "Release", "-o", str(directory), f"-p:Version={version}"]
        + BUILD_FLAGS, REPO, "pack NetDsl " + version)
    return directory, version


def csharp_ls(args):
    if args.csharp_ls:
        return Path(args.csharp_ls)
    tools = REPO / "artifacts" / "tools" / "csharp-ls"
    exe = tools / "csharp-ls"
    if not exe.exists():
        run(["dotnet", "tool", "install", "csharp-ls", "--version", CSHARP_LS_VERSION, "--tool-path", str(tools)], REPO,
            f"install csharp-ls {CSHARP_LS_VERSION}")
    return exe


# ---------------------------------------------------------------------------------------------------------------------
# A minimal LSP client over stdio.

class Server:
    def __init__(self, command, cwd, log_path, settings):
        self.settings = settings
        self.configuration_requests = 0
        self.log = open(log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(command, cwd=cwd, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, start_new_session=True)
        self.messages = queue.Queue()
        self.write_lock = threading.Lock()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        with self.write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _read(self):
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put((time.monotonic(), None))
                    return
                line = line.strip()
                if not line:
                    break
                key, _, value = line.decode("ascii").partition(":")
                if key.strip().lower() == "content-length":
                    length = int(value)
            body = stream.read(length)
            arrived = time.monotonic()
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
            elif message.get("method") in ("window/logMessage", "window/showMessage", "$/logTrace"):
                params = message.get("params", {})
                self.log.write(f"[{message['method']}] {params.get('message', '')}\n")
                self.log.flush()
            self.messages.put((arrived, message))

    def _answer(self, message):
        method = message["method"]
        if method == "workspace/configuration":
            self.configuration_requests += 1
            result = [self.settings if item.get("section") == "csharp" else None
                      for item in message["params"].get("items", [])]
        else:
            result = None  # client/registerCapability, window/workDoneProgress/create, .../refresh
        self.log.write(f"[server request] {method} -> {json.dumps(result)}\n")
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def next(self, deadline):
        """The next message (arrival time, message), or None when the deadline passes first."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            arrived, message = self.messages.get(timeout=left)
        except queue.Empty:
            return None
        if message is None:
            raise RuntimeError("the language server closed its output (see its log)")
        return arrived, message

    def response(self, request_id, timeout):
        deadline = time.monotonic() + timeout
        while True:
            got = self.next(deadline)
            if got is None:
                raise TimeoutError(f"no answer to request {request_id} within {timeout} s")
            arrived, message = got
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"request {request_id} failed: {message['error']}")
                return arrived, message.get("result")

    def stop(self):
        try:
            if self.proc.poll() is None:
                request_id = self.request("shutdown", None)
                try:
                    self.response(request_id, 10)
                except (TimeoutError, RuntimeError):
                    pass
                self.notify("exit", None)
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            pass
        finally:
            # The server's own children (its MSBuild build host) are in its process group.
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.log.close()


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def same_uri(a, b):
    return urllib.parse.unquote(a) == urllib.parse.unquote(b)


def nd_of(diagnostics):
    return [d for d in diagnostics if str(d.get("code", "")).startswith("ND")]


def cs_errors_of(diagnostics):
    return [d for d in diagnostics if str(d.get("code", "")).startswith("CS") and d.get("severity") == 1]


def describe(d):
    start = d["range"]["start"]
    return f"{d.get('code')} {start['line'] + 1}:{start['character'] + 1} {d.get('message', '')}"


class Session:
    """One open document; waits for its diagnostics by push or by pull."""

    def __init__(self, server, uri, mode):
        self.server, self.uri, self.mode = server, uri, mode
        self.publishes = 0

    def push_until(self, accept, timeout, quiet=None):
        """Arrival time and diagnostics of the first publish for the document that `accept` takes."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.server.next(deadline)
            if got is None:
                raise TimeoutError(f"no accepted diagnostics for {self.uri} within {timeout} s")
            arrived, message = got
            if message.get("method") == "textDocument/publishDiagnostics" and same_uri(message["params"]["uri"], self.uri):
                self.publishes += 1
                diagnostics = message["params"]["diagnostics"]
                if accept(diagnostics):
                    return arrived, diagnostics

    def settle(self, quiet, timeout):
        """Waits until no diagnostics for the document arrived for `quiet` seconds; returns the last ones seen."""
        last, last_time = None, time.monotonic()
        deadline = last_time + timeout
        while True:
            got = self.server.next(min(deadline, last_time + quiet))
            if got is None:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"diagnostics for {self.uri} did not settle within {timeout} s")
                return last
            arrived, message = got
            if message.get("method") == "textDocument/publishDiagnostics" and same_uri(message["params"]["uri"], self.uri):
                self.publishes += 1
                last, last_time = message["params"]["diagnostics"], arrived

    def pull(self, timeout):
        request_id = self.server.request("textDocument/diagnostic", {"textDocument": {"uri": self.uri}})
        arrived, report = self.server.response(request_id, timeout)
        return arrived, (report or {}).get("items", [])

    def pull_until(self, accept, timeout):
        deadline = time.monotonic() + timeout
        while True:
            arrived, diagnostics = self.pull(max(1, deadline - time.monotonic()))
            if accept(diagnostics):
                return arrived, diagnostics
            if time.monotonic() > deadline:
                raise TimeoutError(f"no accepted pull diagnostics for {self.uri} within {timeout} s")

    def until(self, accept, timeout):
        return self.push_until(accept, timeout) if self.mode == "push" else self.pull_until(accept, timeout)


def measure_lsp(args, project, edited, names):
    exe = csharp_ls(args)
    version = subprocess.run([str(exe), "--version"], env=ENV, capture_output=True, text=True).stdout.strip()
    settings = {"analyzersEnabled": True}
    server_log = project / "csharp-ls.log"
    server = Server([str(exe), "--loglevel", "info"], project, server_log, settings)
    results = {"server": version, "mode": args.diagnostics, "edit": EDITS[args.edit][0], "expected": EDITS[args.edit][1]}
    try:
        root = project.as_uri()
        capabilities = {
            "workspace": {"configuration": True, "workspaceFolders": True,
                          "didChangeConfiguration": {"dynamicRegistration": False}},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False, "didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True, "codeDescriptionSupport": True},
            },
        }
        if args.diagnostics == "pull":
            capabilities["textDocument"]["diagnostic"] = {"dynamicRegistration": False, "relatedDocumentSupport": False}
        started = time.monotonic()
        request_id = server.request("initialize", {
            "processId": os.getpid(), "clientInfo": {"name": "netdsl-lsp-latency"},
            "rootUri": root, "rootPath": str(project), "workspaceFolders": [{"uri": root, "name": project.name}],
            "capabilities": capabilities,
        })
        arrived, initialized = server.response(request_id, 60)
        results["initialize_s"] = arrived - started
        sync = initialized["capabilities"].get("textDocumentSync", 1)
        incremental = (sync.get("change") if isinstance(sync, dict) else sync) == 2
        server.notify("initialized", {})

        uri = edited.as_uri()
        original, changed, (line, character, inserted) = edit_text(edited, args.edit)
        session = Session(server, uri, args.diagnostics)
        opened = time.monotonic()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "csharp", "version": 1,
                                                                "text": original}})
        arrived, first = session.until(lambda d: True, args.timeout)
        results["open_s"] = arrived - opened
        results["open_errors"] = [describe(d) for d in first if d.get("severity") == 1]
        if args.diagnostics == "push":
            later = session.settle(args.settle, args.timeout)
            baseline = later if later is not None else first
        else:
            time.sleep(args.settle)
            _, baseline = session.pull(args.timeout)
        results["settled_s"] = time.monotonic() - opened
        results["baseline"] = [describe(d) for d in baseline]
        if nd_of(baseline):
            raise RuntimeError("the unedited file already has ND diagnostics: " + "; ".join(results["baseline"]))
        log(f"opened {edited.name}: first diagnostics after {results['open_s']:.2f} s, "
            f"{len(baseline)} diagnostics once settled")

        version_number = 1
        shown, gone, beside, messages, stale = [], [], {}, set(), 0

        def change(to_error):
            nonlocal version_number
            version_number += 1
            if incremental:
                if to_error:
                    change = {"range": {"start": {"line": line, "character": character},
                                        "end": {"line": line, "character": character}}, "text": inserted}
                else:
                    change = {"range": {"start": {"line": line, "character": character},
                                        "end": {"line": line, "character": character + len(inserted)}}, "text": ""}
            else:
                change = {"text": changed if to_error else original}
            sent = time.monotonic()
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version_number},
                                                     "contentChanges": [change]})
            return sent

        warmup_shown, warmup_gone = [], []
        shown_cpu, gone_cpu = [], []
        for repeat in range(args.warmup + args.repeats):
            counted = repeat >= args.warmup
            before = session.publishes
            cpu = cpu_seconds(server.proc.pid)
            sent = change(True)
            arrived, diagnostics = session.until(lambda d: bool(nd_of(d)), args.timeout)
            (shown if counted else warmup_shown).append(arrived - sent)
            if counted and cpu is not None:
                shown_cpu.append(cpu_seconds(server.proc.pid) - cpu)
            stale += session.publishes - before - 1 if args.diagnostics == "push" else 0
            for d in nd_of(diagnostics):
                messages.add(describe(d))
            for d in cs_errors_of(diagnostics):
                beside[describe(d)] = beside.get(describe(d), 0) + 1
            if args.diagnostics == "push":
                session.settle(args.quiet, args.timeout)
            else:
                time.sleep(args.quiet)

            cpu = cpu_seconds(server.proc.pid)
            sent = change(False)
            arrived, diagnostics = session.until(lambda d: not nd_of(d), args.timeout)
            (gone if counted else warmup_gone).append(arrived - sent)
            if counted and cpu is not None:
                gone_cpu.append(cpu_seconds(server.proc.pid) - cpu)
            if args.diagnostics == "push":
                session.settle(args.quiet, args.timeout)
            else:
                time.sleep(args.quiet)
            label = f"run {repeat + 1 - args.warmup}/{args.repeats}" if counted else "warm-up"
            log(f"  {label}: shown after {(shown if counted else warmup_shown)[-1]:.3f} s, "
                f"gone after {(gone if counted else warmup_gone)[-1]:.3f} s")

        results.update(shown_cpu_s=shown_cpu, gone_cpu_s=gone_cpu)
        results.update(shown_s=shown, gone_s=gone, warmup_shown_s=warmup_shown, warmup_gone_s=warmup_gone, nd_messages=sorted(messages), cs_beside=beside,
                       stale_publishes=stale, incremental_sync=incremental)
        config_lines = [l.strip() for l in server_log.read_text(errors="replace").splitlines() if "analyzersEnabled =" in l]
        results["server_config"] = config_lines[-1] if config_lines else "(the server logged no configuration)"
        results["configuration_requests"] = server.configuration_requests
    finally:
        server.stop()
    return results


# ---------------------------------------------------------------------------------------------------------------------
# The in-process profile.

def measure_inprocess(args, project, edited, temp):
    profile = temp / "profile"
    shutil.copytree(Path(__file__).resolve().parent / "profile", profile,
                    ignore=shutil.ignore_patterns("bin", "obj"))
    run(["dotnet", "build", str(profile / "AnalyzerProfile.csproj"), "-c", "Release", "-o", str(profile / "out")]
        + BUILD_FLAGS, profile, "build the in-process profile")
    _, changed, _ = edit_text(edited, args.edit)
    changed_path = temp / "edited.cs.txt"
    changed_path.write_text(changed)
    output = temp / "profile.json"
    started = time.monotonic()
    done = subprocess.run(["dotnet", str(profile / "out" / "AnalyzerProfile.dll"), str(project / "Bench.csproj"),
                           str(edited), str(changed_path), str(args.profile_repeats), str(output)],
                          env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    if done.returncode != 0:
        sys.exit(f"the in-process profile failed:\n{done.stdout[-6000:]}")
    log(f"in-process profile: {time.monotonic() - started:.1f} s")
    return json.loads(output.read_text())


# ---------------------------------------------------------------------------------------------------------------------
# Reports.

def row(label, values, unit_scale=1.0, digits=3):
    if not values:
        return f"| {label} | – | – | – | 0 |"
    v = [x * unit_scale for x in values]
    return f"| {label} | {statistics.median(v):.{digits}f} | {min(v):.{digits}f} | {max(v):.{digits}f} | {len(v)} |"


def report_lsp(r, args, kinds, edited):
    out = []
    out.append(f"csharp-ls {r['server']}, {r['mode']} diagnostics, analyzersEnabled = true "
               f"({'incremental' if r['incremental_sync'] else 'full'} document sync); {os.cpu_count()} CPU cores")
    out.append(f"project: {args.networks} networks ({', '.join(f'{n} {k}' for k, n in kinds.items())}); "
               f"edited file {edited.name}: {r['edit']}; the SDK's CA analyzers {args.net_analyzers}")
    out.append(f"workspace/configuration requests answered: {r['configuration_requests']}; "
               f"the server's configuration as logged: {r['server_config']}")
    out.append("")
    out.append("| measurement | median (s) | min (s) | max (s) | runs |")
    out.append("|---|---|---|---|---|")
    out.append(row("initialize → answer", [r["initialize_s"]]))
    out.append(row(f"didOpen → first diagnostics for {edited.name}", [r["open_s"]]))
    if r["warmup_shown_s"]:
        n = len(r["warmup_shown_s"])
        first = "the first edit" if n == 1 else f"the first {n} edits"
        out.append(row(f"{first} after opening (warm-up, not counted) → {r['expected']} shown", r["warmup_shown_s"]))
        out.append(row(f"{'its revert' if n == 1 else 'their reverts'} → {r['expected']} gone", r["warmup_gone_s"]))
    out.append(row(f"edit → {r['expected']} shown", r["shown_s"]))
    out.append(row(f"revert → {r['expected']} gone", r["gone_s"]))
    out.append(row(f"csharp-ls's CPU time (user + system) from an edit to {r['expected']} shown", r["shown_cpu_s"]))
    out.append(row(f"csharp-ls's CPU time from a revert to {r['expected']} gone", r["gone_cpu_s"]))
    out.append("")
    out.append("ND diagnostic(s) shown: " + "; ".join(r["nd_messages"]))
    if r["cs_beside"]:
        out.append("CS errors beside the ND error: " + "; ".join(f"{k} (x{n})" for k, n in r["cs_beside"].items()))
    else:
        out.append("CS errors beside the ND error: none")
    out.append("errors when the file opened: " + ("; ".join(r["open_errors"]) or "none"))
    if r["mode"] == "push":
        out.append(f"publishes without the ND error between an edit and the one with it: {r['stale_publishes']}")
    return "\n".join(out)


def report_profile(p, edited):
    steps = p["steps"]
    out = [f"in-process profile: Roslyn {p['roslyn']}, {p['processors']} processors, {p['documents']} documents, "
           f"{p['generated_trees']} generated files ({p['generated_lines']:,} lines), {p['analyzers']} analyzers; "
           f"open {p['open_ms'] / 1000:.1f} s, first compilation {p['first_compilation_ms'] / 1000:.1f} s, "
           f"first GetAllDiagnosticsAsync {p['first_all_diagnostics_ms'] / 1000:.1f} s"]
    if p["workspace_failures"]:
        out.append("workspace failures: " + "; ".join(p["workspace_failures"]))
    out.append("")
    out.append("| per edit or revert of " + edited.name + " (ms) | median | min | max | runs |")
    out.append("|---|---|---|---|---|")

    def values(key, step=None):
        return [s[key] for s in steps if step is None or s["step"] == step]

    out.append(row("csharp-ls's path: semantic model + GetAllDiagnosticsAsync, every analyzer, whole compilation",
                   values("csharpls_ms"), digits=0))
    out.append(row("  its CPU time (user + system, all threads)", values("csharpls_cpu_ms"), digits=0))
    out.append(row("  of which, edits only", values("csharpls_ms", "edit"), digits=0))
    out.append(row("  of which, reverts only", values("csharpls_ms", "revert"), digits=0))
    out.append(row("every analyzer, whole compilation (GetAnalysisResultAsync, with per-analyzer timing)",
                   values("timed_all_ms"), digits=0))
    out.append(row("compilation (the generators' incremental run included)", values("compilation_ms"), digits=0))
    out.append(row("compiler diagnostics, whole compilation", values("compiler_whole_ms"), digits=0))
    out.append(row("NetDslAnalyzer alone, whole compilation", values("netdsl_whole_ms"), digits=0))
    out.append(row("edited document only: compiler diagnostics", values("document_compiler_ms"), digits=0))
    out.append(row("edited document only: every analyzer", values("document_analyzers_ms"), digits=0))
    by_assembly = {}
    for s in steps:
        totals = {}
        for key, ms in s["analyzer_ms"].items():
            assembly = key.split(":")[0]
            totals[assembly] = totals.get(assembly, 0.0) + ms
        for assembly, ms in totals.items():
            by_assembly.setdefault(assembly, []).append(ms)
    for assembly, ms in sorted(by_assembly.items(), key=lambda kv: -statistics.median(kv[1])):
        if statistics.median(ms) >= 0.5:
            out.append(row(f"analyzer execution (Roslyn's telemetry, summed over threads): {assembly}", ms, digits=0))
    for name, ms in p["generators"].items():
        if max(ms) >= 0.5:
            out.append(row(f"generator {name}, per edit (first run: {ms[0]:.0f} ms)", ms[1:], digits=1))
    runs = p.get("netdsl_generator_runs", [])
    if len(runs) > 1:
        edits = runs[1:]
        keys = sorted({k for r in edits for k in r if ":" in k})
        reasons = ", ".join(f"{k} {statistics.median(r.get(k, 0) for r in edits):g}" for k in keys)
        reused = statistics.median(r["trees_reused"] for r in edits)
        out.append("")
        out.append(f"NetDslGenerator per edit (median over {len(edits)} runs; tracked step outputs by reason): {reasons}; "
                   f"generated trees that are the previous run's objects: {reused:g} of {edits[0]['generated']}")
    per = p["per_network"]
    nets = [x for x in per if x["file"] not in ("Program.cs", "Blocks.cs") and not x["file"].endswith("AssemblyInfo.cs")
            and not x["file"].endswith("GlobalUsings.g.cs")]
    if nets:
        ms = [x["ms"] for x in nets]
        slowest = sorted(nets, key=lambda x: -x["ms"])[:5]
        out.append("")
        out.append(f"NetDslAnalyzer per network file (warm compilation): median {statistics.median(ms):.1f} ms, "
                   f"max {max(ms):.1f} ms, sum {sum(ms):.0f} ms over {len(ms)} files; slowest: "
                   + ", ".join(f"{x['file']} {x['ms']:.1f}" for x in slowest))
    out.extend(report_stages(p))
    errors = sorted({e for s in steps for e in s["cs_errors"]})
    out.append("CS errors in the edited document (in process): " + ("; ".join(errors) or "none"))
    nd = sorted({e for s in steps for e in s["nd"]})
    out.append("ND diagnostics in the edited document (in process): " + ("; ".join(nd) or "none"))
    other = sorted({e for s in steps for e in s["other_in_document"]})
    if other:
        out.append("other diagnostics in the edited document: " + "; ".join(other[:10]))
    return "\n".join(out)


def report_stages(p):
    """NetDslAnalyzer's stages, summed over the networks: on each edit's fresh compilation and on a warm one."""
    out = [""]
    fresh = [s["stages"] for s in p["steps"] if "networks" in s.get("stages", {})]
    warm = p.get("stages_warm", {})
    if not fresh or "networks" not in warm:
        reason = warm.get("unavailable") or next((s["stages"].get("unavailable") for s in p["steps"]), "?")
        return ["", f"NetDslAnalyzer's stages: not measured ({reason})"]
    out.append(f"NetDslAnalyzer's stages over the {len(warm['networks'])} networks (sum of the per-network times, ms; "
               f"fresh: on each edit's new compilation, median of {len(fresh)}; warm: the same compilation again)")
    out.append("")
    out.append("| stage | fresh compilation | warm compilation | slowest network (warm) |")
    out.append("|---|---|---|---|")
    for key, label in (("parse_ms", "NetworkParser.Parse (symbols, attributes)"),
                       ("infer_ms", "NetDslGenerator.Analyze (transform, inference, lowering)"),
                       ("emit_ms", "GeneratedFile.From (the TorchSharp emitter)")):
        fresh_sum = statistics.median(sum(n[key] for n in f["networks"]) for f in fresh)
        warm_sum = sum(n[key] for n in warm["networks"])
        slowest = max(warm["networks"], key=lambda n: n[key])
        out.append(f"| {label} | {fresh_sum:.0f} | {warm_sum:.0f} | {slowest['type']} {slowest[key]:.1f} |")
    fresh_find = statistics.median(f["find_ms"] for f in fresh)
    out.append(f"| finding the networks among {warm['types']} types (IsNetworkOrVariant) | {fresh_find:.0f} | "
               f"{warm['find_ms']:.0f} | |")
    emitted = sum(n["emitted_chars"] for n in warm["networks"])
    out.append("")
    out.append(f"the emitter writes {emitted:,} characters of C# for the {len(warm['networks'])} networks on every "
               f"analysis")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--networks", type=int, default=50, help="networks in the project (default 50, at least 2)")
    parser.add_argument("--repeats", type=int, default=10, help="edit/revert pairs (default 10)")
    parser.add_argument("--edit", choices=sorted(EDITS), default="dense", help="the shape error typed (default dense)")
    parser.add_argument("--diagnostics", choices=["push", "pull"], default="push",
                        help="push (publishDiagnostics, the default) or pull (textDocument/diagnostic)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="edit/revert pairs first, reported apart and not counted (default 1)")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds without new diagnostics after opening before the first edit (default 3)")
    parser.add_argument("--quiet", type=float, default=1.0,
                        help="seconds without new diagnostics after each measurement (default 1)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for any one answer (default 180)")
    parser.add_argument("--net-analyzers", choices=["on", "off"], default="on",
                        help="the SDK's code analyzers (CA rules), on by default in a net10.0 project as in a user's; "
                             "off writes <EnableNETAnalyzers>false</EnableNETAnalyzers>")
    parser.add_argument("--inprocess", action="store_true",
                        help="also profile one edit in the process (generator, compiler, each analyzer)")
    parser.add_argument("--profile-repeats", type=int, default=5, help="edit/revert pairs of the profile (default 5)")
    parser.add_argument("--no-lsp", action="store_true", help="skip the language server (with --inprocess)")
    parser.add_argument("--package-dir", help="use the newest NetDsl package in this folder instead of packing")
    parser.add_argument("--csharp-ls", help="the csharp-ls executable (default: artifacts/tools/csharp-ls, installed)")
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    parser.add_argument("--project-dir", help="measure a project kept by an earlier --keep as it is (no pack, no build)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project (its path is printed)")
    args = parser.parse_args()
    if args.networks < 2:
        parser.error("--networks must be at least 2")

    temp = Path(tempfile.mkdtemp(prefix="netdsl-lsp-"))
    results = {}
    try:
        if args.project_dir:
            project = Path(args.project_dir).resolve()
            names = sorted(p.stem for p in (project / "Networks").glob("*.cs"))
            args.networks = len(names)
            kinds = {}
            for name in names:
                kind = name.rstrip("0123456789")
                kinds[kind] = kinds.get(kind, 0) + 1
            edited = project / "Networks" / f"{network_names(2)[1]}.cs"
            args.net_analyzers = "off" if "<EnableNETAnalyzers>false" in (project / "Bench.csproj").read_text() else "on"
        else:
            packages, version = package(args)
            project = temp / "Bench"
            project.mkdir()
            names, kinds, edited = write_project(project, args.networks, packages, version, args.net_analyzers == "on")
            log(f"project with {len(names)} networks in {project} (NetDsl {version})")
            run(["dotnet", "build", "Bench.csproj", "-c", "Debug"] + BUILD_FLAGS, project, "restore and build the project")
        load_before = os.getloadavg()[0]
        if not args.no_lsp:
            results["lsp"] = measure_lsp(args, project, edited, names)
        if args.inprocess:
            results["profile"] = measure_inprocess(args, project, edited, temp)
        load_after = os.getloadavg()[0]
        results["load_average"] = [load_before, load_after]
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
        reports = []
        if "lsp" in results:
            reports.append(report_lsp(results["lsp"], args, kinds, edited))
        if "profile" in results:
            reports.append(report_profile(results["profile"], edited))
        reports.append(f"load average (1 min) before the measurements {load_before:.2f}, after {load_after:.2f}")
        print("\n\n".join(reports))
    finally:
        if args.keep:
            log(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
