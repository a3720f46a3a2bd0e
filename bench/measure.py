"""Measuring helpers shared by the benchmarks: peak memory of this process."""

from __future__ import annotations


def peak_rss() -> int:
    """This process's peak resident memory (Linux VmHWM), in bytes; 0 elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss_reset() -> None:
    """Reset this process's peak resident memory (Linux), so the next
    reading covers only what follows."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
