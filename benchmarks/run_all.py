"""Run every benchmark (``benchmarks/*/run.py``) in turn and print its output as it comes.

Each benchmark measures its own baseline in the same run and ends with one summary line; the
summary lines are repeated at the end. Exit status 1 when any benchmark failed.
Run: ``.venv/bin/python benchmarks/run_all.py`` (``make bench``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    summaries: list[str] = []
    failed: list[str] = []
    for script in sorted(HERE.glob("*/run.py")):
        name = script.parent.name
        print(f"=== {name} ({script.relative_to(HERE.parent)})", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, cwd=HERE.parent,
        )  # fmt: skip
        last = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.strip():
                last = line.strip()
        if proc.wait() != 0:
            failed.append(name)
            summaries.append(f"{name} FAILED (exit {proc.returncode})")
        else:
            summaries.append(last)
        print(f"=== {name} done in {time.perf_counter() - t0:.0f} s\n", flush=True)
    print("summary:")
    for line in summaries:
        print(f"  {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
