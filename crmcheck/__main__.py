"""Allow ``python -m crmcheck``."""

from crmcheck.cli import main

if __name__ == "__main__":
    main()
