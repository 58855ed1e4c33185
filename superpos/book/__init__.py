"""The book machinery: execute the chapters, render the HTML book and its PDF, write its generated pages.

* :mod:`superpos.book.build`: ``python -m superpos build`` (also the
  ``superpos`` command) executes the chapters with papermill, each after the
  chapters whose tables it reads, caches them, and renders the book with
  Jupyter Book;
* :mod:`superpos.book.cells`: the rules for quiet pages (which cells a page
  hides) and the one parameter cell each page shows, with the values used;
* :mod:`superpos.book.pages`: the reproducibility record, the figure gallery
  and the front page's note on this copy;
* :mod:`superpos.book.pdf`: the whole book printed to one PDF by headless
  Chromium (``--pdf``);
* :mod:`superpos.book.sphinxext`: the Sphinx extension that serves MathJax from
  the built site, so the book works offline, and adds the book's style sheet.

The chapters never import this subpackage, so the build's cache keys on the
rest of the package only.
"""
