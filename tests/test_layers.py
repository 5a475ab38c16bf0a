"""The apps import one way (the layers contract in pyproject.toml): ``cms → oversight → formalization → procedures →
accounts → catalog → audit``. import-linter checks it in CI (``lint-imports``); these
tests run the same contract, so the suite fails too when an import points upward."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "cms",
    "oversight",
    "formalization",
    "procedures",
    "accounts",
    "catalog",
    "audit",
]


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contract_names_every_app_in_the_designed_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    (contract,) = config["importlinter"]["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"] == LAYERS
    assert config["importlinter"]["root_packages"] == LAYERS
    assert not contract.get("ignore_imports")


def test_no_app_imports_an_app_above_it():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    # procedures imports catalog: with catalog put above it, the tool must object.
    config = tmp_path / "upside_down.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["procedures", "catalog"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\n'
        'type = "layers"\n'
        'layers = ["catalog", "procedures"]\n'
    )
    result = lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "procedures" in result.stdout and "BROKEN" in result.stdout
