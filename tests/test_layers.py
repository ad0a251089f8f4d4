"""One core, two faces: the layers below the faces never pull in Textual, and
`ecstui --help` stays free of Textual and aiobotocore so start-up is fast."""

import pkgutil
import subprocess
import sys

import pytest

import ecstui

NON_UI_PREFIXES = ("ecstui.domain", "ecstui.core", "ecstui.gateways", "ecstui.config",
                   "ecstui.errors")


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(ecstui.__path__, "ecstui."):
        if info.name.startswith(NON_UI_PREFIXES):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module", _modules())
def test_non_ui_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports textual"


def test_help_imports_neither_textual_nor_aiobotocore() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from ecstui.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('textual', 'aiobotocore', 'boto3', 'github')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
