"""How long the log digest takes on a 5 MB log: `python tests/benchmarks/digest_bench.py`.

The log is the benchmark's realistic one (tests/benchmarks/data.py: timestamped lines of seven
services with request ids, latencies and the odd secret, a tenth of them errors, some with Python
or Java stack traces). Each run digests it from scratch (the caches are cleared) to the
share of the default budget a log gets; the median of 5 runs (wall clock, and the process's CPU
time, which other work on the machine disturbs less) is printed with the load average.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the checkout is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.data import log_text
from tui.core import digest as digest_module
from tui.core.prompt import DEFAULT_MAX_TOKENS
from tui.core.tokens import BYTES_PER_TOKEN

SIZE = 5_000_000
RUNS = 5


def _digest_runs(log: str, runs: int) -> tuple[list[float], list[float], str]:
    """Wall and CPU seconds of each run, from scratch (the caches cleared), and the digest."""
    budget = int(DEFAULT_MAX_TOKENS * BYTES_PER_TOKEN)
    times, cpu = [], []
    out = ""
    for _ in range(runs):
        digest_module.forget()
        start, start_cpu = time.perf_counter(), time.process_time()
        out = digest_module.digest(log, budget)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, out


def digest_times(size: int, runs: int) -> list[float]:
    """Seconds per digest of a realistic log of `size` bytes (the benchmark's digest row)."""
    return _digest_runs(log_text(size), runs)[0]


def main() -> int:
    log = log_text(SIZE)
    budget = int(DEFAULT_MAX_TOKENS * BYTES_PER_TOKEN)
    seconds, cpu_seconds, out = _digest_runs(log, RUNS)
    times = [t * 1000 for t in seconds]
    cpu = [t * 1000 for t in cpu_seconds]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"log digest of {len(log):,} bytes ({log.count(chr(10)):,} lines) to {budget:,} chars:")
    print(f"  median {statistics.median(times):.0f} ms of {RUNS} runs", end="")
    print(f" (CPU time: median {statistics.median(cpu):.0f} ms)")
    print(f"  (min {min(times):.0f}, max {max(times):.0f}); load average {load}")
    print(f"  digest: {len(out):,} chars; {out.split(chr(10), 1)[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
