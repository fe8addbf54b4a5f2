"""verify's rebuild in a process of its own, whose OpenBLAS runs the kernel the parent set
(verify.kernels.rebuild_with_kernel): python -m reportgen.verify.kernel_job GIVEN ANSWER DATA_DIR
cache|no-cache."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _main(argv: list[str]) -> int:
    """python -m reportgen.verify.kernel_job GIVEN ANSWER DATA_DIR cache|no-cache."""
    from .batch import rebuild

    given, answer, data_dir, cache = argv
    text = Path(given).read_text(encoding="utf-8")
    made = rebuild(text, data_dir or None, cache == "cache", kernel_subprocess=False)
    Path(answer).write_text(json.dumps(made), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
