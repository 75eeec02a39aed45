"""The real user's data folder, and what is in it: what the tests must leave alone."""
from pathlib import Path

import platformdirs

#: The real user's data folder for graphsvc (where ``DB`` defaults to),
#: resolved when the tests start, before any test changes the environment.
REAL_DATA_DIR = Path(platformdirs.user_data_dir("graphsvc", appauthor=False))


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``: relative path -> (size, modification time)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}
