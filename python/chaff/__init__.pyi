from os import PathLike
from typing import Any, Optional, Sequence, Union

__version__: str

Report = dict[str, Any]
"""A report: the fields of `chaff score`'s JSON record (reliability, verdict, spam, spam_kind,
quality, news, families, contributions, evidence, ...)."""

class Scorer:
    """Scores scraped health pages for reliability and SEO spam, and explains every score.

    `Scorer()` uses the built-in model; `Scorer(model="model.json")` a model file that
    `chaff train` wrote. Thread-safe; pickles as its model's JSON.
    """

    def __init__(self, model: Optional[Union[str, PathLike[str]]] = None) -> None: ...
    @staticmethod
    def from_model_json(json: str, origin: str) -> "Scorer": ...
    def score(self, text: str) -> Report:
        """Scores plain text; returns the report as a dict."""
    def score_html(self, html: str) -> Report:
        """Scores an HTML page; returns the report as a dict."""
    def score_many(
        self, texts: Sequence[str], threads: Optional[int] = None, html: bool = False
    ) -> list[Report]:
        """Scores many documents in parallel without the GIL; reports in input order."""
    def signals(self) -> list[tuple[str, str, str]]:
        """The model's signals as (id, name, family), in feature order."""
