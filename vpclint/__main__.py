"""``python -m vpclint``: the ``vpclint`` command, for environments without the console script."""

from vpclint.cli import main

if __name__ == "__main__":
    main()
