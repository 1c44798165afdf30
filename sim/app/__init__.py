"""The teaching page (``negsim app``): levers, outcome distributions, one run stepped round by
round, and a classroom where students take actors from their browsers.

Solara is an optional extra (``pip install -e '.[app]'``): nothing else in negsim imports this
package. The computations live in ``compute.py`` and ``classroom.py`` without any Solara, so
they are tested without a browser; ``page.py`` and ``room.py`` only lay them out.
"""
