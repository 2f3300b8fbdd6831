"""Whole-process benchmark of massage-screen (not run by CI; never a timed unit test).

    python benchmarks/bench.py [--exe PATH] [--rounds 30] [--quick]

Measures, on the installed console script (install it non-editable for real figures:
`pip install .` in a fresh virtual environment):

1. start-up: median wall time of `check ... --format json` and `--format table` against
   `massage-screen --version`, run pair by pair, interleaved, in the same run (targets:
   at most 1.2x and 1.3x);
2. `batch` over 100,000 generated patients with a realistic mix of conditions (some with a
   site), massage types, regions and settings: patients per second end to end on one core
   (target: at least 20,000) and the child's peak RSS (target: under 150 MiB);
3. the same for 1,000,000 patients (skipped with --quick): the peak must not grow.

It prints the machine it ran on, then the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECK = ["check", "-c", "high blood pressure", "-t", "classical", "-r", "neck"]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}; "
        f"Python {platform.python_version()} ({sys.executable}); {platform.platform()}"
    )


def child(argv: list[str], stdin: Path | None = None) -> tuple[float, int, int, float]:
    """Run argv; (wall seconds, exit code, peak RSS in KiB, CPU seconds) of that child alone."""
    with open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def start_up(exe: str, rounds: int) -> None:
    commands = {
        "--version": [exe, "--version"],
        "check --format json": [exe, *CHECK, "--format", "json"],
        "check --format table": [exe, *CHECK, "--format", "table"],
    }
    for argv in commands.values():  # warm the page cache and the compiled rule base
        child(argv)
    print(
        f"  load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews "
        "wall times)"
    )
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for round_number in range(rounds):
        order = names[round_number % 3 :] + names[: round_number % 3]  # rotate who goes first
        for name in order:
            times[name].append(child(commands[name])[0])
    floor = statistics.median(times["--version"])
    print(f"start-up, median of {rounds} interleaved runs each:")
    for name, target in (
        ("--version", None),
        ("check --format json", 1.2),
        ("check --format table", 1.3),
    ):
        median = statistics.median(times[name])
        ratio = median / floor
        verdict = (
            ""
            if target is None
            else (f"  (target <= {target}x: {'met' if ratio <= target else 'MISSED'})")
        )
        print(f"  {name:22} {median * 1000:7.1f} ms  {ratio:5.2f}x{verdict}")


def patients(count: int, seed: int = 7, first: int = 0) -> list[str]:
    """Names as people type them: conditions by id, label or alias with a skewed frequency,
    local ones sometimes with a site; 0-2 types and regions; a setting half the time."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from massage_screen.compiled import load_validated

    rule_base = load_validated()
    rng = random.Random(seed)
    conditions = list(rule_base.conditions)
    weights = [1 / (rank + 1) for rank in range(len(conditions))]
    rng.shuffle(conditions)
    region_words = [w for r in rule_base.regions for w in (r.id, *r.aliases[:2])]
    type_words = [w for t in rule_base.massage_types for w in (t.id, *t.aliases[:1])]

    def name(entry) -> str:  # type: ignore[no-untyped-def]
        return rng.choice((entry.id, entry.label, *entry.aliases))

    lines = []
    for number in range(count):
        chosen = rng.choices(conditions, weights, k=rng.choice((0, 0, 1, 1, 1, 2, 2, 3)))
        given = [
            name(c) + (f"@{rng.choice(region_words)}" if c.local and rng.random() < 0.5 else "")
            for c in dict.fromkeys(chosen)
        ]
        record = {
            "id": f"p{first + number}",
            "conditions": given,
            "types": rng.sample(type_words, rng.choice((0, 1, 1, 2))),
            "regions": rng.sample(region_words, rng.choice((0, 1, 1, 2))),
        }
        if rng.random() < 0.5:
            record["setting"] = rng.choice(("home", "clinic"))
        lines.append(json.dumps(record))
    return lines


def batch(exe: str, count: int, folder: Path) -> int:
    source = folder / f"patients-{count}.jsonl"
    # Generated by another process: the peak RSS the kernel reports for a child spawned with
    # vfork can be the parent's, so this process must stay small.
    subprocess.run([sys.executable, __file__, "--generate", str(count), str(source)], check=True)
    size = source.stat().st_size
    elapsed, code, peak, cpu = child([exe, "batch", str(source), "--quiet"])
    # Check the output once, streaming (this process must stay small, see above).
    checked = folder / "out.jsonl"
    subprocess.run([exe, "batch", str(source), "--quiet", "-o", str(checked)], check=False)
    lines = errors = 0
    with checked.open(encoding="utf-8") as stream:
        for line in stream:
            lines += 1
            errors += line.startswith('{"line": ')
    checked.unlink()
    assert lines == count, f"{lines} lines out for {count} patients"
    print(f"  ({errors} of the generated records were bad records; exit code {code})")
    rate = count / elapsed
    print(
        f"  batch {count:>9,} patients ({size / 2**20:.0f} MiB in): {elapsed:6.2f} s wall, "
        f"{rate:9,.0f} patients/s (target >= 20,000: {'met' if rate >= 20_000 else 'MISSED'}); "
        f"{cpu:6.2f} s CPU, {count / cpu:9,.0f} patients per CPU second; "
        f"peak RSS {peak / 1024:.1f} MiB (target < 150: {'met' if peak < 150 * 1024 else 'MISSED'})"
    )
    source.unlink()
    return peak


def generate(count: int, target: Path) -> None:
    with target.open("w", encoding="utf-8") as stream:
        for start in range(0, count, 100_000):  # a fresh mix for every 100,000
            block = patients(min(100_000, count - start), seed=start, first=start)
            stream.write("\n".join(block) + "\n")


def main() -> None:
    if sys.argv[1:2] == ["--generate"]:
        generate(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", help="the massage-screen console script to measure")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-patient run")
    arguments = parser.parse_args()
    exe = (
        arguments.exe
        or shutil.which("massage-screen", path=str(Path(sys.executable).parent))
        or shutil.which("massage-screen")
    )
    if exe is None:
        sys.exit("massage-screen is not installed; pass --exe")
    print(f"machine: {machine()}")
    print(f"console script: {exe}")
    start_up(exe, arguments.rounds)
    print("batch (one process, one core; output to /dev/null):")
    with tempfile.TemporaryDirectory() as folder:
        peaks = [batch(exe, 100_000, Path(folder))]
        if not arguments.quick:
            peaks.append(batch(exe, 1_000_000, Path(folder)))
            growth = peaks[1] / peaks[0]
            print(f"  peak RSS 1,000,000 / 100,000 patients: {growth:.2f}x")


if __name__ == "__main__":
    main()
