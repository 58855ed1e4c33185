"""Support package for the executable book on computation in superposition.

One module per idea of the book; import the one you need, for instance
``from superpos import representation``.
"""

__version__ = "0.1.0"
