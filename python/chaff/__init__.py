"""chaff: score scraped health web content for quality and SEO spam, and explain every score.

>>> import chaff
>>> scorer = chaff.Scorer()
>>> report = scorer.score("Order today and get 50% off our miracle detox tea!")
>>> report["verdict"]
'sales page'
"""

from ._chaff import Scorer, __version__

__all__ = ["Scorer", "__version__"]
