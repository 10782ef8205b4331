"""Translation catalogue tools (polib): ``compile`` writes the .mo; ``check`` fails on missing, untranslated or
fuzzy entries and on a stale .mo. ``check`` re-extracts the messages into a temporary copy, so a string added to the
code without a translation fails it."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def compile_catalogue(po_path: Path = PO) -> None:
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return found


def _ignore(directory: str, names: list[str]) -> set[str]:
    """Leave out the top-level state and tools, not app folders that happen to be called data."""
    skipped = {"__pycache__", "node_modules"}
    if Path(directory) == ROOT:
        skipped |= {".venv", "data", ".git", "static", "bench", "test-artifacts"}
    return {name for name in names if name in skipped}


def _entries(entries) -> set:
    return {(e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in entries if e.msgid}


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=_ignore)
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "zh_Hans",
                "--no-obsolete",
                "--no-location",
                "--ignore=.venv",
                "--ignore=data",
                "--ignore=bench",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        found = problems(copy / PO.relative_to(ROOT))
    mo = PO.with_suffix(".mo")
    if not mo.exists() or _entries(polib.mofile(str(mo))) != _entries(polib.pofile(str(PO)).translated_entries()):
        found.append("the compiled django.mo is stale: run `make messages` or scripts/i18n.py compile")
    for line in found:
        print(line)
    print(f"{len(found)} translation problems" if found else "translations complete")
    return 1 if found else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "compile":
        compile_catalogue()
    else:
        sys.exit(check())
