"""``python -m synergy_desk``: the same as the ``synergy-desk`` command."""

import sys

from synergy_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
