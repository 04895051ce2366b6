#!/usr/bin/python3
"""Golden traces of models that project files build with constructor arguments.

    /usr/bin/python3 scripts/golden/project_models.py

test/fixtures/projects/pychoice_*/ are small projects whose model files name no model: a
training script (or another module) builds the classes with literal arguments. Each entry below
is such a call, evaluated in the namespace of the class's own module, imported as the project
imports it (the project folder on sys.path, packages and relative imports as Python runs them),
and traced by trace_models.trace (real PyTorch, eval mode, zeros). Output:
test/golden/torch/project_<project>_<expr>.json. The expressions are the calls written in the
fixtures' training scripts, copied here by hand: the script does not read ConvLens's choice.
"""
import importlib
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import trace_models  # noqa: E402

REPO = trace_models.REPO
PROJECTS = REPO / "test" / "fixtures" / "projects"

# (project folder, module of the class, the call found in the project, input shape)
CASES = [
    ("pychoice_pix2pix", "models.networks", "ResnetGenerator(3, 3, 64, norm_layer=nn.InstanceNorm2d, n_blocks=9)", [1, 3, 64, 64]),
    ("pychoice_pix2pix", "models.networks", "NLayerDiscriminator(6, 64, n_layers=3)", [1, 6, 64, 64]),
    ("pychoice_unet", "unet.unet_model", "UNet(n_channels=3, n_classes=2, bilinear=False)", [1, 3, 64, 64]),
]


def main():
    for project, module_name, expr, shape in CASES:
        root = PROJECTS / project
        sys.path.insert(0, str(root))
        try:
            module = importlib.import_module(module_name)
            model = eval(expr, vars(module))  # the fixture's own call, in the class's module
            golden = trace_models.trace(model, [shape], [(root, f"test/fixtures/projects/{project}/")])
        finally:
            sys.path.remove(str(root))
            for name in [n for n in sys.modules if n.split(".")[0] in {module_name.split(".")[0]}]:
                del sys.modules[name]
        golden.update({
            "generator": trace_models.generator_stamp().replace("trace_models.py", "project_models.py"),
            "source": {"kind": "project", "file": f"test/fixtures/projects/{project}/{module_name.replace('.', '/')}.py", "expr": expr},
        })
        name = f"project_{project}_{trace_models.slug(expr)}"
        trace_models.write_golden(trace_models.OUT_DIR / f"{name}.json", golden)
        print(f"{name}: params={golden['params']} macs={golden['macs']} out={golden['outputs']}")


if __name__ == "__main__":
    main()
