"""A plain (non-editable) install from a built wheel finds the bundled bank from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.bank import BANK_DIR, REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build the wheel (no network: hatchling comes from the test extra) and install it into a folder."""
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (work / "dist").glob("quizprep-*.whl")
    target = work / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    return target


def wheel_bank_files(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "quizprep" / "question_bank").glob("*.yaml"))


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "quizprep", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_wheel_carries_the_bank(installed):
    assert wheel_bank_files(installed) == sorted(p.name for p in BANK_DIR.glob("*.yaml"))


def test_installed_package_finds_its_bank_outside_the_repository(installed, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = run_installed(installed, outside, "info")
    assert where.returncode == 0, where.stderr
    assert str(installed / "quizprep" / "question_bank") in where.stdout
    result = run_installed(installed, outside, "validate")
    assert result.returncode == 0, result.stderr
    count = sum(
        p.read_text(encoding="utf-8").count("\n- id:") + p.read_text(encoding="utf-8").startswith("- id:")
        for p in BANK_DIR.glob("*.yaml")
    )
    assert f"{count} items" in result.stdout


def test_installed_package_is_the_one_imported(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    probe = subprocess.run(
        [sys.executable, "-c", "import quizprep; print(quizprep.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip().startswith(str(installed))


def test_wheel_declares_the_console_script(installed):
    [dist_info] = installed.glob("quizprep-*.dist-info")
    entry_points = (dist_info / "entry_points.txt").read_text()
    assert "quizprep = quizprep.cli:main" in entry_points
