"""How much of a file this process holds resident through mappings (Linux: /proc/self/smaps)."""
import sys

LINUX = sys.platform.startswith("linux")


def resident_kb(path) -> int:
    """Kilobytes of this process's mappings of ``path`` that are resident (0 when it maps none)."""
    resident, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and len(head) >= 5:          # a mapping's first line
                inside = line.rstrip("\n").endswith(str(path))
            elif inside and head[0] == "Rss:":
                resident += int(head[1])
    return resident
