"""``python -m superpos build``: execute the chapters and build the book."""

import sys

from superpos.book.build import main

if __name__ == "__main__":
    sys.exit(main())
