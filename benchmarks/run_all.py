"""`make bench`: every benchmark in turn; results land in benchmarks/results/.

- detection speed and dev-set quality, side by side with the baselines (detection.md);
- what the default policy does with the verdicts on the dev set (appended to detection.md);
- Discord latency, adapter alone and with the core (discord.md);
- Telegram throughput (printed).

Takes about ten minutes on two cores. Run one of them alone with ``python -m benchmarks.<name>``.
"""

from __future__ import annotations

import subprocess
import sys

STEPS = (
    ("detection speed and quality", ["-m", "benchmarks.detection.run"]),
    ("policy on the dev set", ["-m", "benchmarks.detection.policy_eval"]),
    ("Discord latency", ["-m", "benchmarks.discord.latency", "--report"]),
    ("Telegram throughput", ["benchmarks/telegram/throughput.py"]),
)


def main() -> int:
    failed = []
    for title, arguments in STEPS:
        print(f"\n== {title} ==", flush=True)
        # -P as this process was started (`make bench`: the compiled package before the checkout)
        safe_path = ["-P"] if sys.flags.safe_path else []
        if subprocess.run([sys.executable, *safe_path, *arguments], check=False).returncode != 0:
            failed.append(title)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
