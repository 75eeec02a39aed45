import sys
from pathlib import Path

# store_contract.py and other test helpers import as plain modules
sys.path.insert(0, str(Path(__file__).parent))
